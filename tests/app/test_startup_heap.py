"""A production app sets its start-up objects aside from the garbage collector."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from webinars import create_app


class _Node:
    next: _Node | None = None


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """The test process as it was: nothing frozen before or after."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_production_app_freezes_what_it_built(
    database_url: str, monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    monkeypatch.setenv("WEBINARS_CONFIG", "production")
    app = create_app(
        {"SECRET_KEY": "a-production-like-secret", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    frozen = gc.get_freeze_count()
    # The app's objects are among those no full collection walks any more.
    assert frozen > 50_000
    assert app.config["FREEZE_STARTUP_OBJECTS"] is True
    # A cycle made afterwards (as requests make them) is collected as before.
    cycle = _Node()
    cycle.next = cycle
    gone = weakref.ref(cycle)
    del cycle
    gc.collect()
    assert gone() is None
    assert gc.get_freeze_count() == frozen


def test_the_development_and_test_apps_freeze_nothing(database_url: str, unfrozen: None) -> None:
    create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert gc.get_freeze_count() == 0
