"""`flask outbox send` and `flask outbox work`."""

from flask.cli import AppGroup

outbox_cli = AppGroup("outbox", help="The mail outbox.")
