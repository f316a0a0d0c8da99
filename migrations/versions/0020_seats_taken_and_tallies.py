"""series_seats_taken and seat_tallies: the count under the series lock spared when far
from its limit (PostgreSQL)

Reviewed: two tables, the triggers that keep the first, and `seat_limit_reached()`
(migration 0018) reading both. A confirmed registration through the API is counted under the
series lock (`inserts.insert_confirmed`, `seats.confirm_prediction`), and that count read
every holder of its profile in
its country, one heap page each: in a series of thousands it was the one cost of the
registration that grew with the series, all of it under the lock.

`series_seats_taken` counts every seat taken in a series, whatever takes it (the ORM, a bulk
statement, a fix in psql): a registration written holding a seat (pending or confirmed), or
made to hold one (promoted, verified), or moved to the series, to a profile or to a country
while holding one. Its triggers are deferred to the commit: a registration through the API
is written before the series lock and takes the lock after, and a row lock taken at the
write would be taken before the series lock by that transaction and after it by one that
locks first, a deadlock. Its own row, not the series': an update of the series row would
copy the whole row and draw a new version (0014).

`seat_tallies` keeps, per series and limit (the series' capacity, a profile's maximum in a
country), a count of the holders and the seats taken when it was made. The holders now are
at most that count plus the seats taken since (seats given back only make it smaller), so
while that stays under the limit no count is needed. The function reads the seats taken
before it counts: a seat taken and committed in between is in the count and not in the
number it is kept with, which only makes the bound larger. Otherwise it counts, as before,
and keeps the count when the limit is far enough (more than 32 seats away) to spare the
next ones. A tally is written under the series lock, in the counting transaction: rolled
back with it. A session's capacity is counted as before.

SQLite has the tables and none of their triggers or readers: nothing is predicted there.

Revision ID: 7c2d9f41b8a3
Revises: 6e1f0a3c9d57
Create Date: 2026-12-06 01:10:00

"""

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "7c2d9f41b8a3"
down_revision = "6e1f0a3c9d57"
branch_labels = None
depends_on = None

HOLDING = "('pending', 'confirmed')"
#: A tally is kept only when its limit is further than this: nearer, the next seats taken
#: anywhere in the series would make it useless at once, and the count reads few rows.
ROOM = 32

POSTGRESQL = [
    """
    CREATE FUNCTION series_seat_taken() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE series_seats_taken SET taken = taken + 1 WHERE series_id = NEW.series_id;
        IF NOT FOUND THEN
            -- The series' first seat; none to count if the series was deleted meanwhile.
            INSERT INTO series_seats_taken (series_id, taken)
            SELECT id, 1 FROM series WHERE id = NEW.series_id
            ON CONFLICT (series_id) DO UPDATE SET taken = series_seats_taken.taken + 1;
        END IF;
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE CONSTRAINT TRIGGER registrations_seat_taken AFTER INSERT ON registrations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status IN {HOLDING})
    EXECUTE FUNCTION series_seat_taken()
    """,
    f"""
    CREATE CONSTRAINT TRIGGER registrations_seat_moved AFTER UPDATE ON registrations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (
        NEW.status IN {HOLDING} AND (
            OLD.status NOT IN {HOLDING}
            OR NEW.series_id <> OLD.series_id
            OR NEW.profile_id IS DISTINCT FROM OLD.profile_id
            OR NEW.country_code IS DISTINCT FROM OLD.country_code
        )
    )
    EXECUTE FUNCTION series_seat_taken()
    """,
    f"""
    CREATE FUNCTION seat_tally_kept(
        p_series integer, p_scope varchar, p_held integer, p_taken bigint, p_maximum integer
    ) RETURNS void LANGUAGE sql VOLATILE AS $$
        INSERT INTO seat_tallies (series_id, scope, held, taken)
        SELECT p_series, p_scope, p_held, p_taken WHERE p_maximum - p_held > {ROOM}
        ON CONFLICT (series_id, scope) DO UPDATE SET held = excluded.held, taken = excluded.taken
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION seat_limit_reached(
        p_series integer, p_excluding integer, p_capacity integer,
        p_profile integer, p_country varchar, p_pair_maximum integer,
        p_sessions integer[], p_session_capacities integer[]
    ) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
        v_taken bigint;
        v_scope varchar;
        v_held integer;
    BEGIN
        IF p_capacity IS NOT NULL OR p_pair_maximum IS NOT NULL THEN
            -- None yet: no seat taken since the table was made.
            v_taken := coalesce(
                (SELECT taken FROM series_seats_taken WHERE series_id = p_series), 0
            );
        END IF;
        IF p_capacity IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM seat_tallies
            WHERE series_id = p_series AND scope = 'series'
              AND held + (v_taken - taken) < p_capacity
        ) THEN
            SELECT count(*) INTO v_held FROM registrations
            WHERE series_id = p_series AND status IN ('pending', 'confirmed')
              AND id <> p_excluding;
            IF v_held >= p_capacity THEN
                RETURN true;
            END IF;
            PERFORM seat_tally_kept(p_series, 'series', v_held, v_taken, p_capacity);
        END IF;
        IF p_pair_maximum IS NOT NULL THEN
            v_scope := 'pair ' || p_profile || ' ' || p_country;
            IF NOT EXISTS (
                SELECT 1 FROM seat_tallies
                WHERE series_id = p_series AND scope = v_scope
                  AND held + (v_taken - taken) < p_pair_maximum
            ) THEN
                SELECT count(*) INTO v_held FROM registrations
                WHERE series_id = p_series AND status IN ('pending', 'confirmed')
                  AND id <> p_excluding AND profile_id = p_profile AND country_code = p_country;
                IF v_held >= p_pair_maximum THEN
                    RETURN true;
                END IF;
                PERFORM seat_tally_kept(p_series, v_scope, v_held, v_taken, p_pair_maximum);
            END IF;
        END IF;
        IF cardinality(p_sessions) > 0 THEN
            RETURN EXISTS (
                SELECT 1 FROM unnest(p_sessions, p_session_capacities) AS chosen(id, capacity)
                WHERE (
                    SELECT count(*) FROM registrations
                    JOIN registration_sessions
                      ON registration_sessions.registration_id = registrations.id
                    WHERE registrations.series_id = p_series
                      AND registrations.status IN ('pending', 'confirmed')
                      AND registrations.id <> p_excluding
                      AND registration_sessions.session_id = chosen.id
                ) >= chosen.capacity
            );
        END IF;
        RETURN false;
    END
    $$
    """,
]


def upgrade():
    op.create_table(
        "series_seats_taken",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("taken", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["series.id"],
            name=op.f("fk_series_seats_taken_series_id_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("series_id", name=op.f("pk_series_seats_taken")),
    )
    op.create_table(
        "seat_tallies",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("taken", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["series.id"],
            name=op.f("fk_seat_tallies_series_id_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("series_id", "scope", name=op.f("pk_seat_tallies")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL:
            op.execute(statement)


def _previous(filename: str) -> ModuleType:
    """An earlier migration of this directory, to restore what it created."""
    path = Path(__file__).with_name(filename)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        # 0018's count, as it created it.
        op.execute(_previous("0018_seat_limit_reached_generic_plans.py").FUNCTION)
        op.execute("DROP FUNCTION seat_tally_kept(integer, varchar, integer, bigint, integer)")
        op.execute("DROP TRIGGER registrations_seat_moved ON registrations")
        op.execute("DROP TRIGGER registrations_seat_taken ON registrations")
        op.execute("DROP FUNCTION series_seat_taken()")
    op.drop_table("seat_tallies")
    op.drop_table("series_seats_taken")
