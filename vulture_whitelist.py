"""Names vulture reports as unused that are used by name: `make lint` runs
`vulture webinars vulture_whitelist.py` (settings under [tool.vulture] in pyproject.toml).

Add a name here only when something outside the Python of `webinars/` uses it (a framework,
a template, the deployment, the tests), and say which; remove code that is really dead.
"""
# ruff: noqa: B018

from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# Flask, Flask-Login and Werkzeug read these: the app factory (FLASK_APP=webinars), the user's
# `is_active`, the login manager's settings, request/response attributes that are assigned.
_.create_app
_.is_active
_.login_view
_.login_message
_.session_interface
_.max_content_length
_.public  # response.cache_control.public
_.no_cache  # response.cache_control.no_cache
_.status_code

# flask-smorest and marshmallow: parser and field overrides (with their signatures), the
# MethodView's `decorators` and `patch`, fields of the API schemas named as the JSON keys.
_.ARGUMENTS_PARSER
_._raw_load_json
_._handle_invalid_json_error
_.handle_error
_.schema
_.error_status_code
_.error_headers
_._serialize
_.get_value
_.accessor
_.default
_.decorators
_.patch
_.has_text
_.instructions
_.countries_asked
_.rejection_reason
_.attendance_rate
_.countries_met
_.countries_missing
_.mean_ratings
_.threshold_percent
_.attended_at_least_one_session_rate
_.average_session_attendance_rate
_.sessions_held
_.attended_matrix
_.profile_minimums
_.evaluation
_.session_count
_.concept_note
_.uid

# SQLAlchemy: columns and relationships written (or read) only through the ORM, and the
# TypeDecorator protocol of webinars/types.py.
_.imported_by_id
_.updated_by_id
_.import_id
_.recorded_by_id
_.uploaded_by_id
_.submitted_by_id
_.submitted_by
_.reviewed_at
_.decided_at
_.answered_on
_.last_error
_.working_group_id
_.host_country_code
_.background_en
_.background_es
_.objective_en
_.objective_es
_.methodology_en
_.methodology_es
_.venue_en
_.venue_es
_.tentative_dates_en
_.tentative_dates_es
_.impl
_.cache_ok
_.process_bind_param
_.process_result_value

# WTForms: fields read through `form.data`/`populate_obj`, inline validators
# (`validate_<field>`), widget settings, the field protocol and the form's `Meta`.
_.privacy_accepted
_.confirmation
_.validate_confirmation
_.validate_observer_organization
_.validate_profile
_.validate_series
_.validate_sessions
_.widget
_.option_widget
_._value
_.process_data
_.process_formdata
_.Meta

# Read by the Jinja templates (templates/).
_.agenda_title  # public/series.html
_.parallel  # public/series.html
_.as_args  # staff/registrations.html
_.can_add_rows  # staff/delegation.html
_.sex_total  # staff/quotas.html
_.unmet_minimums  # staff/_series_dashboard.html
_.countries_lacking
_.next_session
_.undelivered_total
_.REVIEW_STATUS  # staff/submission.html
_.CELL_STATE  # staff/submissions.html

# openpyxl and fpdf2 settings, assigned.
_.freeze_panes
_.font
_.number_format
_.ref
_.core_fonts_encoding

# The context-manager protocol's arguments (__exit__).
_.exc_type
_.exc
_.traceback

# Used outside webinars/: deploy/gunicorn.conf.py masks access logs; the tests load the
# demo, write whole CSV files and list the outbox renderers.
_.mask_tokens
_.load_demo
_.csv_bytes
_.renderer_names

# Found by limits through its storage registry (`STORAGE_SCHEME`), from the configured URI.
_.SweptMemoryStorage
_.STORAGE_SCHEME

# The tables PostgreSQL's triggers and `seat_limit_reached()` keep (migration 0020): the
# application declares them for the schema and never reads them.
_.SeatsTaken
_.SeatTally
