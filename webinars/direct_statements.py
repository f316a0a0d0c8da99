"""The hot path's statements, compiled by SQLAlchemy once and sent by psycopg directly.

A registration through the API sends two large statements (the registration with its
sessions and person; the series lock with the e-mails' and invitations' rows, about 90
parameters). SQLAlchemy's execution of a compiled statement costs about 100 µs of CPU above
psycopg's own, measured on such a statement (172 against 76 µs): the execution context, the
parameters processed one by one, the result's metadata read from the cursor's description.
`first_row` compiles a statement once (its callers build each statement once and keep it),
then sends it with psycopg on the session's own connection, in its transaction, and reads one
row as a tuple, each value converted as SQLAlchemy would (an enum column gives its enum).

What SQLAlchemy does around an execution is kept: the engine's `before_cursor_execute` and
`after_cursor_execute` listeners are called (the tests count statements with them), and a
driver error is raised as SQLAlchemy's own (an IntegrityError, an OperationalError with the
connection invalidated when it was lost), so callers and `resilience` see what they would.
Elsewhere than psycopg (SQLite) the statement goes through the session as usual.

`first_row_on_its_own` sends a statement outside any transaction (psycopg's autocommit, on
the session's connection before it begins one): PostgreSQL commits it when it ends, which
spares the BEGIN and the COMMIT, two round trips, to a statement that does all a request
writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Dialect, Select

from webinars.extensions import db

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Compiled:
    """A statement as psycopg takes it, with what SQLAlchemy would do to its values."""

    sql: str
    #: The values fixed in the statement itself (a Python literal in a comparison).
    fixed: Mapping[str, Any]
    #: By parameter name, the conversion of a value before it is sent (an enum as stored).
    bind_processors: Mapping[str, Processor]
    #: By column, the conversion of a value read (None: taken as psycopg gives it).
    result_processors: tuple[Processor | None, ...]


def first_row(
    statement: Select[*tuple[Any, ...]], parameters: Mapping[str, Any]
) -> tuple[Any, ...] | None:
    """The first row `statement` returns with `parameters`, in the session's transaction;
    None when it returns none."""
    connection = db.session.connection()
    if connection.dialect.driver != "psycopg":
        found = db.session.execute(statement, parameters).first()
        return None if found is None else tuple(found)
    compiled = _compiled(statement, connection.dialect)
    values = dict(compiled.fixed)
    for name, value in parameters.items():
        process = compiled.bind_processors.get(name)
        values[name] = value if process is None or value is None else process(value)
    row = _sent(connection, compiled.sql, values)
    if row is None:
        return None
    return tuple(
        value if process is None else process(value)
        for process, value in zip(compiled.result_processors, row, strict=True)
    )


class InTransaction(RuntimeError):
    """`first_row_on_its_own` was asked for in a transaction begun already."""


def outside_transaction() -> bool:
    """Whether the session's connection (psycopg's) has begun no transaction, so that
    `first_row_on_its_own` can send a statement on it."""
    return _idle_connection() is not None


def _idle_connection() -> Any:
    """The session's psycopg connection when it has begun no transaction, else None."""
    connection = db.session.connection()
    raw = connection.connection.dbapi_connection
    if connection.dialect.driver != "psycopg" or raw is None:
        return None
    return raw if raw.info.transaction_status == TransactionStatus.IDLE else None


def first_row_on_its_own(
    statement: Select[*tuple[Any, ...]], parameters: Mapping[str, Any]
) -> tuple[Any, ...] | None:
    """`first_row`, the statement sent on its own, outside any transaction (psycopg's
    autocommit): PostgreSQL commits it when it ends, or takes it all back when it fails.
    The session's connection must not have begun a transaction (InTransaction); it is left
    as it was found, ready for the next transaction."""
    raw = _idle_connection()
    if raw is None:
        raise InTransaction("the session's connection is in a transaction, or not psycopg's")
    raw.autocommit = True
    try:
        return first_row(statement, parameters)
    finally:
        if not raw.closed:  # a lost connection is invalidated, and replaced by the pool
            raw.autocommit = False


def _sent(connection: Connection, sql: str, values: dict[str, Any]) -> tuple[Any, ...] | None:
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for before in connection.dispatch.before_cursor_execute:
            before(connection, cursor, sql, values, None, False)
        cursor.execute(sql, values)
        for after in connection.dispatch.after_cursor_execute:
            after(connection, cursor, sql, values, None, False)
        row: tuple[Any, ...] | None = cursor.fetchone()
    except connection.dialect.loaded_dbapi.Error as error:
        # SQLAlchemy's own handling: the error wrapped as its class, the `handle_error`
        # events, and the connection invalidated when the database is gone.
        connection._handle_dbapi_exception(error, sql, values, cursor, None)
    finally:
        cursor.close()
    return row


@lru_cache(maxsize=256)
def _compiled(statement: Select[*tuple[Any, ...]], dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    if compiled.positiontup or compiled.literal_execute_params or compiled.post_compile_params:
        raise ValueError("only named parameters, rendered once, are sent directly")
    if compiled.insert_prefetch or compiled.update_prefetch:
        # Python-side defaults are filled in by SQLAlchemy's execution context.
        raise ValueError("an insert or update whose columns' defaults Python computes")
    fixed, processors = {}, {}
    for bind, name in compiled.bind_names.items():
        if not bind.required:
            fixed[name] = bind.effective_value
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors[name] = process
            if name in fixed and fixed[name] is not None:
                fixed[name] = process(fixed[name])
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in statement.selected_columns
    )
    return _Compiled(compiled.string, fixed, processors, results)
