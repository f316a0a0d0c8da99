"""scheduling: countries, organizations, series, sessions, agenda, people, profiles, staff

Reviewed: names follow the naming convention of extensions.py; enums are
stored as strings (no native PostgreSQL types to migrate later); times are timestamptz.

Revision ID: 2a8422b1d9f6
Revises: 
Create Date: 2026-11-24 21:47:30.544073

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2a8422b1d9f6'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('countries',
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('name_es', sa.String(length=80), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_countries'))
    )
    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('acronym_en', sa.String(length=20), nullable=False),
    sa.Column('acronym_es', sa.String(length=20), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_es', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations')),
    sa.UniqueConstraint('acronym_en', name=op.f('uq_organizations_acronym_en'))
    )
    op.create_table('working_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_es', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_groups')),
    sa.UniqueConstraint('code', name=op.f('uq_working_groups_code'))
    )
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('title_es', sa.String(length=300), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_people_country_code_countries')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_people_organization_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_country_code'), ['country_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_organization_id'), ['organization_id'], unique=False)

    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('title_es', sa.String(length=300), nullable=False),
    sa.Column('background_en', sa.Text(), nullable=False),
    sa.Column('background_es', sa.Text(), nullable=False),
    sa.Column('objective_en', sa.Text(), nullable=False),
    sa.Column('objective_es', sa.Text(), nullable=False),
    sa.Column('methodology_en', sa.Text(), nullable=False),
    sa.Column('methodology_es', sa.Text(), nullable=False),
    sa.Column('modality', sa.Enum('online', 'in_person', 'hybrid', name='modality', native_enum=False, length=24), nullable=False),
    sa.Column('venue_en', sa.String(length=300), nullable=False),
    sa.Column('venue_es', sa.String(length=300), nullable=False),
    sa.Column('conference_url', sa.String(length=500), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('tentative_dates_en', sa.String(length=200), nullable=False),
    sa.Column('tentative_dates_es', sa.String(length=200), nullable=False),
    sa.Column('registration_opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registration_closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approval_mode', sa.Enum('automatic', 'organizer', 'focal_point', name='approvalmode', native_enum=False, length=24), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'closed', 'archived', name='seriesstatus', native_enum=False, length=24), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('working_group_id', sa.Integer(), nullable=True),
    sa.Column('host_country_code', sa.String(length=2), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_series_capacity_positive')),
    sa.CheckConstraint('registration_opens_at IS NULL OR registration_closes_at IS NULL OR registration_closes_at > registration_opens_at', name=op.f('ck_series_registration_window_ordered')),
    sa.ForeignKeyConstraint(['host_country_code'], ['countries.code'], name=op.f('fk_series_host_country_code_countries')),
    sa.ForeignKeyConstraint(['working_group_id'], ['working_groups.id'], name=op.f('fk_series_working_group_id_working_groups'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('slug', name=op.f('uq_series_slug'))
    )
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_working_group_id'), ['working_group_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.Enum('admin', 'organizer', 'facilitator', 'focal_point', name='staffrole', native_enum=False, length=24), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(role = 'focal_point') = (country_code IS NOT NULL)", name=op.f('ck_users_focal_point_country')),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_users_country_code_countries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_country_code'), ['country_code'], unique=False)

    op.create_table('event_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('topic_en', sa.String(length=300), nullable=False),
    sa.Column('topic_es', sa.String(length=300), nullable=False),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('track_en', sa.String(length=200), nullable=False),
    sa.Column('track_es', sa.String(length=200), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_event_sessions_capacity_positive')),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_event_sessions_ends_after_start')),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_event_sessions_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_sessions'))
    )
    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_sessions_series_id'), ['series_id'], unique=False)

    op.create_table('facilitator_assignments',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_facilitator_assignments_series_id_series'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_facilitator_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'series_id', name=op.f('pk_facilitator_assignments'))
    )
    op.create_table('participant_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label_en', sa.String(length=200), nullable=False),
    sa.Column('label_es', sa.String(length=200), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('description_es', sa.Text(), nullable=False),
    sa.Column('min_per_country', sa.Integer(), nullable=False),
    sa.Column('max_per_country', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_per_country IS NULL OR (max_per_country > 0 AND max_per_country >= min_per_country)', name=op.f('ck_participant_profiles_max_at_least_min')),
    sa.CheckConstraint('min_per_country >= 0', name=op.f('ck_participant_profiles_min_not_negative')),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_participant_profiles_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_profiles')),
    sa.UniqueConstraint('series_id', 'code', name=op.f('uq_participant_profiles_series_id_code'))
    )
    with op.batch_alter_table('participant_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_profiles_series_id'), ['series_id'], unique=False)

    op.create_table('series_partners',
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_series_partners_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_series_partners_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('series_id', 'organization_id', name=op.f('pk_series_partners'))
    )
    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('opening_remarks', 'introduction', 'technical_exchange', 'panel', 'presentation', 'questions_and_answers', 'guided_dialogue', 'plenary', 'group_work', 'closing_remarks', 'break', name='agendakind', native_enum=False, length=24), nullable=False),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title_en', sa.String(length=500), nullable=False),
    sa.Column('title_es', sa.String(length=500), nullable=False),
    sa.Column('sub_points', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_agenda_items_ends_after_start')),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_agenda_items_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_session_id'), ['session_id'], unique=False)

    op.create_table('roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('panelist', 'moderator', 'facilitator', 'speaker', 'rapporteur', 'opening_remarks', name='rolekind', native_enum=False, length=24), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('note_en', sa.String(length=300), nullable=False),
    sa.Column('note_es', sa.String(length=300), nullable=False),
    sa.CheckConstraint("person_id IS NOT NULL OR organization_id IS NOT NULL OR note_en <> ''", name=op.f('ck_roles_someone')),
    sa.CheckConstraint('(session_id IS NULL) <> (agenda_item_id IS NULL)', name=op.f('ck_roles_one_place')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_roles_agenda_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_roles_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_roles_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_roles_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roles'))
    )
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roles_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roles_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roles_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roles_session_id'), ['session_id'], unique=False)




def downgrade():
    
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roles_session_id'))
        batch_op.drop_index(batch_op.f('ix_roles_person_id'))
        batch_op.drop_index(batch_op.f('ix_roles_organization_id'))
        batch_op.drop_index(batch_op.f('ix_roles_agenda_item_id'))

    op.drop_table('roles')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_session_id'))

    op.drop_table('agenda_items')
    op.drop_table('series_partners')
    with op.batch_alter_table('participant_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_profiles_series_id'))

    op.drop_table('participant_profiles')
    op.drop_table('facilitator_assignments')
    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_sessions_series_id'))

    op.drop_table('event_sessions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_country_code'))

    op.drop_table('users')
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_working_group_id'))

    op.drop_table('series')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_organization_id'))
        batch_op.drop_index(batch_op.f('ix_people_country_code'))

    op.drop_table('people')
    op.drop_table('working_groups')
    op.drop_table('organizations')
    op.drop_table('countries')

