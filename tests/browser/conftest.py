"""Which language × width runs of the browser journeys the suite makes.

A journey written for both languages at both widths runs twice by default: Spanish on a
390 px phone and English at 1280 px, so that every journey still meets both languages and
both widths while the CI run stays short. `WEBINARS_ALL_VIEWS=1` runs all four, as a person
checking a page by hand would (and as the journeys were written and looked at).
"""

from __future__ import annotations

import os

import pytest

#: The runs kept by default: (language, width).
DEFAULT_VIEWS = {("es", 390), ("en", 1280)}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("WEBINARS_ALL_VIEWS"):
        return
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        view = (params.get("language"), params.get("width"))
        if "/browser/" in item.nodeid and None not in view and view not in DEFAULT_VIEWS:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
