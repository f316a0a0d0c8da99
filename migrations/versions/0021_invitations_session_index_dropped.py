"""invitations: the index on session_id dropped, the unique key (session_id, email) serves

Reviewed: one index dropped, no data changed. Every lookup of invitations by session (a
session's invitees, the foreign key's cascade when a session is deleted) is served by the
unique key on (session_id, email), whose first column it is; the index of its own was one
more B-tree to write for every invitation, two for a confirmed registration to two sessions,
on the busiest path (`bench/registration.py`).

Revision ID: 2a8c5e7f1b94
Revises: 7c2d9f41b8a3
Create Date: 2026-12-06 01:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "2a8c5e7f1b94"
down_revision = "7c2d9f41b8a3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_session_id"))


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_session_id"), ["session_id"], unique=False)
