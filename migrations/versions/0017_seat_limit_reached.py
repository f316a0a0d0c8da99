"""seat_limit_reached(): the count under the series lock, inside the lock statement (PostgreSQL)

Reviewed: one function, no table changed. A confirmed registration through the API is
written with the status the count before the lock predicts; under the lock the count is made
again, and until now that took a statement of its own after the lock statement, because a
statement reads what was committed when it began, before it waited for the lock. A PL/pgSQL
function's statements each read what is committed when they run: called on the row the lock
statement has locked, it counts after the lock, in the same round trip
(`seats.confirm_prediction`). PL/pgSQL, not SQL: a SQL function may be inlined into the
calling statement, and would count in its snapshot.

The rule is `seats.fits`' (and `seats._counts`'): one more seat does not fit when the
series' holders (pending and confirmed) reach its capacity, or those of the profile in the
country reach the profile's maximum, or those of a chosen session reach its capacity; the
registration itself left out. A null limit is no limit. `tests/registration/
test_predicted_placement.py` compares it with `seats.seat_fits` for each kind of limit.

SQLite has no such function and needs none: nothing is predicted there.

Revision ID: 9e4c1b7a2d35
Revises: 5d2b8e07c4a1
Create Date: 2026-12-04 22:50:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "9e4c1b7a2d35"
down_revision = "5d2b8e07c4a1"
branch_labels = None
depends_on = None

FUNCTION = """
    CREATE FUNCTION seat_limit_reached(
        p_series integer, p_excluding integer, p_capacity integer,
        p_profile integer, p_country varchar, p_pair_maximum integer,
        p_sessions integer[], p_session_capacities integer[]
    ) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
        RETURN (
            p_capacity IS NOT NULL AND (
                SELECT count(*) FROM registrations
                WHERE series_id = p_series AND status IN ('pending', 'confirmed')
                  AND id <> p_excluding
            ) >= p_capacity
        ) OR (
            p_pair_maximum IS NOT NULL AND (
                SELECT count(*) FROM registrations
                WHERE series_id = p_series AND status IN ('pending', 'confirmed')
                  AND id <> p_excluding AND profile_id = p_profile AND country_code = p_country
            ) >= p_pair_maximum
        ) OR EXISTS (
            SELECT 1 FROM unnest(p_sessions, p_session_capacities) AS chosen(id, capacity)
            WHERE (
                SELECT count(*) FROM registrations
                JOIN registration_sessions ON registration_sessions.registration_id = registrations.id
                WHERE registrations.series_id = p_series
                  AND registrations.status IN ('pending', 'confirmed')
                  AND registrations.id <> p_excluding
                  AND registration_sessions.session_id = chosen.id
            ) >= chosen.capacity
        );
    END
    $$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP FUNCTION seat_limit_reached(integer, integer, integer, integer, varchar,"
            " integer, integer[], integer[])"
        )
