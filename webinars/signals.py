"""What a domain package announces to the packages above it: blinker signals, as Indico does.

This is the one way a lower package reaches a higher one (never an import inside a function,
`tests/app/test_architecture.py`). The registration services say "this registration changed";
they do not import the invitations, which import them. The packages that follow a signal
connect their receivers in `webinars.receivers`, which `create_app` calls: blinker keeps one
connection per receiver, so the many apps of the tests connect each receiver once.

A receiver runs at once, inside `send`, in the sender's transaction, in the order the
receivers were connected: sending a signal is a function call whose callee the sender does not
name. Receivers flush and never commit, like every service.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

registration_changed = _signals.signal(
    "registration-changed",
    doc="""A registration's status or sessions changed (after its e-mail is enqueued).

    Sender: the `Registration`; `placed=True` when it has just been placed for the first
    time (new, or its address just verified), so that nothing was ever sent for it.
    Received by the calendar invitations, which follow it.
    """,
)

capacity_changed = _signals.signal(
    "capacity-changed",
    doc="""A series', profile's or session's capacity may have grown.

    Sender: the `Series`. Received by the seats, which give the new seats to the waiting list.
    """,
)
