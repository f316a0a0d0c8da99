"""Calendar feeds over HTTP: a series' subscription, one session's file, a registrant's own feed.

The public feeds answer conditional requests (ETag, If-Modified-Since) with a bodiless 304,
so calendars polling a subscription cost little. The private feed carries the registration's
secret in its address: never cached, indexed or sent on as a referrer.
"""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from webinars.i18n import current_language
from webinars.invitations import feeds
from webinars.invitations.links import CalendarLinks, calendar_links
from webinars.invitations.texts import summary
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.notifications import view_url
from webinars.registration.tokens import find_by_public_token, public_token
from webinars.series.models import Modality
from webinars.sessions.models import EventSession
from webinars.types import utcnow
from webinars.web import external_url
from webinars.web_loaders import load_series

bp = Blueprint("calendar", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"

PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


@bp.app_template_global()
def private_feed_url(registration: Registration) -> str:
    """The registrant's private calendar address, for their e-mails and manage page."""
    return external_url("calendar.private_feed", token=public_token(registration))


@bp.app_template_global()
def webcal_url(url: str) -> str:
    """The same feed as a webcal: link, which calendar applications open as a subscription."""
    scheme, _, rest = url.partition("://")
    return f"webcal://{rest}" if scheme in ("http", "https") else url


@bp.app_template_global()
def session_calendar_links(
    event_session: EventSession, registration: Registration | None = None
) -> CalendarLinks | None:
    """ "Add to Google Calendar" and "Add to Outlook" for a session, in the page's language;
    None for a cancelled or past session. The join link only for a confirmed `registration`,
    as in the calendar files."""
    if event_session.is_cancelled or event_session.end_at <= utcnow():
        return None
    language = current_language()
    series = event_session.series
    confirmed = registration is not None and registration.status == RegistrationStatus.CONFIRMED
    join = event_session.join_url if confirmed and series.modality != Modality.IN_PERSON else ""
    venue = series.t("venue", language) if series.modality != Modality.ONLINE else ""
    lines = [event_session.t("topic", language), series.t("title", language), ""]
    if join:
        lines.append(_("Join: %(url)s", url=join))
    programme = external_url("public.series_detail", slug=series.slug, lang=language)
    lines.append(_("Programme: %(url)s", url=programme))
    return calendar_links(
        title=summary(event_session, language),
        start=event_session.start_at,
        end=event_session.end_at,
        details="\n".join(lines),
        location=join or venue,
    )


def _calendar(body: bytes, disposition: str) -> Response:
    response = Response(body, content_type=CONTENT_TYPE)
    response.headers["Content-Disposition"] = disposition
    return response


def _public(feed: feeds.Feed, disposition: str) -> Response:
    """A public calendar that revalidates: 304 while its ETag or Last-Modified still holds."""
    response = _calendar(feed.body, disposition)
    response.add_etag()
    response.last_modified = feed.last_modified
    response.cache_control.public = True
    response.cache_control.no_cache = True
    # Without ?lang= the language comes from Accept-Language (or the session cookie).
    response.vary.add("Accept-Language")
    return response.make_conditional(request)


@bp.get("/series/<slug>/calendar.ics")
def series_feed(slug: str) -> Response:
    series = load_series(slug, public=True, options=feeds.SERIES_FEED)
    feed = feeds.series_feed(series, current_language())
    return _public(feed, f"inline; filename={series.slug}.ics")


@bp.get("/series/<slug>/sessions/<int:number>.ics")
def session_ics(slug: str, number: int) -> Response:
    series = load_series(slug, public=True, options=feeds.SERIES_FEED)
    feed = feeds.session_feed(series, number, current_language())
    if feed is None:
        abort(404)
    return _public(feed, f"attachment; filename={series.slug}-{number}.ics")


@bp.get("/r/<token>/calendar.ics")
def private_feed(token: str) -> Response:
    registration = find_by_public_token(token)
    if registration is None:
        abort(404)
    body = feeds.private_feed(registration, view_url=view_url(registration))
    response = _calendar(body, f"inline; filename={registration.series.slug}.ics")
    response.headers.update(PRIVATE_HEADERS)
    return response
