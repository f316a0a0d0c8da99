"""approval notices: the e-mails that told focal points registrations wait

Reviewed: a new table only; its primary key (focal point, series, UTC day) is what keeps the
at-once notice and the daily digest to at most one e-mail a day. `sent_at` is a plain
timezone-aware DateTime, as the other migrations write the app's UTCDateTime.

Revision ID: 655dfbd395d4
Revises: 6aa82304c6b8
Create Date: 2026-12-02 08:21:19.046189

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '655dfbd395d4'
down_revision = '6aa82304c6b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('approval_notices',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_approval_notices_series_id_series'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_approval_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'series_id', 'day', name=op.f('pk_approval_notices'))
    )
    with op.batch_alter_table('approval_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_notices_series_id'), ['series_id'], unique=False)



def downgrade():
    with op.batch_alter_table('approval_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_notices_series_id'))

    op.drop_table('approval_notices')
