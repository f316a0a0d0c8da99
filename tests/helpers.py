"""Small helpers shared by the test modules."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event
from werkzeug.test import TestResponse

from webinars.extensions import db


def free_ports(count: int) -> list[int]:
    """Distinct free localhost ports. Each probe stays bound until all are chosen: probes bound
    and closed one after the other may each be given the port the last one just released."""
    with ExitStack() as probes:
        sockets = [probes.enter_context(socket.socket()) for _ in range(count)]
        for probe in sockets:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in sockets]


def count_rows(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def field_errors(response: TestResponse, field: str) -> str:
    """The text of the error list rendered beside one field ('' when there is none)."""
    match = re.search(
        rf'<ul class="field-error" id="{field}-errors">(.*?)</ul>', response.text, re.S
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """The SQL statements run on the current app's engine inside the block."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def detached(messages: list[Any]) -> list[Any]:
    """Outbox rows readable after their app context ends: each deferred one rendered now and
    its text kept on the detached copy (as the worker stores what it sends)."""
    from webinars.mail.rendering import freeze

    contents = [m.content() for m in messages]
    for message, content in zip(messages, contents, strict=True):
        db.session.expunge(message)
        freeze(message, content)
    return messages


def mark_sent() -> None:
    """Every pending outbox message as the delivery worker leaves it once sent: its text
    rendered and stored, its status `sent`. Commits."""
    from webinars.mail.models import OutboxMessage, OutboxStatus
    from webinars.mail.rendering import freeze

    for message in db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
    ):
        freeze(message)
        message.status = OutboxStatus.SENT
    db.session.commit()
