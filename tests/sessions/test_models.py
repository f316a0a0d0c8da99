"""The scheduling model: UTC times, constraints, ordering, bilingual fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError, StatementError

from webinars.catalog.models import Country
from webinars.extensions import db
from webinars.series.models import Series
from webinars.sessions.models import EventSession, Role, RoleKind

from .. import factories


def test_reference_data_has_the_eleven_members(ctx) -> None:
    codes = set(db.session.scalars(db.select(Country.code)))
    assert codes == {"BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"}
    mexico = db.session.get(Country, "MX")
    assert (mexico.name_en, mexico.name_es, mexico.timezone) == (
        "Mexico",
        "México",
        "America/Mexico_City",
    )


def test_times_come_back_as_aware_utc(ctx) -> None:
    series = factories.make_series()
    local_start = datetime(2020, 9, 8, 9, 0, tzinfo=ZoneInfo("America/Costa_Rica"))
    sitting = factories.make_session(series, start_at=local_start)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(EventSession, sitting.id)
    assert stored.start_at == datetime(2020, 9, 8, 15, 0, tzinfo=UTC)
    assert stored.start_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused(ctx) -> None:
    series = factories.make_series()
    with pytest.raises(StatementError, match="naive datetime"):
        factories.make_session(series, start_at=datetime(2020, 9, 8, 9, 0))
    db.session.rollback()


def test_session_must_end_after_it_starts(ctx) -> None:
    series = factories.make_series()
    start = datetime(2020, 9, 8, 15, tzinfo=UTC)
    with pytest.raises(IntegrityError):
        factories.make_session(series, start_at=start, end_at=start)
    db.session.rollback()


def test_slug_is_unique(ctx) -> None:
    factories.make_series(slug="same")
    with pytest.raises(IntegrityError):
        factories.make_series(slug="same")
    db.session.rollback()


def test_profile_maximum_not_below_minimum(ctx) -> None:
    series = factories.make_series()
    with pytest.raises(IntegrityError):
        factories.make_profile(series, min_per_country=2, max_per_country=1)
    db.session.rollback()


def test_a_role_needs_one_place_and_someone(ctx) -> None:
    series = factories.make_series()
    sitting = factories.make_session(series)
    with pytest.raises(IntegrityError):
        factories.make_role(kind=RoleKind.MODERATOR, event_session=sitting)  # nobody
    db.session.rollback()


def test_sessions_are_numbered_in_time_order(ctx) -> None:
    series = factories.make_series()
    late = factories.make_session(series, start_at=datetime(2020, 9, 9, 15, tzinfo=UTC))
    early = factories.make_session(series, start_at=datetime(2020, 9, 8, 15, tzinfo=UTC))
    db.session.commit()
    db.session.expire_all()
    series = db.session.get(Series, series.id)
    assert [s.id for s in series.sessions] == [early.id, late.id]
    assert (early.number, late.number) == (1, 2)


def test_deleting_a_series_removes_its_sessions_agenda_and_roles(ctx) -> None:
    series = factories.make_series()
    sitting = factories.make_session(series)
    item = factories.make_agenda_item(sitting)
    factories.make_role(agenda_item=item, organization=factories.organization("IOM"))
    db.session.commit()
    db.session.delete(series)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(EventSession)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Role)) == 0


def test_bilingual_fields_fall_back_to_the_other_language(app) -> None:
    with app.test_request_context("/?lang=es"):
        series = Series(title_en="Only English", title_es="")
        assert series.title == "Only English"
        series.title_es = "En español"
        assert series.title == "En español"


def test_role_display_prefers_person_then_organization_then_note(ctx) -> None:
    iom = factories.organization("IOM")
    person = factories.make_person(name="Cy Winter", organization=iom)
    assert Role(kind=RoleKind.PANELIST, person=person).as_dict(language="en") == {
        "name": "Cy Winter",
        "role": "panelist",
        "organization": "IOM",
    }
    assert Role(kind=RoleKind.MODERATOR, organization=iom).as_dict(language="es") == {
        "name": iom.name_en,  # outside a request the name is English
        "role": "moderator",
        "organization": "OIM",
    }
    note = Role(kind=RoleKind.RAPPORTEUR, note_en="A delegate", note_es="Un delegado")
    assert note.display_name == "A delegate"


def test_migrations_match_the_models(ctx) -> None:
    """What `flask db check` checks: the migrated schema is exactly what the models describe."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
