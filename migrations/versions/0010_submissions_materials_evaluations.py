"""submissions, materials, evaluations: what happens before and after each meeting

Reviewed: new tables only. Country submissions (requests, one submission per request and
country, the daily reminder markers), session materials (stored files attached to a session
or an agenda item), evaluations (questions, anonymous responses and answers, and the receipts
that allow one answer per registrant and scope, kept apart from the responses). Times are
plain timezone-aware DateTime, as the other migrations write the app's UTCDateTime.

Revision ID: 5b1e0c7a9d21
Revises: 7dd0221c3cb5
Create Date: 2026-12-02 09:02:57.850642

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e0c7a9d21'
down_revision = '7dd0221c3cb5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('rating', 'choice', 'text', name='questionkind', native_enum=False, length=24), nullable=False),
    sa.Column('text_en', sa.String(length=300), nullable=False),
    sa.Column('text_es', sa.String(length=300), nullable=False),
    sa.Column('choices_en', sa.Text(), nullable=False),
    sa.Column('choices_es', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_evaluation_questions_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_questions'))
    )
    with op.batch_alter_table('evaluation_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_questions_series_id'), ['series_id'], unique=False)

    op.create_table('submission_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('title_es', sa.String(length=300), nullable=False),
    sa.Column('instructions_en', sa.Text(), nullable=False),
    sa.Column('instructions_es', sa.Text(), nullable=False),
    sa.Column('answer_kind', sa.Enum('file', 'text', 'either', name='answerkind', native_enum=False, length=24), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('country_codes', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_submission_requests_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_requests'))
    )
    with op.batch_alter_table('submission_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_requests_series_id'), ['series_id'], unique=False)

    op.create_table('evaluation_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_evaluation_responses_series_id_series'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_evaluation_responses_session_id_event_sessions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_responses'))
    )
    with op.batch_alter_table('evaluation_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_responses_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_responses_session_id'), ['session_id'], unique=False)

    op.create_table('submission_reminders',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_submission_reminders_country_code_countries')),
    sa.ForeignKeyConstraint(['request_id'], ['submission_requests.id'], name=op.f('fk_submission_reminders_request_id_submission_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'country_code', 'day', name=op.f('pk_submission_reminders'))
    )
    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('file_key', sa.String(length=200), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('file_kind', sa.String(length=10), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('submitted', 'accepted', 'returned', name='reviewstatus', native_enum=False, length=24), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['country_code'], ['countries.code'], name=op.f('fk_submissions_country_code_countries')),
    sa.ForeignKeyConstraint(['request_id'], ['submission_requests.id'], name=op.f('fk_submissions_request_id_submission_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_submissions_submitted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
    sa.UniqueConstraint('request_id', 'country_code', name=op.f('uq_submissions_request_id_country_code'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_country_code'), ['country_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_submitted_by_id'), ['submitted_by_id'], unique=False)

    op.create_table('evaluation_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('choice', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['evaluation_questions.id'], name=op.f('fk_evaluation_answers_question_id_evaluation_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['evaluation_responses.id'], name=op.f('fk_evaluation_answers_response_id_evaluation_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_answers'))
    )
    with op.batch_alter_table('evaluation_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_answers_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_answers_response_id'), ['response_id'], unique=False)

    op.create_table('evaluation_receipts',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_evaluation_receipts_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', 'scope', name=op.f('pk_evaluation_receipts'))
    )
    op.create_table('materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('title_es', sa.String(length=300), nullable=False),
    sa.Column('visibility', sa.Enum('public', 'registrants', name='visibility', native_enum=False, length=24), nullable=False),
    sa.Column('file_key', sa.String(length=200), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('file_kind', sa.String(length=10), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_materials_agenda_item_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_materials_session_id_event_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_materials_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_materials'))
    )
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_materials_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_materials_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_materials_uploaded_by_id'), ['uploaded_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_materials_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_materials_session_id'))
        batch_op.drop_index(batch_op.f('ix_materials_agenda_item_id'))

    op.drop_table('materials')
    op.drop_table('evaluation_receipts')
    with op.batch_alter_table('evaluation_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_answers_response_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_answers_question_id'))

    op.drop_table('evaluation_answers')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_submitted_by_id'))
        batch_op.drop_index(batch_op.f('ix_submissions_country_code'))

    op.drop_table('submissions')
    op.drop_table('submission_reminders')
    with op.batch_alter_table('evaluation_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_responses_session_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_responses_series_id'))

    op.drop_table('evaluation_responses')
    with op.batch_alter_table('submission_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_requests_series_id'))

    op.drop_table('submission_requests')
    with op.batch_alter_table('evaluation_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_questions_series_id'))

    op.drop_table('evaluation_questions')
