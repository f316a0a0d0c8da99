"""The same officials across the two 2020 webinar series, so that a person's page, the
suggestions and the yearly report have something to show.

In each member country, the first two officials of the webinars on massive flows (November
2020) are the first two of the exchange on migrant smuggling (September 2020): same name,
same address, linked at once. In Costa Rica and Mexico the third is also the same person but
registered from another address: a suggestion for a member of staff to confirm.
"""

from __future__ import annotations

from collections import defaultdict

from webinars.attendance.models import Attendance
from webinars.extensions import db
from webinars.participation import services as participation
from webinars.registration.models import Registration
from webinars.series.models import Series

#: Officials per country who came back with the same address.
SAME_ADDRESS = 2
#: Countries where one more came back from another address.
OTHER_ADDRESS_COUNTRIES = ("CR", "MX")


def _by_country(series: Series) -> dict[str, list[Registration]]:
    rows: dict[str, list[Registration]] = defaultdict(list)
    for registration in db.session.scalars(
        db.select(Registration).where(Registration.series_id == series.id).order_by(Registration.id)
    ):
        rows[registration.country_code or ""].append(registration)
    return rows


def share_officials(first: Series, second: Series) -> None:
    """Give officials of `second` the identity of officials of `first`, then link every
    registration to its person (the 2020 rows are written directly, not registered)."""
    earlier = _by_country(first)
    changed: dict[int, Registration] = {}
    for country, later in _by_country(second).items():
        before = earlier.get(country, [])
        for index, registration in enumerate(later):
            if index >= len(before):
                break
            if index < SAME_ADDRESS:
                registration.email = before[index].email
            elif index == SAME_ADDRESS and country in OTHER_ADDRESS_COUNTRIES:
                local = before[index].email.split("@")[0]
                registration.email = f"{local}.personal@demo.example"
            else:
                break
            registration.first_name = before[index].first_name
            registration.last_name = before[index].last_name
            registration.sex = before[index].sex
            changed[registration.id] = registration
    # Their attendance rows carry the name and address the report matched them by.
    for row in db.session.scalars(
        db.select(Attendance).where(Attendance.registration_id.in_(list(changed)))
    ):
        registration = changed[row.registration_id]
        row.name, row.email, row.report_key = (
            registration.full_name,
            registration.email,
            registration.email,
        )
    db.session.flush()
    participation.link_all()
