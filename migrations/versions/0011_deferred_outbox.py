"""deferred outbox messages: rendered by the delivery worker, not by the request

Reviewed: three columns on `outbox_messages`, nothing else. `renderer` names the function that
writes a deferred message at delivery ('' for the messages stored whole, which every existing
row is: the server default fills them); `session_sequence` is the session's SEQUENCE when a
deferred calendar message was written (the one it carries at delivery adds the session's rises
since); `note` is a deferred update's note. The stored subject and bodies stay NOT NULL: a
deferred row holds '' in them until the worker stores what it sent.

Downgrade: a deferred message still pending has no text the old code could send, so it is
marked failed (with the reason) before the columns go; sent ones hold their text already.

Revision ID: ef5730279a45
Revises: 5b1e0c7a9d21
Create Date: 2026-12-02 09:18:29.050792

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ef5730279a45'
down_revision = '5b1e0c7a9d21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renderer', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('session_sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), server_default='', nullable=False))


def downgrade():
    op.execute(
        "UPDATE outbox_messages SET status = 'failed',"
        " last_error = 'Deferred message left unrendered by a downgrade'"
        " WHERE renderer <> '' AND status = 'pending'"
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('session_sequence')
        batch_op.drop_column('renderer')
