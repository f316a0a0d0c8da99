"""Inserts held back and sent as part of the next statement of the same transaction.

Each statement is a round trip to the database, and on the busiest path, a registration
through the API, the round trips and what it costs to make each one are most of the
request. Its e-mails' rows (`mail.outbox`) and its invitation rows (`invitations.flow`)
are written by packages that know nothing of what comes next. While `held()` is open,
they hand their rows to `hold` instead of writing them, and the one who opened it sends
them as the CTEs of its own next statement (`Held.attach`, on PostgreSQL), which the
database runs to completion with it: the same rows, one round trip.

The rows may be held before the row they belong to is written, when the next statement
writes it too: their column that names it is then filled by that statement (`Filled`).

A held insert may be one that leaves out a row its unique key refuses (`ON CONFLICT DO
NOTHING`): the writer was told its rows were written, so the statement says how many were
(`Held.written_in_full`), and the caller takes the transaction back when one was not.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    CTE,
    Select,
    Table,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql


@dataclass(frozen=True)
class _Shape:
    """What one held insert's statement depends on (its rows' values are parameters)."""

    table: Table
    columns: tuple[str, ...]
    rows: int
    #: The unique key whose conflicts leave a row out, if any.
    unless_conflict_on: tuple[str, ...] | None


class Held:
    """The inserts held back inside one `held()` block, in the order they were held."""

    def __init__(self) -> None:
        self._shapes: list[_Shape] = []
        self._rows: list[Sequence[dict[str, Any]]] = []

    def add(
        self,
        table: Table,
        rows: Sequence[dict[str, Any]],
        unless_conflict_on: tuple[str, ...] | None,
    ) -> bool:
        completed: list[dict[str, Any]] = []
        for row in rows:
            full = _with_defaults(table, row)
            if full is None or (completed and full.keys() != completed[0].keys()):
                return False  # one INSERT needs plain values, the same columns in every row
            completed.append(full)
        self._shapes.append(_Shape(table, tuple(completed[0]), len(rows), unless_conflict_on))
        self._rows.append(completed)
        return True

    def attach(self, query: Select[Any], filled: Filled | None = None) -> Select[Any]:
        """`query` with the held inserts as CTEs, written before it reads anything (its
        WHERE reads what they wrote: PostgreSQL evaluates that first), and after its own
        columns, the number of rows each insert wrote. Built once per shape: a statement
        keeps its cache key.

        `filled`: columns whose values the statement gives, from a CTE of its own (a row
        it writes, whose id the held rows were built without): each held row is then read
        from that CTE, and none is written when it holds no row. Their held values are not
        sent."""
        return _attached(query, tuple(self._shapes), filled) if self._shapes else query

    def parameters(self, filled: Filled | None = None) -> dict[str, Any]:
        """The held rows' values, by the names `attach` gives them (with the same
        `filled`)."""
        skipped = filled.columns if filled is not None else ()
        values: dict[str, Any] = {}
        for n, (shape, rows) in enumerate(zip(self._shapes, self._rows, strict=True)):
            names = _names(n, shape.rows, shape.columns, skipped)
            cells = (value for row in rows for value in row.values())
            for name, value in zip(names, cells, strict=True):
                if name:
                    values[name] = value
                elif filled is not None and value != filled.placeholder:
                    raise ValueError("a filled column holds a value of its own")
        return values

    def written_in_full(self, written: Sequence[int]) -> bool:
        """Whether each insert wrote all its rows: `written` are the last columns of the
        attached query's row."""
        return list(written) == [shape.rows for shape in self._shapes]

    def row_counts(self) -> tuple[int, ...]:
        """How many rows each insert holds, in order (what `written_in_full` expects)."""
        return tuple(shape.rows for shape in self._shapes)


@dataclass(frozen=True)
class Filled:
    """Columns of the held rows that a statement fills from a CTE of its own: `columns[i]`
    takes the CTE's column `sources[i]`."""

    source: CTE
    columns: tuple[str, ...]
    sources: tuple[str, ...]
    #: The value the held rows carry in those columns until the statement fills them.
    placeholder: Any


_held: ContextVar[Held | None] = ContextVar("held_inserts", default=None)


@contextmanager
def held() -> Iterator[Held]:
    """Hold back the inserts made inside the block (`hold`): the caller sends them with its
    next statement (`Held.attach`) and, until then, nothing reads them."""
    inserts = Held()
    token = _held.set(inserts)
    try:
        yield inserts
    finally:
        _held.reset(token)


def hold(
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    unless_conflict_on: tuple[str, ...] | None = None,
) -> bool:
    """Keep `rows` (keyed by column, the same columns in each) for the statement that the
    innermost `held()` block's owner makes next. False when nothing is held: the caller
    writes them itself."""
    inserts = _held.get()
    return bool(rows) and inserts is not None and inserts.add(table, rows, unless_conflict_on)


def _with_defaults(table: Table, row: dict[str, Any]) -> dict[str, Any] | None:
    """`row` with the Python-side default of each column it leaves out, in the table's
    order, as SQLAlchemy would add them: a multi-row INSERT that it completes itself is
    compiled anew at every execution. None when a default is a SQL expression."""
    completed = {}
    for key, default in _defaults(table):
        if key in row:
            completed[key] = row[key]
        elif default is not None:
            if default.is_scalar:
                completed[key] = default.arg
            elif default.is_callable:
                completed[key] = default.arg(None)
            else:
                return None
    return completed


@lru_cache(maxsize=64)
def _defaults(table: Table) -> tuple[tuple[str, Any], ...]:
    """Each column's key and Python-side default (or None), in the table's order."""
    return tuple((column.key, column.default) for column in table.columns)


def _name(insert_number: int, row: int, column: str) -> str:
    return f"held_{insert_number}_{row}_{column}"


@lru_cache(maxsize=256)
def _names(
    insert_number: int, rows: int, columns: tuple[str, ...], filled: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """The parameter names of an insert's values, row after row, column after column; an
    empty name for a column the statement fills (`Filled`)."""
    return tuple(
        "" if column in filled else _name(insert_number, i, column)
        for i in range(rows)
        for column in columns
    )


@lru_cache(maxsize=256)
def _attached(
    query: Select[Any], shapes: tuple[_Shape, ...], filled: Filled | None = None
) -> Select[Any]:
    """Each insert is an `INSERT ... SELECT` of its rows' parameters (a `UNION ALL` of one
    SELECT per row): SQLAlchemy caches the compiled form of that, never of a multi-row
    `VALUES`, which it compiles anew at every execution."""
    written = []
    for n, shape in enumerate(shapes):
        rows = [_row(n, i, shape, filled) for i in range(shape.rows)]
        source = rows[0] if len(rows) == 1 else union_all(*rows)
        statement: Any = (
            postgresql.insert(shape.table) if shape.unless_conflict_on else insert(shape.table)
        )
        statement = statement.from_select(list(shape.columns), source)
        if shape.unless_conflict_on:
            statement = statement.on_conflict_do_nothing(
                index_elements=list(shape.unless_conflict_on)
            )
        key = next(iter(shape.table.primary_key.columns))
        inserted = statement.returning(key).cte(f"held_{n}")
        written.append(select(func.count()).select_from(inserted).scalar_subquery())
    return query.add_columns(*written).where(*(count >= literal_column("0") for count in written))


def _row(n: int, i: int, shape: _Shape, filled: Filled | None) -> Select[Any]:
    """The SELECT of the `i`th row of the `n`th insert: its parameters, and the columns
    `filled` from its CTE (then read from it)."""
    types = {column: shape.table.c[column].type for column in shape.columns}
    if filled is None or not set(filled.columns) & set(shape.columns):
        return select(*(bindparam(_name(n, i, c), type_=types[c]) for c in shape.columns))
    given = dict(zip(filled.columns, filled.sources, strict=True))
    return select(
        *(
            filled.source.c[given[c]] if c in given else bindparam(_name(n, i, c), type_=types[c])
            for c in shape.columns
        )
    ).select_from(filled.source)
