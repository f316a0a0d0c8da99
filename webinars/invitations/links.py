""" "Add to Google Calendar" and "Add to Outlook" links for one session (pure functions).

For people whose calendar is a web application: the link opens its "new event" form filled
with the session. Times go in UTC (Google's `20300304T150000Z/...`, Outlook's ISO 8601 with
`Z`), so each calendar shows them in its user's own zone. Neither service documents these
addresses; they are the ones both have answered for years:

- Google: https://calendar.google.com/calendar/render?action=TEMPLATE&text=&dates=&details=&location=
- Outlook on the web (Microsoft 365, which ministries use):
  https://outlook.office.com/calendar/deeplink/compose?path=/calendar/action/compose&rru=addevent
  &subject=&startdt=&enddt=&body=&location=

Unlike the .ics file, such an event is a copy: it does not follow later changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.office.com/calendar/deeplink/compose"


@dataclass(frozen=True)
class CalendarLinks:
    google: str
    outlook: str


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def calendar_links(
    *, title: str, start: datetime, end: datetime, details: str, location: str = ""
) -> CalendarLinks:
    """Both links for one event; `details` is plain text (line breaks kept)."""
    google = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_utc(start):%Y%m%dT%H%M%SZ}/{_utc(end):%Y%m%dT%H%M%SZ}",
        "details": details,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": f"{_utc(start):%Y-%m-%dT%H:%M:%SZ}",
        "enddt": f"{_utc(end):%Y-%m-%dT%H:%M:%SZ}",
        "body": details,
    }
    if location:
        google["location"] = outlook["location"] = location
    return CalendarLinks(
        google=f"{GOOGLE}?{urlencode(google)}",
        outlook=f"{OUTLOOK}?{urlencode(outlook)}",
    )
