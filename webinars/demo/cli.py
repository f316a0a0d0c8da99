"""`flask demo load`"""

from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data from the seeds.")
