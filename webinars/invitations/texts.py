"""What a calendar event says about a session, in one language.

Shared by the invitations, the feeds and the reminders, so that a session reads the same
wherever it appears. The join link goes only where the caller says it may (confirmed
registrants, speakers, staff): never into a public feed.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from webinars.formatting import time_in
from webinars.invitations.ical import EventText
from webinars.series.models import Modality
from webinars.sessions import labels
from webinars.sessions.models import EventSession

#: Longest series title in a SUMMARY after the topic: calendar views cut what follows.
SERIES_IN_SUMMARY = 40
#: A colon after at most this many words ends a generic lead ("Webinar series: ...").
_LEAD_WORDS = 3


def short_title(title: str, limit: int = SERIES_IN_SUMMARY) -> str:
    """A series title short enough to follow a topic in a calendar title.

    A short generic lead before a colon goes ("Webinars: Regional Technical Exchange..." ->
    "Regional Technical Exchange..."); what is still longer than `limit` is cut at a word
    and ends with an ellipsis.
    """
    title = " ".join(title.split())
    lead, colon, rest = title.partition(":")
    if colon and rest.strip() and len(lead.split()) <= _LEAD_WORDS:
        title = rest.strip()
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if title[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]  # the last word does not fit whole
    return cut.rstrip(" ,;:.–—-") + "…"


def summary(event_session: EventSession, language: str) -> str:
    """The calendar title: the session's topic first, then its series, shortened."""
    series = short_title(event_session.series.t("title", language))
    return f"{event_session.t('topic', language)} · {series}"


def event_text(
    event_session: EventSession,
    language: str,
    *,
    include_join_link: bool,
    view_url: str | None = None,
    note: str = "",
) -> EventText:
    """Summary "<topic> · <series, shortened>", a description with the agenda in the series' zone,
    the speakers, the join link (if allowed) and the registration's read-only link (`view_url`:
    calendars get shared, so never the private link that can cancel); location and URL."""
    series = event_session.series
    with force_locale(language):
        zone = series.timezone
        lines: list[str] = []
        if note:
            lines += [note, ""]
        lines.append(event_session.t("topic", language))
        lines.append(series.t("title", language))
        track = event_session.t("track", language)
        if track:
            lines.append(track)
        lines.append("")
        for role in event_session.roles:
            lines.append(f"{labels.ROLE_KIND[role.kind]}: {role.display_name}")
        if event_session.agenda_items:
            lines.append(_("Agenda (%(zone)s):", zone=zone))
            for item in event_session.agenda_items:
                start, end = time_in(item.start_at, zone), time_in(item.end_at, zone)
                title = item.t("title", language) or labels.AGENDA_KIND[item.kind]
                lines.append(f"{start}–{end} {title}")
                for point in item.sub_point_texts(language):
                    lines.append(f"  - {point}")
                for role in item.roles:
                    lines.append(f"  {labels.ROLE_KIND[role.kind]}: {role.display_name}")
        join = event_session.join_url if include_join_link else ""
        venue = series.t("venue", language)
        if join:
            lines += ["", _("Join: %(url)s", url=join)]
        if venue and series.modality != Modality.ONLINE:
            lines += ["", _("Venue: %(venue)s", venue=venue)]
        if view_url:
            lines += ["", _("Your registration: %(url)s", url=view_url)]
        return EventText(
            summary=summary(event_session, language),
            description="\n".join(lines).strip(),
            location=join or (venue if series.modality != Modality.ONLINE else ""),
            url=join,
        )
