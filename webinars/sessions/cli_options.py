"""The options that name one session on the command line, shared by every command about one.

`--session N` is the session's number in the series (1 = the first in time order, cancelled
sessions counted), as the staff pages show it; `--session-id ID` is its database id, as in the
staff addresses (`/staff/series/SLUG/sessions/ID`) and the API. At most one of the two.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from webinars.series import queries
from webinars.series.models import Series
from webinars.sessions.models import EventSession
from webinars.sessions.queries import session_by_id, session_by_ordinal

NUMBER_HELP = "The session's number in the series (1 = the first in time order)."
ID_HELP = "The session's database id (as in the staff address .../sessions/ID)."


def session_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--session N` (passed as `number`) and `--session-id ID` (passed as `session_id`)."""
    command = click.option("--session-id", "session_id", type=click.IntRange(min=1), help=ID_HELP)(
        command
    )
    return click.option("--session", "number", type=int, help=NUMBER_HELP)(command)


def series_or_fail(slug: str) -> Series:
    """Series SLUG, or a clear error (the command stops)."""
    series = queries.series_by_slug(slug)
    if series is None:
        raise click.ClickException(f"No series with the address (slug) {slug!r}.")
    return series


def required_session(
    slug: str, number: int | None, session_id: int | None
) -> tuple[Series, EventSession]:
    """Series SLUG and the session `--session` or `--session-id` names, or a clear error."""
    series, event_session = chosen_session(slug, number, session_id)
    if event_session is None:
        raise click.UsageError("Name the session with --session N or --session-id ID.")
    return series, event_session


def chosen_session(
    slug: str, number: int | None, session_id: int | None
) -> tuple[Series, EventSession | None]:
    """Series SLUG and the session `--session` or `--session-id` names (None when neither), or
    a clear error."""
    if number is not None and session_id is not None:
        raise click.UsageError("Give --session or --session-id, not both.")
    series = series_or_fail(slug)
    if session_id is not None:
        event_session = session_by_id(slug, session_id)
        if event_session is None:
            raise click.ClickException(f"{slug} has no session with the id {session_id}.")
        return series, event_session
    if number is None:
        return series, None
    event_session = session_by_ordinal(series, number)
    if event_session is None:
        raise click.ClickException(
            f"{slug} has {len(series.sessions)} session(s): choose --session 1 to"
            f" {len(series.sessions)}."
        )
    return series, event_session
