"""A `Report` as tables (one per view) in the reader's language, for the XLSX and the PDF.

Pure: the report in, `Table`s out.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from webinars.catalog.collation import collated
from webinars.i18n import current_language, pick
from webinars.reports.exports import Table
from webinars.reports.report import OTHER, UNREGISTERED, Figures, Report, Tally


def _rate(tally: Tally) -> object:
    return f"{tally.rate:.0%}" if tally.rate is not None else ""


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


def summary_table(report: Report) -> Table:
    figures = report.figures
    rows: list[list[object]] = [
        [_("Registered (confirmed)"), figures.total.registered],
        [_("Unique participants"), report.unique_participants],
        [_("Attendance rate"), _rate(figures.total)],
        [_("Countries represented"), len(report.countries_represented)],
        [_("Threshold (per cent of a session)"), report.data.threshold],
    ]
    rows += [
        [_("People who attended %(num)d session(s)", num=n), people]
        for n, people in report.sessions_per_person.items()
    ]
    return Table(_("Summary"), [_("Figure"), _("Value")], rows, widths=(40, 14))


def sessions_table(report: Report) -> Table:
    header = [_("Session"), _("Date"), _("Topic"), _("Registrants"), _("Attendees"), _("Rate")]
    rows = [
        [
            s.info.number,
            s.info.local_day.isoformat(),
            pick(s.info.topic_en, s.info.topic_es, current_language()),
            s.figures.total.registered,
            s.figures.total.attended,
            _rate(s.figures.total),
        ]
        for s in report.sessions
    ]
    return Table(_("Sessions"), header, rows, widths=(8, 12, 50, 12, 12, 10))


def by_country_table(report: Report) -> Table:
    header = [_("Country or organization"), _("Registrants"), _("Attendees"), _("Rate")]
    for s in report.sessions:
        header += [_("S%(number)d attended", number=s.info.number)]
    rows = _by_country_rows(report, report.figures)
    keys = countries_by_name(report) + [o for o, _t in organizations_by_name(report.figures)]
    for row, key in zip(rows, keys, strict=True):
        for s in report.sessions:
            source = (
                s.figures.by_country if key in report.data.countries else s.figures.by_organization
            )
            row.append(source.get(key, Tally()).attended)
    return Table(_("By country"), header, rows, widths=(26, 12, 12, 10))


def by_profile_table(report: Report) -> Table:
    header = [_("Profile"), _("Registrants"), _("Attendees"), _("Rate")]
    rows: list[list[object]] = []
    for code in profile_codes(report):
        tally = report.figures.by_profile.get(code, Tally())
        rows.append([profile_label(report, code), tally.registered, tally.attended, _rate(tally)])
    return Table(_("By profile"), header, rows, widths=(30, 12, 12, 10))


def matrix_table(report: Report) -> Table:
    codes = profile_codes(report)
    header = [_("Country"), *[profile_label(report, c) for c in codes], _("Total")]
    rows: list[list[object]] = []
    for country in countries_by_name(report):
        counts = report.figures.matrix.get(country, {})
        cells = [counts.get(c, 0) for c in codes]
        rows.append([country_name(report, country), *cells, sum(cells)])
    return Table(_("Who attended"), header, rows, widths=(22, *([14] * len(codes)), 10))


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


def report_tables(report: Report) -> list[Table]:
    """Every view of the report, in the order of the page."""
    return [
        summary_table(report),
        sessions_table(report),
        by_country_table(report),
        by_profile_table(report),
        matrix_table(report),
        minimums_table(report),
        narrative_table(report),
    ]
