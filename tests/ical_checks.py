"""Checks of iCalendar output against RFC 5545/5546, with two independent parsers.

`check_itip(data, method)` parses with `icalendar` and with `vobject` (with validation), then
checks what RFC 5546 requires for the method, CRLF line ends and 75-octet folding. It
returns the icalendar VEVENTs for further assertions.
"""

from __future__ import annotations

from typing import Any

import icalendar
import vobject

#: RFC 5546 section 3.2: properties a VEVENT must have, per METHOD (organizer-side methods).
REQUIRED = {
    "PUBLISH": {"DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY", "UID"},
    "REQUEST": {"ATTENDEE", "DTSTAMP", "DTSTART", "ORGANIZER", "SEQUENCE", "SUMMARY", "UID"},
    "CANCEL": {"ATTENDEE", "DTSTAMP", "ORGANIZER", "SEQUENCE", "UID"},
}


def check_lines(data: bytes) -> None:
    """CRLF everywhere, no line longer than 75 octets (RFC 5545 section 3.1)."""
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    too_long = [line for line in lines if len(line) > 75]
    assert not too_long, too_long[:2]


def check_itip(data: bytes, method: str, *, one_event: bool | None = None) -> list[Any]:
    """Validate `data` as an iTIP message or a PUBLISH feed; return its VEVENTs."""
    check_lines(data)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == method
    assert str(calendar["VERSION"]) == "2.0"
    assert "PRODID" in calendar
    events = [c for c in calendar.walk("VEVENT")]
    assert events, "no VEVENT"
    if one_event if one_event is not None else method != "PUBLISH":
        assert len({str(e["UID"]) for e in events}) == 1 and len(events) == 1
    for event in events:
        missing = REQUIRED[method] - set(event.keys())
        assert not missing, f"{method} VEVENT lacks {missing}"
        if method == "CANCEL":
            assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["ORGANIZER"]).lower().startswith("mailto:")
        for attendee in _as_list(event.get("ATTENDEE")):
            assert str(attendee).lower().startswith("mailto:")
        for name in ("DTSTART", "DTEND", "DTSTAMP"):
            if name in event:
                assert event.decoded(name).utcoffset().total_seconds() == 0, name
    # the second, independent parser, validating
    parsed = vobject.readOne(data.decode("utf-8"), validate=True)
    assert parsed.method.value == method
    assert len(parsed.vevent_list) == len(events)
    return events


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
