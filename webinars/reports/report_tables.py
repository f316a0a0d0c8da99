"""A `Report` as tables (one per view) in the reader's language, for the XLSX and the PDF.

Pure: the report in, `Table`s out. Counts are integers, rates `Percent`s and days dates, so
that a spreadsheet can total and chart them; each figure is labelled for what it counts (see
`webinars.reports.report`), with the same words as the page.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from webinars.catalog.collation import collated
from webinars.exports import Bar, BarChart, Percent, Table
from webinars.i18n import current_language, pick
from webinars.registration.labels import SEX, SEX_NOT_STATED
from webinars.registration.models import Sex
from webinars.reports.report import (
    OTHER,
    SEX_KEYS,
    UNREGISTERED,
    Figures,
    Report,
    SessionReport,
    Tally,
)


def _percent(rate: float | None) -> object:
    return Percent(rate) if rate is not None else ""


def _rate(tally: Tally) -> object:
    return _percent(tally.rate)


def is_one_session(report: Report) -> bool:
    """A report of one session (or of a series of one): "attended" means attended it."""
    return len(report.sessions) == 1


def attended_label(report: Report) -> str:
    """The heading of an "attended" count by country or profile."""
    if is_one_session(report):
        return _("Attendees")
    return _("Attended at least one session")


def rate_label(report: Report) -> str:
    """The heading of the rate beside `attended_label`."""
    if is_one_session(report):
        return _("Attendance rate")
    return _("Share who attended at least one session")


def session_rate(session: SessionReport) -> object:
    """A session's attendance rate, or the word "Cancelled"."""
    return _("Cancelled") if session.info.cancelled else _rate(session.figures.total)


def country_name(report: Report, code: str) -> str:
    en, es = report.data.countries.get(code, (code, code))
    return pick(en, es, current_language())


def profile_label(report: Report, code: str) -> str:
    for profile in report.data.profiles:
        if profile.code == code:
            return pick(profile.label_en, profile.label_es, current_language())
    if code == UNREGISTERED:
        return _("Unregistered attendees")
    return _("Other")


def profile_codes(report: Report) -> list[str]:
    """The series' profiles, then "other" and "unregistered" when someone falls there."""
    codes = [p.code for p in report.data.profiles]
    used = set(report.figures.by_profile)
    return codes + [code for code in (OTHER, UNREGISTERED) if code in used]


def countries_by_name(report: Report, codes: Iterable[str] | None = None) -> list[str]:
    """Member country codes (or `codes`) in the alphabetical order of their names in the
    reader's language and collation."""
    return collated(
        report.data.countries if codes is None else codes, lambda code: country_name(report, code)
    )


def organizations_by_name(figures: Figures) -> list[tuple[str, Tally]]:
    """Observer organizations and their tallies, in the reader's collation."""
    return collated(figures.by_organization.items(), lambda item: item[0])


def _by_country_rows(report: Report, figures: Figures) -> list[list[object]]:
    rows: list[list[object]] = []
    for code in countries_by_name(report):
        tally = figures.by_country.get(code, Tally())
        rows.append([country_name(report, code), tally.registered, tally.attended, _rate(tally)])
    for organization, tally in organizations_by_name(figures):
        rows.append([organization, tally.registered, tally.attended, _rate(tally)])
    return rows


def summary_figures(report: Report) -> list[tuple[str, object]]:
    """The headline figures, labelled, as the page and the files show them."""
    figures = report.figures
    rows: list[tuple[str, object]] = [
        (_("Registered (confirmed)"), figures.total.registered),
    ]
    if is_one_session(report):
        [session] = report.sessions
        rows += [
            (_("Attendees (registrants and unregistered)"), report.unique_participants),
            (_("Attendance rate of the session"), session_rate(session)),
        ]
    else:
        held = len(report.held_sessions)
        rows += [
            (
                _("People who attended at least one session (registrants and unregistered)"),
                report.unique_participants,
            ),
            (_("Registrants who attended at least one session"), report.registrants_attended),
            (
                _("Share of registrants who attended at least one session"),
                _percent(report.attended_at_least_one_rate),
            ),
            (
                _("Average attendance rate per session (sessions held)"),
                _percent(report.average_session_rate),
            ),
            (_("Sessions held"), held),
        ]
        if held < len(report.sessions):
            rows.append((_("Sessions cancelled"), len(report.sessions) - held))
    rows += [
        (_("Countries represented"), len(report.countries_represented)),
        (_("Attendance threshold (share of a session)"), Percent(report.data.threshold / 100)),
    ]
    return rows


def summary_table(report: Report) -> Table:
    rows: list[list[object]] = [[label, value] for label, value in summary_figures(report)]
    if not is_one_session(report):
        rows += [
            [_("People who attended %(num)d session(s)", num=n), people]
            for n, people in report.sessions_per_person.items()
        ]
    return Table(_("Summary"), [_("Figure"), _("Value")], rows, widths=(48, 14))


def sessions_table(report: Report) -> Table:
    """A row per session; a cancelled one says so in place of its rate, without attendees."""
    header = [
        _("Session"),
        _("Date"),
        _("Topic"),
        _("Registrants"),
        _("Attendees"),
        _("Attendance rate"),
    ]
    rows = [
        [
            s.info.number,
            s.info.local_day,
            pick(s.info.topic_en, s.info.topic_es, current_language()),
            s.figures.total.registered,
            "" if s.info.cancelled else s.figures.total.attended,
            session_rate(s),
        ]
        for s in report.sessions
    ]
    return Table(_("Sessions"), header, rows, widths=(8, 12, 50, 12, 12, 14))


def by_country_table(report: Report) -> Table:
    """Per country (then organization): registrants, attendees, their rate and, for a series,
    the attendees of each session held."""
    header = [
        _("Country or organization"),
        _("Registrants"),
        attended_label(report),
        rate_label(report),
    ]
    per_session = [] if is_one_session(report) else report.held_sessions
    for s in per_session:
        header += [_("S%(number)d attended", number=s.info.number)]
    rows = _by_country_rows(report, report.figures)
    keys = countries_by_name(report) + [o for o, _t in organizations_by_name(report.figures)]
    for row, key in zip(rows, keys, strict=True):
        for s in per_session:
            source = (
                s.figures.by_country if key in report.data.countries else s.figures.by_organization
            )
            row.append(source.get(key, Tally()).attended)
    return Table(_("By country"), header, rows, widths=(26, 12, 14, 14))


def by_profile_table(report: Report) -> Table:
    header = [_("Profile"), _("Registrants"), attended_label(report), rate_label(report)]
    rows: list[list[object]] = []
    for code in profile_codes(report):
        tally = report.figures.by_profile.get(code, Tally())
        rows.append([profile_label(report, code), tally.registered, tally.attended, _rate(tally)])
    return Table(_("By profile"), header, rows, widths=(30, 12, 14, 14))


def matrix_table(report: Report) -> Table:
    codes = profile_codes(report)
    header = [_("Country"), *[profile_label(report, c) for c in codes], _("Total")]
    rows: list[list[object]] = []
    for country in countries_by_name(report):
        counts = report.figures.matrix.get(country, {})
        cells = [counts.get(c, 0) for c in codes]
        rows.append([country_name(report, country), *cells, sum(cells)])
    return Table(
        _("Who attended"),
        header,
        rows,
        widths=(22, *([14] * len(codes)), 10),
        heat=range(1, len(codes) + 1),
    )


def sex_label(key: str) -> str:
    """The heading of one sex key of the figures ("Female", "Not stated"...)."""
    return str(SEX[Sex(key)]) if key in SEX else str(SEX_NOT_STATED)


def by_sex_table(report: Report) -> Table:
    """Registrants and participants by sex: totals only, never a name beside an answer."""
    header = [_("Sex"), _("Registrants"), attended_label(report), rate_label(report)]
    rows: list[list[object]] = []
    for key in SEX_KEYS:
        tally = report.figures.by_sex.get(key, Tally())
        rows.append([sex_label(key), tally.registered, tally.attended, _rate(tally)])
    rows.append([_("Women among those who stated their sex"), "", _percent(report.women_share), ""])
    return Table(_("By sex"), header, rows, widths=(30, 12, 14, 14))


def minimums_table(report: Report) -> Table:
    header = [
        _("Profile"),
        _("Minimum per country"),
        _("Countries that met it"),
        _("Countries that did not"),
    ]
    rows = [
        [
            profile_label(report, m.profile.code),
            m.profile.min_per_country,
            ", ".join(country_name(report, c) for c in countries_by_name(report, m.met)),
            ", ".join(country_name(report, c) for c in countries_by_name(report, m.missing)),
        ]
        for m in report.minimums
    ]
    return Table(_("Minimums met"), header, rows, widths=(24, 12, 40, 40))


def narrative_table(report: Report) -> Table:
    return Table(
        _("Paragraph"),
        [_("Language"), _("Text")],
        [["English", report.narrative["en"]], ["Español", report.narrative["es"]]],
        widths=(12, 100),
    )


def _caption(tally: Tally) -> str:
    return f"{tally.attended} / {tally.registered}"


def country_chart(report: Report) -> BarChart:
    """The page's "attendance by country" chart: registered and attended per country, then
    per observer organization."""
    bars = [
        Bar(country_name(report, code), tally.registered, tally.attended, _caption(tally))
        for code in countries_by_name(report)
        for tally in [report.figures.by_country.get(code, Tally())]
    ]
    bars += [
        Bar(organization, tally.registered, tally.attended, _caption(tally))
        for organization, tally in organizations_by_name(report.figures)
    ]
    return BarChart(
        _("Attendance by country"), (_("registered"), attended_label(report).lower()), bars
    )


def sessions_chart(report: Report) -> BarChart:
    """Registrants and attendees of each session; a cancelled one has no bar of attendees."""
    bars = []
    for s in report.sessions:
        total = s.figures.total
        label = _("Session %(number)d", number=s.info.number)
        if s.info.cancelled:
            bars.append(Bar(label, total.registered, 0, _("Cancelled")))
        else:
            rate = f" · {round(total.rate * 100)} %" if total.rate is not None else ""
            bars.append(Bar(label, total.registered, total.attended, _caption(total) + rate))
    return BarChart(_("Attendance by session"), (_("registered"), _("attended")), bars)


def report_blocks(report: Report) -> list[Table | BarChart | str]:
    """The PDF of the report: the paragraph in both languages, then the page's figures,
    charts and tables in the page's order."""
    tables = report_tables(report)
    summary, sessions, by_country, *rest, _narrative = tables
    blocks: list[Table | BarChart | str] = [report.narrative["en"], report.narrative["es"]]
    blocks.append(summary)
    if not is_one_session(report):
        blocks += [sessions_chart(report), sessions]
    blocks += [country_chart(report), by_country, *rest]
    return blocks


def report_tables(report: Report) -> list[Table]:
    """Every view of the report, in the order of the page."""
    return [
        summary_table(report),
        sessions_table(report),
        by_country_table(report),
        by_profile_table(report),
        matrix_table(report),
        by_sex_table(report),
        minimums_table(report),
        narrative_table(report),
    ]
