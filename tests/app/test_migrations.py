"""Migrations keep existing data: upgrade a database that already holds rows."""

from __future__ import annotations

from pathlib import Path

import flask_migrate
import sqlalchemy as sa

from webinars.extensions import db

from ..conftest import make_test_app

BEFORE_INVITATIONS = "8011aeda558b"


def test_upgrading_gives_existing_sessions_a_uid_and_keeps_every_row(tmp_path: Path) -> None:
    app = make_test_app(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE_INVITATIONS)
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO series (slug, title_en, title_es, background_en, background_es,"
                    " objective_en, objective_es, methodology_en, methodology_es, modality,"
                    " venue_en, venue_es, conference_url, timezone, tentative_dates_en,"
                    " tentative_dates_es, approval_mode, status, created_at, updated_at)"
                    " VALUES ('old', 'Old', 'Vieja', '', '', '', '', '', '', 'online', '', '',"
                    " '', 'UTC', '', '', 'automatic', 'published', '2020-01-01', '2020-01-01')"
                )
            )
            for day in (1, 2):
                conn.execute(
                    sa.text(
                        "INSERT INTO event_sessions (series_id, topic_en, topic_es, start_at,"
                        " end_at, track_en, track_es) VALUES ((SELECT id FROM series), 'T',"
                        f" 'T', '2020-01-0{day} 10:00:00', '2020-01-0{day} 11:00:00', '', '')"
                    )
                )
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT ical_uid, ical_sequence, status FROM event_sessions")
            ).all()
            reminders = conn.execute(sa.text("SELECT reminder_minutes FROM series")).scalar()
        db.engine.dispose()
    assert len(rows) == 2  # a rebuilt parent table must not cascade into its children
    assert len({uid for uid, _, _ in rows}) == 2
    assert all(seq == 0 and status == "scheduled" for _, seq, status in rows)
    assert reminders in ("[1440, 60]", [1440, 60])
