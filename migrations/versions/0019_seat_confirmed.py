"""seat_confirmed(): a confirmed registration written, locked, counted and committed in one
statement (PostgreSQL)

Reviewed: one function, no table changed. A registration through the API whose seat needs no
count before the series lock (no limit of the series seen reached) and whose status is
confirmed at once (automatic approval) is now one statement sent outside a transaction: its
rows, its e-mails' and invitations' rows, the series lock, the count under the lock
(`seat_limit_reached`, migrations 0017 and 0018), and the commit that PostgreSQL makes at the
end of a statement sent on its own. One round trip instead of four (BEGIN, the registration,
the lock, COMMIT), and no round trip to the client while the lock is held.

A statement on its own cannot be rolled back by the client after it ran: what the client
used to check on the answer of the lock statement is checked by the statement itself, on
the row it locked, by this function, which raises when the registration must not stand. The
error takes the whole statement back, and the client registers again the careful way, as
after a misprediction. Each reason has its own SQLSTATE (class WB, not PostgreSQL's):

- WB001: the series changed between the statement's snapshot and its lock (its version);
- WB002: a hard limit is reached once the lock is granted (the registration should wait);
- WB003: a held row was left out (an address invited to the session meanwhile).

SQLite has no such function and needs none: nothing is predicted there.

Revision ID: 6e1f0a3c9d57
Revises: 4b7e9d2c1a60
Create Date: 2026-12-06 00:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "6e1f0a3c9d57"
down_revision = "4b7e9d2c1a60"
branch_labels = None
depends_on = None

FUNCTION = """
    CREATE FUNCTION seat_confirmed(
        p_unchanged boolean, p_limit_reached boolean, p_written_in_full boolean
    ) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
        IF NOT p_unchanged THEN
            RAISE EXCEPTION 'the series changed before its lock' USING ERRCODE = 'WB001';
        END IF;
        IF p_limit_reached THEN
            RAISE EXCEPTION 'a hard limit is reached' USING ERRCODE = 'WB002';
        END IF;
        IF NOT p_written_in_full THEN
            RAISE EXCEPTION 'a held row was left out' USING ERRCODE = 'WB003';
        END IF;
        RETURN true;
    END
    $$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION seat_confirmed(boolean, boolean, boolean)")
