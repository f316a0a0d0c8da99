"""The app factory and configuration."""

from __future__ import annotations

import pytest

from webinars import create_app


def test_test_config_overrides(database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SOMETHING": 42})
    assert app.config["SOMETHING"] == 42


def test_production_refuses_to_start_without_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBINARS_CONFIG", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": None})
