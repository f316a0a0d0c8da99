"""outbox_messages: the index of the daily allowance holds sent messages only

Reviewed: one index made partial (`WHERE sent_at IS NOT NULL`), no data changed. Its one
reader, the daily allowance (`mail.delivery`), counts the messages sent to an address since
a moment (`sent_at >= ...`, which implies the index's condition); a message queued and not
yet sent was written into it all the same, three entries for every confirmed registration
(its receipt and two invitations) on the busiest path. Now a message enters it when the
delivery worker marks it sent.

Revision ID: 9b3d6f2e8a15
Revises: 2a8c5e7f1b94
Create Date: 2026-12-06 01:35:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "9b3d6f2e8a15"
down_revision = "2a8c5e7f1b94"
branch_labels = None
depends_on = None

NAME = "ix_outbox_messages_to_address_sent_at"
SENT = sa.text("sent_at IS NOT NULL")


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(NAME)
        batch_op.create_index(
            NAME, ["to_address", "sent_at"], unique=False, postgresql_where=SENT, sqlite_where=SENT
        )


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(NAME)
        batch_op.create_index(NAME, ["to_address", "sent_at"], unique=False)
