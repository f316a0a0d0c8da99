"""Staff sessions that end when they should.

A session lives in Flask's signed cookie, so the server must remember what ends one:

- log-in starts a new session (`start`): the anonymous session's content, its CSRF token
  included, is dropped; the session gets a random id, the account's `session_epoch`, and the
  times it started and was last seen;
- every request checks it (`current_user_for`, Flask-Login's user loader): the account is
  active, its epoch is the session's (raised by "log out everywhere", a new password, a
  deactivation), the session was not ended by logging out (`EndedSession`), it was used within
  `STAFF_SESSION_IDLE_SECONDS` and started within `STAFF_SESSION_ABSOLUTE_SECONDS`;
- log-out (`end`) remembers the session's id until it would have expired anyway, so a copy of
  the cookie taken before no longer opens anything.

One query per request, whatever the checks.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

from flask import current_app, g, session
from flask_login import login_user, logout_user
from sqlalchemy import delete, exists, select

from webinars.accounts.models import EndedSession, User
from webinars.extensions import db
from webinars.types import utcnow

SID = "sid"
EPOCH = "epoch"
STARTED = "started"
SEEN = "seen"
#: The session key of the reader's chosen language (`webinars.i18n`).
LANGUAGE = "lang"
#: The "last seen" time is written back to the cookie at most this often.
SEEN_RESOLUTION_SECONDS = 60


def _clear() -> None:
    """Forget everything of the session but the reader's language, which is no secret and
    which they chose: Spanish stays Spanish across log-in, log-out and expiry."""
    language = session.get(LANGUAGE)
    session.clear()
    if language is not None:
        session[LANGUAGE] = language


def start(user: User) -> None:
    """A new session for `user`, and a new CSRF token with it."""
    _clear()
    g.pop("csrf_token", None)  # Flask-WTF's per-request copy of the old session's token
    login_user(user)
    now = int(time.time())
    session.update({SID: secrets.token_urlsafe(24), EPOCH: user.session_epoch})
    session.update({STARTED: now, SEEN: now})


def end() -> None:
    """Log out here: this session's id stops working everywhere (the caller commits)."""
    sid = session.get(SID)
    if isinstance(sid, str):
        db.session.execute(delete(EndedSession).where(EndedSession.expires_at < utcnow()))
        lifetime = current_app.config["STAFF_SESSION_ABSOLUTE_SECONDS"]
        db.session.merge(EndedSession(sid=sid, expires_at=utcnow() + timedelta(seconds=lifetime)))
        db.session.flush()
    logout_user()
    _clear()


def end_everywhere(user: User) -> None:
    """Every session of `user`, on every device, ends (the caller commits)."""
    user.session_epoch += 1
    db.session.flush()


def current_user_for(user_id: str) -> User | None:
    """Flask-Login's user loader: the session's user while the session is valid, else None
    (and the session is emptied, so the browser drops it)."""
    sid = session.get(SID)
    if not user_id.isdigit() or not isinstance(sid, str):
        return _expired()
    row = db.session.execute(
        select(User, exists().where(EndedSession.sid == sid)).where(User.id == int(user_id))
    ).first()
    if row is None:
        return _expired()
    user, ended = row
    config = current_app.config
    now = int(time.time())
    started, seen = session.get(STARTED), session.get(SEEN)
    if (
        ended
        or not user.active
        or session.get(EPOCH) != user.session_epoch
        or not isinstance(started, int)
        or not isinstance(seen, int)
        or now - seen > config["STAFF_SESSION_IDLE_SECONDS"]
        or now - started > config["STAFF_SESSION_ABSOLUTE_SECONDS"]
    ):
        return _expired()
    if now - seen >= SEEN_RESOLUTION_SECONDS:
        session[SEEN] = now
    return user


def _expired() -> User | None:
    """The loader's answer for a session that is no longer valid: no user, and none kept."""
    _clear()
    return None
