"""`flask quotas remind SLUG`."""

from flask.cli import AppGroup

quotas_cli = AppGroup("quotas", help="Per-country profile quotas.")
