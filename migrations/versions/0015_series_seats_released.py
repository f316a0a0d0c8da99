"""series.seats_released: how many times a seat of the series was given back (PostgreSQL)

Reviewed: one column, its triggers, and the version trigger of 0014 told to leave the version
alone when only this column changes. A registration through the API that the count before
the series lock puts on the waiting list (`seats.confirm_prediction`) stays there without a
second count under the lock when no seat was given back in between: the statement that takes
the lock reads this column from the row it locks, which is the row as the last transaction
to change it left it. So every change that gives a seat back must count here, whatever makes
it (the ORM, a bulk statement, a fix in psql): triggers, not the application. A seat is given
back when a registration that holds one (pending or confirmed) stops holding it, is deleted,
or moves to another series, profile or country, and when one of its sessions is taken off
it. The counting UPDATE locks the series row as the series lock does, so a change that gives a
seat back and a registration waiting for the lock are ordered.

SQLite has the column and no trigger: nothing is predicted there (its first write locks the
whole database), so nothing reads it.

Revision ID: 3c7e1a94b2f0
Revises: 8a4f2c61d9e3
Create Date: 2026-12-04 19:40:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "3c7e1a94b2f0"
down_revision = "8a4f2c61d9e3"
branch_labels = None
depends_on = None

HOLDING = "('pending', 'confirmed')"

#: 0014's function, as it was (for the downgrade).
NEW_VERSION = """
    CREATE OR REPLACE FUNCTION series_new_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.version := floor(random() * 9.0e18)::bigint;
        RETURN NEW;
    END $$
"""

POSTGRESQL = [
    # A seat given back is no change of the series: the copies kept of it stay good.
    """
    CREATE OR REPLACE FUNCTION series_new_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.seats_released <> OLD.seats_released THEN
            RETURN NEW;
        END IF;
        NEW.version := floor(random() * 9.0e18)::bigint;
        RETURN NEW;
    END $$
    """,
    """
    CREATE FUNCTION series_seat_released() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE series SET seats_released = seats_released + 1 WHERE id = OLD.series_id;
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE TRIGGER registrations_seat_released AFTER UPDATE ON registrations
    FOR EACH ROW WHEN (
        OLD.status IN {HOLDING} AND (
            NEW.status NOT IN {HOLDING}
            OR NEW.series_id <> OLD.series_id
            OR NEW.profile_id IS DISTINCT FROM OLD.profile_id
            OR NEW.country_code IS DISTINCT FROM OLD.country_code
        )
    )
    EXECUTE FUNCTION series_seat_released()
    """,
    f"""
    CREATE TRIGGER registrations_seat_deleted AFTER DELETE ON registrations
    FOR EACH ROW WHEN (OLD.status IN {HOLDING})
    EXECUTE FUNCTION series_seat_released()
    """,
    # A session taken off a registration that holds a seat (deleted with the registration,
    # the registration's own trigger has counted already: it is gone when this one runs).
    f"""
    CREATE FUNCTION series_session_seat_released() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE series SET seats_released = seats_released + 1
        WHERE id = (
            SELECT series_id FROM registrations
            WHERE id = OLD.registration_id AND status IN {HOLDING}
        );
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER registration_sessions_seat_released
    AFTER UPDATE OR DELETE ON registration_sessions
    FOR EACH ROW EXECUTE FUNCTION series_session_seat_released()
    """,
]


def upgrade():
    # A plain ADD COLUMN on SQLite too: a batch would copy the table, which 0014's triggers
    # on it and on its children refuse.
    op.add_column(
        "series",
        sa.Column("seats_released", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER registration_sessions_seat_released ON registration_sessions")
        op.execute("DROP TRIGGER registrations_seat_deleted ON registrations")
        op.execute("DROP TRIGGER registrations_seat_released ON registrations")
        op.execute("DROP FUNCTION series_session_seat_released()")
        op.execute("DROP FUNCTION series_seat_released()")
        op.execute(NEW_VERSION)
    op.drop_column("series", "seats_released")  # SQLite 3.35 and later drop it in place
