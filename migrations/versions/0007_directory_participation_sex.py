"""directory participation sex

Revision ID: b477605ae00e
Revises: 655dfbd395d4
Create Date: 2026-12-02 08:58:01.987909

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b477605ae00e'
down_revision = '655dfbd395d4'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participants'))
    )
    op.create_table('distinct_participants',
    sa.Column('first_id', sa.Integer(), nullable=False),
    sa.Column('second_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('first_id < second_id', name=op.f('ck_distinct_participants_ordered_pair')),
    sa.ForeignKeyConstraint(['first_id'], ['participants.id'], name=op.f('fk_distinct_participants_first_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['second_id'], ['participants.id'], name=op.f('fk_distinct_participants_second_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('first_id', 'second_id', name=op.f('pk_distinct_participants'))
    )
    with op.batch_alter_table('distinct_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distinct_participants_second_id'), ['second_id'], unique=False)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sex', sa.Enum('female', 'male', 'another', 'undisclosed', name='sex', native_enum=False, length=24), nullable=True))
        batch_op.add_column(sa.Column('participant_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_registrations_participant_id'), ['participant_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_registrations_participant_id_participants'), 'participants', ['participant_id'], ['id'], ondelete='SET NULL')




def downgrade():
    
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registrations_participant_id_participants'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_registrations_participant_id'))
        batch_op.drop_column('participant_id')
        batch_op.drop_column('sex')

    with op.batch_alter_table('distinct_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distinct_participants_second_id'))

    op.drop_table('distinct_participants')
    op.drop_table('participants')

