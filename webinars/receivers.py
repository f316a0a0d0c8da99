"""Who follows which signal (`webinars.signals`): connected by `create_app`, for every app.

Connecting is idempotent (blinker keeps one connection per receiver), and the order below is
the order receivers run in when several follow one signal.
"""

from __future__ import annotations

from webinars import signals
from webinars.invitations import flow
from webinars.registration import seats


def connect() -> None:
    """Connect every receiver; a receiver already connected stays connected once."""
    signals.registration_changed.connect(flow.sync_registration)
    signals.capacity_changed.connect(seats.promote_waitlist)
