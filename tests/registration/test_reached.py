"""The series in which this process found a limit reached, by version, the newest kept."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from webinars.registration import reached


def _series(id_: int, version: int) -> Any:
    return SimpleNamespace(id=id_, version=version)


@pytest.fixture(autouse=True)
def forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reached, "_found", type(reached._found)())


def test_a_series_is_remembered_at_its_version() -> None:
    assert not reached.may_be_reached(_series(1, 10))
    reached.found_reached(_series(1, 10))
    assert reached.may_be_reached(_series(1, 10))
    assert not reached.may_be_reached(_series(1, 11))  # changed since: predicted anew
    assert not reached.may_be_reached(_series(2, 10))


def test_only_the_newest_series_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reached, "MAX_SERIES", 3)
    for n in range(4):
        reached.found_reached(_series(n, 1))
    reached.found_reached(_series(1, 1))  # seen again: the newest
    reached.found_reached(_series(9, 1))
    assert [reached.may_be_reached(_series(n, 1)) for n in (0, 1, 2, 3, 9)] == [
        False,
        True,
        False,
        True,
        True,
    ]
