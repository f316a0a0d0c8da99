"""invitations: session calendar identity and status, invitations, reminders, calendar parts in the outbox

Reviewed: existing sessions get a UID each and scheduled status before the columns become
NOT NULL; server defaults exist only during the upgrade.

Revision ID: 9153efa4da1d
Revises: 8011aeda558b
Create Date: 2026-11-24 22:51:13.134208

"""
import uuid
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9153efa4da1d'
down_revision = '8011aeda558b'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('chair', sa.Boolean(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.Enum('REQUEST', 'CANCEL', name='icalmethod', native_enum=False, length=24), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_invitations_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_invitations_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_invitations_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('session_id', 'email', name=op.f('uq_invitations_session_id_email'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_session_id'), ['session_id'], unique=False)

    op.create_table('reminders_sent',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('minutes_before', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_reminders_sent_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_reminders_sent_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', 'session_id', 'minutes_before', name=op.f('pk_reminders_sent'))
    )
    # Existing rows get their values first (a UID each), then the columns become NOT NULL.
    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conference_url', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('status', sa.Enum('scheduled', 'cancelled', name='sessionstatus', native_enum=False, length=24), nullable=False, server_default='scheduled'))
        batch_op.add_column(sa.Column('ical_uid', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('ical_sequence', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('modified_at', sa.DateTime(timezone=True), nullable=True))
    sessions = sa.table('event_sessions', sa.column('id', sa.Integer), sa.column('ical_uid', sa.String),
                        sa.column('modified_at', sa.DateTime(timezone=True)))
    connection = op.get_bind()
    now = datetime.now(UTC) if connection.dialect.name == 'postgresql' else datetime.utcnow()
    for (session_id,) in connection.execute(sa.select(sessions.c.id)).all():
        connection.execute(
            sessions.update().where(sessions.c.id == session_id)
            .values(ical_uid=f'{uuid.uuid4()}@webinars.crmsv.org', modified_at=now)
        )
    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.alter_column('ical_uid', existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column('modified_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('conference_url', server_default=None, existing_type=sa.String(length=500))
        batch_op.alter_column('status', server_default=None, existing_type=sa.String(length=24))
        batch_op.alter_column('ical_sequence', server_default=None, existing_type=sa.Integer())
        batch_op.create_unique_constraint(batch_op.f('uq_event_sessions_ical_uid'), ['ical_uid'])

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ical', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('ical_method', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('ical_sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('session_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_session_id'), ['session_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_session_id_event_sessions'), 'event_sessions', ['session_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_minutes', sa.JSON(), nullable=False, server_default='[1440, 60]'))
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.alter_column('reminder_minutes', server_default=None, existing_type=sa.JSON())
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('ical', server_default=None, existing_type=sa.Text())
        batch_op.alter_column('ical_method', server_default=None, existing_type=sa.String(length=10))




def downgrade():

    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_column('reminder_minutes')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_session_id_event_sessions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_session_id'))
        batch_op.drop_column('session_id')
        batch_op.drop_column('ical_sequence')
        batch_op.drop_column('ical_method')
        batch_op.drop_column('ical')

    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_event_sessions_ical_uid'), type_='unique')
        batch_op.drop_column('modified_at')
        batch_op.drop_column('ical_sequence')
        batch_op.drop_column('ical_uid')
        batch_op.drop_column('status')
        batch_op.drop_column('conference_url')

    op.drop_table('reminders_sent')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_session_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_registration_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_person_id'))

    op.drop_table('invitations')

