"""registration: registrations, their sessions, the mail outbox, staff API tokens

Reviewed: the unique (series_id, email) is the last guard against a double registration;
status is a plain string like every enum here; outbox rows keep their Message-ID.

Revision ID: 8011aeda558b
Revises: 2a8422b1d9f6
Create Date: 2026-11-24 22:14:17.734905

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8011aeda558b'
down_revision = '2a8422b1d9f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.Column('observer_organization', sa.String(length=200), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('consent_to_list', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'waitlisted', 'rejected', 'cancelled', name='registrationstatus', native_enum=False, length=24), nullable=False),
    sa.Column('rejection_reason', sa.String(length=500), nullable=False),
    sa.Column('manage_token', sa.String(length=64), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('waitlisted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(country_code IS NULL) <> (observer_organization = '')", name=op.f('ck_registrations_country_or_observer')),
    sa.CheckConstraint("language IN ('en', 'es')", name=op.f('ck_registrations_language_known')),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_registrations_country_code_countries')),
    sa.ForeignKeyConstraint(['profile_id'], ['participant_profiles.id'], name=op.f('fk_registrations_profile_id_participant_profiles')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_registrations_registered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_registrations_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
    sa.UniqueConstraint('manage_token', name=op.f('uq_registrations_manage_token')),
    sa.UniqueConstraint('series_id', 'email', name=op.f('uq_registrations_series_id_email'))
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_country_code'), ['country_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_registered_by_id'), ['registered_by_id'], unique=False)
        batch_op.create_index('ix_registrations_series_id_status', ['series_id', 'status'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('to_name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='outboxstatus', native_enum=False, length=24), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_outbox_messages_registration_id_registrations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_outbox_messages_series_id_series'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_messages_message_id'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_series_id'), ['series_id'], unique=False)

    op.create_table('registration_sessions',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_sessions_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_registration_sessions_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', 'session_id', name=op.f('pk_registration_sessions'))
    )
    with op.batch_alter_table('registration_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_registration_sessions_session_id', ['session_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_api_token_hash'), ['api_token_hash'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_api_token_hash'), type_='unique')
        batch_op.drop_column('api_token_hash')

    with op.batch_alter_table('registration_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_sessions_session_id')

    op.drop_table('registration_sessions')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_series_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_registration_id'))
        batch_op.drop_index('ix_outbox_messages_due')

    op.drop_table('outbox_messages')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_series_id_status')
        batch_op.drop_index(batch_op.f('ix_registrations_registered_by_id'))
        batch_op.drop_index(batch_op.f('ix_registrations_profile_id'))
        batch_op.drop_index(batch_op.f('ix_registrations_country_code'))

    op.drop_table('registrations')

