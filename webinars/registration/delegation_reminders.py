"""Reminders to the focal points of the countries whose delegation still lacks profiles.

One e-mail per active focal point of each country that has not reached every profile's
`min_per_country` in confirmed registrations, written to the outbox (sent after the commit).

Language: a staff user has no language field, so the country decides: English for Belize,
Canada and the United States, Spanish for every other member country.

Reminders are refused while registration is not open: they ask the focal points to get
officials registered, and the link they carry would lead to a closed form.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from webinars.accounts.models import ENGLISH_SPEAKING, StaffRole, User
from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.mail.outbox import enqueue_template
from webinars.registration.services import RegistrationClosed
from webinars.registration.targets import CountryRow, target_matrix
from webinars.series.models import ApprovalMode, Series
from webinars.web import external_url

KIND = "quota.reminder"


def language_of(country_code: str) -> str:
    return "en" if country_code in ENGLISH_SPEAKING else "es"


@dataclass(frozen=True)
class CountryReminder:
    """A country that lacks profiles and the reminders queued for its focal points (maybe none)."""

    row: CountryRow
    messages: list[OutboxMessage]


def remind_by_country(series: Series) -> list[CountryReminder]:
    """Queue the reminders; one entry per lacking country, in the matrix's order."""
    if not series.registration_is_open():
        raise RegistrationClosed()
    lacking = target_matrix(series).lacking_rows
    if not lacking:
        return []
    focal_points = db.session.scalars(
        db.select(User)
        .where(
            User.role == StaffRole.FOCAL_POINT,
            User.active.is_(True),
            User.country_code.in_([row.country.code for row in lacking]),
        )
        .order_by(User.email)
    )
    by_country: defaultdict[str, list[User]] = defaultdict(list)
    for user in focal_points:
        assert user.country_code is not None  # a focal point always has a country
        by_country[user.country_code].append(user)
    register_urls = {
        language: external_url("registration.register", slug=series.slug, lang=language)
        for language in ("en", "es")
    }
    quotas_url = external_url("staff.quotas", slug=series.slug)
    return [
        CountryReminder(
            row,
            [
                enqueue_template(
                    "quota_reminder",
                    kind=KIND,
                    to_address=user.email,
                    to_name=user.name,
                    language=language_of(row.country.code),
                    series_id=series.id,
                    user=user,
                    series=series,
                    row=row,
                    approves=series.approval_mode == ApprovalMode.FOCAL_POINT,
                    register_url=register_urls[language_of(row.country.code)],
                    quotas_url=quotas_url,
                )
                for user in by_country[row.country.code]
            ],
        )
        for row in lacking
    ]
