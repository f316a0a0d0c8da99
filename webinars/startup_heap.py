"""The objects made while the app starts, set aside from the garbage collector.

A worker holds about 220,000 objects once the app is built: the routes, the models and
their mappings, the translations, the templates' environment. They live as long as the
process, yet each full pass of Python's cyclic garbage collector walks all of them again: a
pause of about 100 ms every thousand registrations or so, which lands in the latency of the
requests queued behind it (`docs/performance.md`, tenth round). `gc.freeze()` moves what
exists now to a permanent generation that the collector no longer walks; what requests
create is collected as before.
"""

from __future__ import annotations

import gc

from flask import Flask


def freeze_if_configured(app: Flask) -> None:
    """Called last by `create_app`: when `FREEZE_STARTUP_OBJECTS` says so, collect what is
    garbage already, then freeze the rest."""
    if app.config["FREEZE_STARTUP_OBJECTS"]:
        gc.collect()
        gc.freeze()
