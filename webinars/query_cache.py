"""psycopg's cache of converted queries, opened to the long statements of the busiest path.

psycopg turns a query's `%(name)s` placeholders into PostgreSQL's `$n` with a regular
expression, and keeps the result in a cache of 128 queries, but only for queries of at most
4,096 bytes and 50 parameters: an ORM's multi-row inserts vary in length and would fill it
(psycopg discussion 628, SQLAlchemy discussion 10270). The statements a registration sends
are built once and sent thousands of times, and one is longer: a confirmed registration's
lock statement, which also writes its e-mails' and invitations' rows (`held_inserts`),
is 4.8 KB with 88 parameters. It was converted anew at every registration: 0.3 ms of CPU,
under the series lock. The limits are raised; the cache keeps its 128 entries, so it holds a
few megabytes at most.
"""

from __future__ import annotations

from psycopg import _queries

#: The longest query, in bytes, and the most parameters whose conversion is cached.
MAX_LENGTH = 16_384
MAX_PARAMETERS = 256


def cache_long_statements() -> None:
    """Let psycopg cache the conversion of queries up to MAX_LENGTH and MAX_PARAMETERS (the
    module's limits, which it reads at every query)."""
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, MAX_LENGTH)
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, MAX_PARAMETERS)
