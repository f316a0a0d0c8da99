"""directory of national authorities, participation across series, figures by sex (issue 16)

Reviewed: three new tables and two nullable columns, nothing rewritten.
- `directory_entries`: one per (country, e-mail); `confirmed_at` drives the twelve-month flag
  and `reminded_at` keeps the reminder to one every thirty days.
- `participants` holds no personal data (only an id), so the privacy purge, which anonymises
  registrations, leaves the number that keeps yearly figures whole; `registrations.participant_id`
  is SET NULL on delete. `distinct_participants` records pairs staff said are two people.
- `registrations.sex`: the optional answer, NULL when not given; existing rows stay NULL.
Existing registrations are linked afterwards by `flask participation link` (by e-mail).
Timestamps are plain timezone-aware DateTime, as the other migrations write UTCDateTime.

Revision ID: 7dd0221c3cb5
Revises: 7edb2b6e4058
Create Date: 2026-12-02 09:13:38.881088

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7dd0221c3cb5'
down_revision = '7edb2b6e4058'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participants'))
    )
    op.create_table('directory_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('working_group_id', sa.Integer(), nullable=True),
    sa.Column('topic', sa.Enum('smuggling', 'trafficking', 'border_management', 'protection', 'irregular_migration', 'other', name='topic', native_enum=False, length=24), nullable=False),
    sa.Column('is_focal_point', sa.Boolean(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('languages', sa.String(length=20), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_directory_entries_country_code_countries')),
    sa.ForeignKeyConstraint(['working_group_id'], ['working_groups.id'], name=op.f('fk_directory_entries_working_group_id_working_groups'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_entries')),
    sa.UniqueConstraint('country_code', 'email', name=op.f('uq_directory_entries_country_code_email'))
    )
    with op.batch_alter_table('directory_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_directory_entries_country_code'), ['country_code'], unique=False)

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
    with op.batch_alter_table('directory_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_directory_entries_country_code'))

    op.drop_table('directory_entries')
    op.drop_table('participants')

