"""The series or session a URL names, loaded and authorised once for every view (pages, API).

A view names what it needs: `load_series(slug, need=may_see_registrations)` answers 404 for
an unknown address (or a draft, with `public`), then 403 when the current user does not hold
that permission (`webinars.policy`) on the series. The API variant answers with the
API's JSON errors and checks the token's user, which the API views are given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import NoReturn, cast

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort as smorest_abort
from sqlalchemy.orm.interfaces import ORMOption

from webinars.accounts.models import User
from webinars.series.models import Series
from webinars.series.queries import series_by_slug
from webinars.sessions.models import EventSession
from webinars.sessions.queries import session_by_id

#: flask-smorest's abort, which raises (the package ships no types to say so).
api_abort = cast(Callable[..., NoReturn], smorest_abort)

#: A permission on one series, such as `policy.may_view_series`.
SeriesPermission = Callable[[User, Series], bool]


def load_series(
    slug: str,
    *,
    need: SeriesPermission | None = None,
    public: bool = False,
    options: Sequence[ORMOption] = (),
) -> Series:
    """The series at `slug` for a page: 404 when there is none (or, with `public`, when it is
    a draft), 403 when the current user does not hold `need` on it."""
    series = series_by_slug(slug, public=public, options=options)
    if series is None:
        abort(HTTPStatus.NOT_FOUND)
    if need is not None and not need(current_user, series):
        abort(HTTPStatus.FORBIDDEN)
    return series


def load_api_series(
    slug: str,
    *,
    user: User | None = None,
    need: SeriesPermission | None = None,
    refusal: str = "",
    public: bool = False,
    options: Sequence[ORMOption] = (),
) -> Series:
    """`load_series` for the API: the same 404 and 403 as JSON errors, `refusal` the 403's
    message, and `need` checked for `user`, the token's user."""
    series = series_by_slug(slug, public=public, options=options)
    if series is None:
        if public:
            api_abort(HTTPStatus.NOT_FOUND, message=_("There is no public series at this address."))
        api_abort(HTTPStatus.NOT_FOUND, message=_("There is no series at this address."))
    if need is not None and (user is None or not need(user, series)):
        api_abort(HTTPStatus.FORBIDDEN, message=refusal)
    return series


def load_session(
    slug: str, session_id: int, *, lock: bool = False, with_agenda: bool = False
) -> EventSession:
    """The session `session_id` (its database id) of series `slug` for a page, else 404; see
    `sessions.queries.session_by_id` for `lock` and `with_agenda`. The view checks what the
    user may do with it (on `event_session.series`), as after `load_series`."""
    event_session = session_by_id(slug, session_id, lock=lock, with_agenda=with_agenda)
    if event_session is None:
        abort(HTTPStatus.NOT_FOUND)
    return event_session
