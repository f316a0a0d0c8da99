"""verify e-mail addresses, and the outbox's daily allowance per address

Reviewed: `series.verify_email` is on for every series, existing ones included (public series
verify addresses by default; organizers turn it off per series), written `sa.true()` so that
PostgreSQL gets a boolean default. The index serves the count, at delivery, of the messages
sent to one address in the last day; `over_cap_allowed` marks a suppressed message an
organizer sent anyway. The new statuses (`registrations.status` "unverified",
`outbox_messages.status` "suppressed") need no change: both columns are plain strings of 24.

Revision ID: 794df3e5cce2
Revises: 655dfbd395d4
Create Date: 2026-12-02 08:54:44.738435

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '794df3e5cce2'
down_revision = '655dfbd395d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('over_cap_allowed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_outbox_messages_to_address_sent_at', ['to_address', 'sent_at'], unique=False)

    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verify_email', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade():
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_column('verify_email')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_to_address_sent_at')
        batch_op.drop_column('over_cap_allowed')

