"""seat_limit_reached(): one count per statement, each planned once per connection (PostgreSQL)

Reviewed: the same function, the same rule (migration 0017), no table changed. Its body was
one expression holding the three counts, each behind a test of its limit for null: with the
limits' values, the planner drops the counts of the limits that are null, so every plan made
for the values of one call (a custom plan) was estimated far cheaper than the plan made once
for any values (the generic plan), and PostgreSQL planned the whole expression again at
every call. Profiled with `perf` on the backends during a run of confirmed registrations:
planning was 17 % of PostgreSQL's CPU, under the series lock.

Now each limit is tested first, on its own (a simple expression, never planned), and each
count is a statement whose plan does not depend on which limits are set: PostgreSQL keeps
its generic plan after the first calls on a connection. A null limit is still no limit; an
empty list of sessions counts nothing.

Revision ID: 4b7e9d2c1a60
Revises: 9e4c1b7a2d35
Create Date: 2026-12-05 23:00:00

"""

import importlib.util
from pathlib import Path

from alembic import op

# revision identifiers, used by Alembic.
revision = "4b7e9d2c1a60"
down_revision = "9e4c1b7a2d35"
branch_labels = None
depends_on = None

SIGNATURE = (
    "seat_limit_reached(integer, integer, integer, integer, varchar, integer, integer[],"
    " integer[])"
)

FUNCTION = """
    CREATE OR REPLACE FUNCTION seat_limit_reached(
        p_series integer, p_excluding integer, p_capacity integer,
        p_profile integer, p_country varchar, p_pair_maximum integer,
        p_sessions integer[], p_session_capacities integer[]
    ) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
        IF p_capacity IS NOT NULL THEN
            IF (
                SELECT count(*) FROM registrations
                WHERE series_id = p_series AND status IN ('pending', 'confirmed')
                  AND id <> p_excluding
            ) >= p_capacity THEN
                RETURN true;
            END IF;
        END IF;
        IF p_pair_maximum IS NOT NULL THEN
            IF (
                SELECT count(*) FROM registrations
                WHERE series_id = p_series AND status IN ('pending', 'confirmed')
                  AND id <> p_excluding AND profile_id = p_profile AND country_code = p_country
            ) >= p_pair_maximum THEN
                RETURN true;
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
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        # Migration 0017's function, as it created it.
        path = Path(__file__).with_name("0017_seat_limit_reached.py")
        spec = importlib.util.spec_from_file_location("seat_limit_reached_0017", path)
        assert spec is not None and spec.loader is not None
        previous = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(previous)
        op.execute(f"DROP FUNCTION {SIGNATURE}")
        op.execute(previous.FUNCTION)
