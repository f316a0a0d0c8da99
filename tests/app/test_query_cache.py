"""psycopg caches the conversion of the long statements a registration sends."""

from __future__ import annotations

from psycopg import _queries
from psycopg.adapt import Transformer

from webinars.query_cache import MAX_LENGTH, MAX_PARAMETERS


def _converted_twice(query: bytes, values: dict[str, str]) -> int:
    """How many of two conversions of `query` were found in psycopg's cache."""
    before = _queries._query2pg.cache_info().hits
    for _ in range(2):
        _queries.PostgresQuery(Transformer()).convert(query, values)
    return _queries._query2pg.cache_info().hits - before


def test_a_long_statement_with_many_parameters_is_converted_once(app):
    names = [f"held_0_{n}_to_address" for n in range(88)]
    query = "SELECT " + ", ".join(
        f"%({name})s::VARCHAR AS anon_{n}" for n, name in enumerate(names)
    )
    query += " -- " + "x" * (4_810 - len(query))
    assert len(query) > 4_096 and len(names) > 50  # psycopg's own limits
    assert _converted_twice(query.encode(), dict.fromkeys(names, "a")) == 1


def test_past_the_raised_limits_nothing_is_cached(app):
    names = [f"p{n}" for n in range(MAX_PARAMETERS + 1)]
    query = "SELECT " + ", ".join(f"%({name})s" for name in names)
    assert _converted_twice(query.encode(), dict.fromkeys(names, "a")) == 0
    long = "SELECT %(a)s -- " + "x" * MAX_LENGTH
    assert _converted_twice(long.encode(), {"a": "a"}) == 0
