"""attendance column mappings and skipped rows

Reviewed: a new table keeps per series the columns a facilitator mapped for an unknown report
layout (one row per series, removed with the series); imports count the rows they left out,
0 for the imports made before (server default kept: the model writes it too).

Revision ID: 6aa82304c6b8
Revises: 1798254715e3
Create Date: 2026-12-02 08:24:32.965890

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6aa82304c6b8'
down_revision = '1798254715e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance_column_mappings',
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_attendance_column_mappings_series_id_series'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_attendance_column_mappings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('series_id', name=op.f('pk_attendance_column_mappings'))
    )
    with op.batch_alter_table('attendance_column_mappings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_column_mappings_updated_by_id'), ['updated_by_id'], unique=False)

    with op.batch_alter_table('attendance_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('skipped', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('attendance_imports', schema=None) as batch_op:
        batch_op.drop_column('skipped')

    with op.batch_alter_table('attendance_column_mappings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_column_mappings_updated_by_id'))

    op.drop_table('attendance_column_mappings')
