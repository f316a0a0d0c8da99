"""The registration rules: limits, waiting list, approvals, e-mails in the registrant's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from webinars.extensions import db
from webinars.mail.models import OutboxMessage
from webinars.registration import profiles, seats, services
from webinars.registration.models import Registration, RegistrationStatus
from webinars.registration.tokens import find_by_public_token, public_token
from webinars.series.models import ApprovalMode, SeriesStatus

from .. import factories
from ..factories import registration_data

S = RegistrationStatus


def _mails(kind: str | None = None) -> list[OutboxMessage]:
    query = (
        db.select(OutboxMessage).where(OutboxMessage.ical_method == "").order_by(OutboxMessage.id)
    )
    if kind:
        query = query.filter_by(kind=kind)
    return list(db.session.scalars(query))


def test_automatic_mode_confirms_and_mails_in_spanish(ctx) -> None:
    series = factories.open_series(title_es="Serie de prueba")
    reg = services.register(series, registration_data(email="Ana.Perez@Example.GOV"))
    assert reg.status == S.CONFIRMED
    assert reg.email == "ana.perez@example.gov"
    assert [s.id for s in reg.sessions] == [s.id for s in series.sessions]
    assert reg.timezone == "America/Costa_Rica"  # from the country
    [mail] = _mails()
    assert mail.kind == "registration.confirmed" and mail.language == "es"
    assert "Serie de prueba" in mail.subject
    assert "/r/" in mail.body_text and "/r/" in mail.body_html
    assert find_by_public_token(public_token(reg)) is reg


def test_organizer_mode_leaves_the_registration_pending_then_approves(ctx) -> None:
    series = factories.open_series(approval_mode=ApprovalMode.ORGANIZER)
    reg = services.register(series, registration_data(language="en"))
    assert reg.status == S.PENDING
    services.approve(reg)
    assert reg.status == S.CONFIRMED
    assert [m.kind for m in _mails()] == ["registration.received", "registration.confirmed"]
    with pytest.raises(services.TransitionError):
        services.approve(reg)


def test_duplicate_email_is_refused_whatever_its_case(ctx) -> None:
    series = factories.open_series()
    services.register(series, registration_data(email="same@example.gov"))
    with pytest.raises(services.DuplicateRegistration):
        services.register(series, registration_data(email="SAME@example.gov"))
    assert len(_mails()) == 1


def test_closed_window_or_unpublished_series_refuses(ctx) -> None:
    closed = factories.open_series(registration_closes_at=datetime(2020, 6, 1, tzinfo=UTC))
    with pytest.raises(services.RegistrationClosed):
        services.register(closed, registration_data())
    draft = factories.open_series(status=SeriesStatus.DRAFT)
    with pytest.raises(services.RegistrationClosed):
        services.register(draft, registration_data())


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"first_name": ""}, "first_name"),
        ({"last_name": "x" * 101}, "last_name"),
        ({"country_code": "FR"}, "country"),
        ({"country_code": None}, "country"),
        ({"language": "fr"}, "language"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"profile_code": "astronaut"}, "profile"),
        ({"session_ids": []}, "sessions"),
        ({"session_ids": [999999]}, "sessions"),
    ],
)
def test_bad_input_names_its_field_and_writes_nothing(ctx, fields, field) -> None:
    series = factories.open_series()
    with pytest.raises(services.RegistrationError) as raised:
        services.register(series, registration_data(**fields))
    assert raised.value.field == field
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 0


def test_observer_organization_instead_of_a_country(ctx) -> None:
    series = factories.open_series()
    reg = services.register(
        series, registration_data(country_code=None, observer_organization="UNHCR")
    )
    assert reg.country_code is None and reg.origin == "UNHCR"
    assert reg.timezone == series.timezone


def test_a_session_of_another_series_is_refused(ctx) -> None:
    series = factories.open_series()
    other = factories.open_series()
    with pytest.raises(services.RegistrationError) as raised:
        services.register(series, registration_data(session_ids=[other.sessions[0].id]))
    assert raised.value.field == "sessions"


def test_max_per_country_waitlists_and_a_cancellation_promotes_first_come(ctx) -> None:
    series = factories.open_series()
    profile = factories.make_profile(
        series, code="prosecutor", min_per_country=1, max_per_country=2
    )
    regs = [
        services.register(series, registration_data(profile_code="prosecutor")) for _ in range(4)
    ]
    assert [r.status for r in regs] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    # another country still has its two places; "other" has no limit
    mx = services.register(series, registration_data(profile_code="prosecutor", country_code="MX"))
    other = services.register(series, registration_data(profile_code="other"))
    assert mx.status == S.CONFIRMED and other.status == S.CONFIRMED and other.profile is None
    promoted = services.cancel(regs[0])
    assert promoted == [regs[2]]
    assert regs[2].status == S.CONFIRMED and regs[3].status == S.WAITLISTED
    assert _mails("registration.promoted")[0].registration_id == regs[2].id
    assert profile.min_per_country == 1  # minimums never refuse anyone


def test_series_capacity_and_rejection_with_a_reason(ctx) -> None:
    series = factories.open_series(capacity=1, approval_mode=ApprovalMode.FOCAL_POINT)
    first = services.register(series, registration_data())
    second = services.register(series, registration_data())
    assert (first.status, second.status) == (S.PENDING, S.WAITLISTED)
    services.reject(first, "Not a member of the working group")
    assert first.rejection_reason == "Not a member of the working group"
    assert second.status == S.PENDING  # promoted, still to be approved
    [rejected] = _mails("registration.rejected")
    assert "Not a member of the working group" in rejected.body_text


def test_session_capacity_counts_only_that_session(ctx) -> None:
    series = factories.open_series()
    first_session, second_session = series.sessions
    first_session.capacity = 1
    a = services.register(series, registration_data(session_ids=[first_session.id]))
    b = services.register(series, registration_data())  # both sessions: the first is full
    c = services.register(series, registration_data(session_ids=[second_session.id]))
    assert (a.status, b.status, c.status) == (S.CONFIRMED, S.WAITLISTED, S.CONFIRMED)


def test_raising_a_limit_promotes_the_waiting_list(ctx) -> None:
    series = factories.open_series(capacity=1)
    services.register(series, registration_data())
    waiting = services.register(series, registration_data())
    series.capacity = 2
    assert seats.promote_waitlist(series) == [waiting]
    assert waiting.status == S.CONFIRMED


def test_change_of_profile_is_checked_again_and_frees_the_old_seat(ctx) -> None:
    series = factories.open_series()
    factories.make_profile(series, code="prosecutor", min_per_country=1, max_per_country=1)
    factories.make_profile(series, code="investigator", min_per_country=1, max_per_country=1)
    holder = services.register(series, registration_data(profile_code="prosecutor"))
    waiting = services.register(series, registration_data(profile_code="prosecutor"))
    taken = services.register(series, registration_data(profile_code="investigator"))
    with pytest.raises(services.RegistrationError):
        services.change_choice(holder, profile_code="investigator", session_ids=None)
    assert holder.profile.code == "prosecutor" and holder.status == S.CONFIRMED
    services.cancel(taken)
    promoted = services.change_choice(holder, profile_code="investigator", session_ids=None)
    assert holder.profile.code == "investigator"
    assert promoted == [waiting]


def test_closed_registrations_cannot_change(ctx) -> None:
    series = factories.open_series()
    reg = services.register(series, registration_data())
    services.cancel(reg)
    with pytest.raises(services.TransitionError):
        services.cancel(reg)
    with pytest.raises(services.TransitionError):
        services.change_choice(reg, profile_code=None, session_ids=None)


def test_a_forged_manage_token_finds_nothing(ctx) -> None:
    series = factories.open_series()
    reg = services.register(series, registration_data())
    token = public_token(reg)
    assert find_by_public_token(token[:-2] + "xx") is None
    assert find_by_public_token("garbage") is None


def test_quota_matrix_counts_per_country_and_profile(ctx) -> None:
    from webinars.registration.targets import target_matrix

    series = factories.open_series(approval_mode=ApprovalMode.ORGANIZER)
    factories.make_profile(series, code="prosecutor", min_per_country=2)
    factories.make_profile(series, code="investigator", min_per_country=1, max_per_country=1)
    a = services.register(series, registration_data(profile_code="prosecutor"))
    services.register(series, registration_data(profile_code="prosecutor"))
    i = services.register(series, registration_data(profile_code="investigator"))
    services.register(series, registration_data(profile_code="investigator"))  # waitlisted
    services.register(series, registration_data(country_code=None, observer_organization="IOM"))
    services.approve(a)
    services.approve(i)
    matrix = target_matrix(series)
    assert len(matrix.rows) == 11
    cr = next(r for r in matrix.rows if r.country.code == "CR")
    prosecutor, investigator = cr.cells
    assert (prosecutor.confirmed, prosecutor.pending, prosecutor.met) == (1, 1, False)
    assert (investigator.confirmed, investigator.waitlisted, investigator.met) == (1, 1, True)
    assert [c.profile.code for c in cr.lacking] == ["prosecutor"]
    assert (cr.confirmed, cr.pending, cr.waitlisted) == (2, 1, 1)
    assert matrix.column(0).confirmed == 1 and matrix.column(1).waitlisted == 1
    assert matrix.observers[RegistrationStatus.PENDING] == 1
    mx = next(r for r in matrix.rows if r.country.code == "MX")
    assert [c.profile.code for c in mx.lacking] == ["prosecutor", "investigator"]
    only_mx = target_matrix(series, country_code="MX")
    assert [r.country.code for r in only_mx.rows] == ["MX"] and not only_mx.observers


def test_organizer_raising_a_profile_maximum_seats_the_waiting_list(ctx) -> None:
    from webinars.series import services as scheduling

    series = factories.open_series()
    profile = factories.make_profile(
        series, code="prosecutor", min_per_country=1, max_per_country=1
    )
    services.register(series, registration_data(profile_code="prosecutor"))
    waiting = services.register(series, registration_data(profile_code="prosecutor"))
    assert waiting.status == S.WAITLISTED
    scheduling.update_profile(
        profile,
        scheduling.ProfileData(
            code="prosecutor",
            label_en="Prosecutors",
            label_es="Fiscales",
            description_en="",
            description_es="",
            min_per_country=1,
            max_per_country=2,
            position=0,
        ),
    )
    assert waiting.status == S.CONFIRMED
    assert _mails("registration.promoted")[0].registration_id == waiting.id


def test_a_profile_in_use_cannot_be_deleted(ctx) -> None:
    from webinars.series import services as scheduling

    series = factories.open_series()
    profile = factories.make_profile(series, code="prosecutor")
    services.register(series, registration_data(profile_code="prosecutor"))
    with pytest.raises(scheduling.SchedulingError, match="1 registration uses this profile"):
        profiles.delete_profile(profile)
