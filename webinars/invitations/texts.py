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
from webinars.series import labels
from webinars.series.models import EventSession, Modality


def event_text(
    event_session: EventSession,
    language: str,
    *,
    include_join_link: bool,
    manage_url: str | None = None,
    note: str = "",
) -> EventText:
    """Summary "<series>: <topic>", a description with the agenda in the series' zone,
    the speakers, the join link (if allowed) and the manage link; location and URL."""
    series = event_session.series
    with force_locale(language):
        zone = series.timezone
        lines: list[str] = []
        if note:
            lines += [note, ""]
        lines.append(event_session.t("topic", language))
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
        if manage_url:
            lines += ["", _("Your registration: %(url)s", url=manage_url)]
        summary = f"{series.t('title', language)}: {event_session.t('topic', language)}"
        return EventText(
            summary=summary,
            description="\n".join(lines).strip(),
            location=join or (venue if series.modality != Modality.ONLINE else ""),
            url=join,
        )
