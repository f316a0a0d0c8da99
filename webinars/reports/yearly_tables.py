"""A `YearlyReport` as tables in the reader's language, for the page, the XLSX and the PDF.

Pure: the report in, `Table`s out; counts are integers and shares `Percent`s.
"""

from __future__ import annotations

from flask_babel import gettext as _

from webinars.catalog.collation import collated
from webinars.exports import Percent, Table
from webinars.i18n import current_language, pick
from webinars.reports.report import SEX_KEYS
from webinars.reports.report_tables import sex_label
from webinars.reports.yearly import NO_GROUP, YearFigures, YearlyReport


def _share(value: float | None) -> object:
    return Percent(value) if value is not None else ""


def country_label(report: YearlyReport, code: str) -> str:
    en, es = report.data.countries.get(code, (code, code))
    return pick(en, es, current_language())


def group_label(report: YearlyReport, code: str) -> str:
    if code == NO_GROUP:
        return _("No working group")
    en, es = report.data.groups.get(code, (code, code))
    return pick(en, es, current_language())


def countries_by_name(report: YearlyReport) -> list[str]:
    return collated(report.data.countries, lambda code: country_label(report, code))


def profile_labels(figures: YearFigures) -> list[str]:
    """The profiles reached, in the reader's language and collation. Series word the same
    profile differently ("Prosecutors or attorneys", "... or solicitors"): labels the same in
    the reader's language count once, so the counts of the page and files are these."""
    language = current_language()
    return collated({pick(en, es, language) for en, es in figures.profiles}, str)


def summary_rows(report: YearlyReport) -> list[tuple[str, object]]:
    total = report.total
    rows: list[tuple[str, object]] = [
        (_("Series held"), total.series),
        (_("Sessions held"), total.sessions),
        (_("Registrations (confirmed)"), total.registrations),
        (_("Participants (once per series)"), total.participants),
        (_("Unique persons"), total.unique_persons),
        (_("Countries represented"), len(total.countries)),
        (_("Profiles reached"), len(profile_labels(total))),
    ]
    rows += [(sex_label(key), total.by_sex[key]) for key in SEX_KEYS]
    rows.append((_("Women among those who stated their sex"), _share(total.women_share)))
    return rows


def _sex_cells(figures: YearFigures) -> list[object]:
    return [*(figures.by_sex[key] for key in SEX_KEYS), _share(figures.women_share)]


def _sex_header() -> list[str]:
    return [*(sex_label(key) for key in SEX_KEYS), _("Women (share)")]


def by_group_table(report: YearlyReport) -> Table:
    header = [
        _("Working group"),
        _("Series held"),
        _("Sessions held"),
        _("Registrations"),
        _("Participants"),
        _("Unique persons"),
        _("Countries represented"),
        _("Profiles reached"),
        *_sex_header(),
    ]
    rows = [
        [
            group_label(report, code),
            f.series,
            f.sessions,
            f.registrations,
            f.participants,
            f.unique_persons,
            len(f.countries),
            len(profile_labels(f)),
            *_sex_cells(f),
        ]
        for code, f in report.by_group.items()
    ]
    return Table(_("By working group"), header, rows, widths=(36, 10, 10, 12, 12, 12, 12, 12))


def by_country_table(report: YearlyReport) -> Table:
    header = [
        _("Country"),
        _("Series attended"),
        _("Sessions attended"),
        _("Registrations"),
        _("Participants"),
        _("Unique persons"),
        _("Profiles reached"),
        *_sex_header(),
    ]
    rows = []
    for code in countries_by_name(report):
        f = report.by_country[code]
        rows.append(
            [
                country_label(report, code),
                f.series,
                f.sessions,
                f.registrations,
                f.participants,
                f.unique_persons,
                len(profile_labels(f)),
                *_sex_cells(f),
            ]
        )
    return Table(_("By country"), header, rows, widths=(22, 10, 10, 12, 12, 12, 12))


def series_table(report: YearlyReport) -> Table:
    header = [
        _("Series"),
        _("Working group"),
        _("First session"),
        _("Sessions held"),
        _("Registrations"),
        _("Participants"),
        _("Countries represented"),
    ]
    language = current_language()
    rows = [
        [
            pick(s.title_en, s.title_es, language),
            group_label(report, s.group),
            s.first_day,
            report.by_series[s.id].sessions,
            report.by_series[s.id].registrations,
            report.by_series[s.id].participants,
            len(report.by_series[s.id].countries),
        ]
        for s in report.data.series
    ]
    return Table(_("Series"), header, rows, widths=(50, 30, 12, 10, 12, 12, 12))


def yearly_tables(report: YearlyReport) -> list[Table]:
    """Every view of the yearly report, in the order of the page."""
    summary = Table(
        _("Summary"),
        [_("Figure"), _("Value")],
        [[label, value] for label, value in summary_rows(report)],
        widths=(48, 14),
    )
    profiles = Table(
        _("Profiles reached"),
        [_("Profile")],
        [[label] for label in profile_labels(report.total)],
        widths=(60,),
    )
    return [
        summary,
        by_group_table(report),
        by_country_table(report),
        series_table(report),
        profiles,
    ]
