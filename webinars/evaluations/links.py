"""The private link of an evaluation: the registrant's secret and the scope, signed.

Giving the registration a new secret (a revoked manage link) revokes this link too.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from webinars.extensions import db
from webinars.registration.models import Registration
from webinars.sessions.models import EventSession
from webinars.web import external_url

_SALT = "evaluation-link"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def token_for(registration: Registration, event_session: EventSession | None) -> str:
    return _serializer().dumps(
        [registration.manage_token, event_session.id if event_session else 0]
    )


def url_for_registrant(registration: Registration, event_session: EventSession | None) -> str:
    return external_url(
        "public.evaluation",
        slug=registration.series.slug,
        token=token_for(registration, event_session),
    )


def resolve(token: str) -> tuple[Registration, int] | None:
    """The registration and scope (a session id, 0 for the series) of a link, or None."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not (
        isinstance(payload, list)
        and len(payload) == 2
        and isinstance(payload[0], str)
        and isinstance(payload[1], int)
    ):
        return None
    registration = db.session.execute(
        db.select(Registration).filter_by(manage_token=payload[0])
    ).scalar_one_or_none()
    return (registration, payload[1]) if registration is not None else None
