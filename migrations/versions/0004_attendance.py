"""attendance: attendance per session, the imports that brought it, the audit log, each series' threshold and certificate rule

Reviewed: existing series get the default threshold (50 %) and no certificates through a server default that is
dropped once the column is filled; the threshold's CHECK is added with it.

Revision ID: 1798254715e3
Revises: 9153efa4da1d
Create Date: 2026-11-25 00:32:32.381232

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '1798254715e3'
down_revision = '9153efa4da1d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('series_slug', sa.String(length=80), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_audit_events_series_id_series'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_user_id'), ['user_id'], unique=False)

    op.create_table('attendance_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('zoom', 'teams', 'csv', 'manual', name='attendancesource', native_enum=False, length=24), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('unmatched', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_attendance_imports_imported_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_attendance_imports_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_imports'))
    )
    with op.batch_alter_table('attendance_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_imports_imported_by_id'), ['imported_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_imports_session_id'), ['session_id'], unique=False)

    op.create_table('attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('registered', 'guest', 'speaker', 'unmatched', 'dismissed', name='attendancestate', native_enum=False, length=24), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('report_key', sa.String(length=300), nullable=True),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.Column('role', sa.Enum('host', 'panelist', 'attendee', name='attendeerole', native_enum=False, length=24), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('first_join', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_leave', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source', sa.Enum('zoom', 'teams', 'csv', 'manual', name='attendancesource', native_enum=False, length=24), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(state = 'registered') = (registration_id IS NOT NULL)", name=op.f('ck_attendances_registered_has_row')),
    sa.CheckConstraint("state <> 'guest' OR country_code IS NOT NULL", name=op.f('ck_attendances_guest_has_country')),
    sa.CheckConstraint('minutes >= 0', name=op.f('ck_attendances_minutes_not_negative')),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_attendances_country_code_countries')),
    sa.ForeignKeyConstraint(['import_id'], ['attendance_imports.id'], name=op.f('fk_attendances_import_id_attendance_imports'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_attendances_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_attendances_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_attendances_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendances')),
    sa.UniqueConstraint('session_id', 'registration_id', name=op.f('uq_attendances_session_id_registration_id')),
    sa.UniqueConstraint('session_id', 'report_key', name=op.f('uq_attendances_session_id_report_key'))
    )
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendances_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendances_recorded_by_id'), ['recorded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendances_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendances_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_threshold', sa.Integer(), nullable=False, server_default='50'))
        batch_op.add_column(sa.Column('certificate_sessions', sa.Integer(), nullable=True))

    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.alter_column('attendance_threshold', server_default=None)
        batch_op.create_check_constraint(
            op.f('ck_series_attendance_threshold_percent'), 'attendance_threshold BETWEEN 1 AND 100'
        )
        batch_op.create_check_constraint(
            op.f('ck_series_certificate_sessions_positive'),
            'certificate_sessions IS NULL OR certificate_sessions > 0',
        )



def downgrade():
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_series_certificate_sessions_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_series_attendance_threshold_percent'), type_='check')
        batch_op.drop_column('certificate_sessions')
        batch_op.drop_column('attendance_threshold')

    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendances_session_id'))
        batch_op.drop_index(batch_op.f('ix_attendances_registration_id'))
        batch_op.drop_index(batch_op.f('ix_attendances_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_attendances_import_id'))

    op.drop_table('attendances')
    with op.batch_alter_table('attendance_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_imports_session_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_imports_imported_by_id'))

    op.drop_table('attendance_imports')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_series_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))

    op.drop_table('audit_events')
