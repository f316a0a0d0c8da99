"""Public pages: the list of series and a series' page, readable without an account."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request

from webinars.catalog.collation import collated
from webinars.materials.queries import public_materials
from webinars.public import bp, display, programme, queries
from webinars.public.timezones import choose_zone, zone_options
from webinars.types import utcnow
from webinars.web_loaders import load_series


@bp.context_processor
def _public_helpers() -> dict[str, Any]:
    return {
        "series_dates": display.series_dates,
        "paragraphs": display.paragraphs,
        "role_lines": programme.role_lines,
    }


@bp.get("/")
def index() -> str:
    overview = queries.home_page_series(utcnow())
    return render_template("public/index.html", upcoming=overview.upcoming, past=overview.past)


@bp.get("/series/<slug>")
def series_detail(slug: str) -> str:
    series = load_series(slug, public=True, options=queries.SERIES_PAGE)
    countries = collated(queries.member_countries(), lambda c: c.name)
    # The zone form carries `lang` on, so a visitor without cookies keeps their language.
    lang = request.args.get("lang")
    now = utcnow()
    return render_template(
        "public/series.html",
        series=series,
        countries=countries,
        zone=choose_zone(series.timezone, request.args.get("tz"), countries),
        zone_options=zone_options(countries, series.starts_at or utcnow()),
        groups=programme.session_groups(series.sessions),
        registration=display.registration_state(series, now),
        # A series that is over does not lead with "Subscribe to the calendar".
        ended=series.ends_at is not None and series.ends_at <= now,
        lang_arg=lang if lang in current_app.config["LANGUAGES"] else None,
        materials=public_materials(series),
    )
