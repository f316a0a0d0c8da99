"""outbox_messages.leased_until: a delivery worker claims a batch of messages with a lease

Reviewed: one nullable column, nothing else. A worker claims up to a batch of due messages in
one statement and commits; the lease keeps the other workers off them while it sends them one
by one. A worker that dies leaves its lease behind: the messages it had not sent become
claimable again when the lease ends (`mail.delivery.LEASE`).

Revision ID: 5d2b7e91c4a8
Revises: 3c9e1f2a7b40
Create Date: 2026-12-02 19:50:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "5d2b7e91c4a8"
down_revision = "3c9e1f2a7b40"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("leased_until")
