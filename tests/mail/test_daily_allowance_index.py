"""The index of the daily allowance (migration 0022): sent messages only, and what the
allowance's count reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from webinars.extensions import db
from webinars.mail import delivery

INDEX = "ix_outbox_messages_to_address_sent_at"


def _definition() -> str:
    """The index's definition, as the database keeps it."""
    if db.engine.dialect.name == "postgresql":
        query = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    else:
        query = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
    return db.session.scalar(text(query), {"name": INDEX})


def test_the_index_holds_sent_messages_only(ctx) -> None:
    """Partial (migration 0022, and the model for a database made from it): a message a
    request queues, whose `sent_at` is empty, writes no entry into it."""
    assert "sent_at IS NOT NULL" in _definition()


def test_the_allowance_counts_through_the_partial_index(ctx) -> None:
    """PostgreSQL's plan of the allowance's count, seq scans off so that the tiny table does
    not make it pointless: the partial index serves it (`sent_at >= ...` implies the
    index's condition)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plans")
    statement = delivery._lock_statement().params(
        since=datetime(2026, 12, 5, tzinfo=UTC), message_id=1
    )
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {sql}")))
    db.session.rollback()
    assert INDEX in plan, plan
