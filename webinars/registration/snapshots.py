"""The series as registering reads it, kept per process between requests.

Registering reads a series' row, its sessions and its profiles: the largest statement of a
registration through the API (a fifth of its time, `docs/performance.md`), and the same
rows for every registration of the series. Each process keeps a copy of them by address.
The optimistic registration (`services.register`'s `optimistic`) reads that copy itself
(`kept_series`), shared by the requests of the process and never attached to a session: a
session that held it would expire it at its commit. Merging it (SQLAlchemy's way of using
cached objects) cost a seventh of the app's instructions of a registration, and its commit
a little more, expiring the merged objects. Everything else gets its own copy of the copy,
attached to the request's session without a query (`public_series`, `Session.merge(load=False)`).

A copy may be out of date; nothing reads from it that is not checked afterwards:

- the insert of the registration compares the copy's `version` with the row's, in its one
  statement, and again under the series lock (`inserts`, `seats.confirm_prediction`);
- `services.register` then, or when it refuses the input on a copy, reads the series again
  (`read_again`, which also forgets this process's copy) and starts over; after rows were
  written, the API rolls back and registers again.

The database draws a new random `version` at every change of the series, its sessions or
its profiles, whoever writes them (triggers, migration 0014), so a copy never outlives what
it copied, in any process. The copies are read-only: a request changes only its own, and a
session refuses to hold a kept one (`SharedCopyAttached`).
"""

from __future__ import annotations

import threading
import weakref

from sqlalchemy import event
from sqlalchemy.orm import Session, joinedload

from webinars.extensions import db
from webinars.series.models import PUBLIC_STATUSES, Series

#: What registering reads of a series besides its row, loaded with it in one query (a series
#: has a handful of sessions and profiles: the joined rows are few).
SERIES_FOR_REGISTRATION = (joinedload(Series.sessions), joinedload(Series.profiles))

#: At most this many series are kept per process (the public ones open for registration are
#: a handful); past it, the oldest copy goes.
MAX_COPIES = 64

#: This process's copies, by address: detached objects, never attached to a session.
_copies: dict[str, Series] = {}
#: Every object of the kept copies (the series, their sessions and profiles).
_kept: weakref.WeakSet[object] = weakref.WeakSet()
#: Held while `_copies` changes or is walked (a threaded server serves requests at once).
_changing = threading.Lock()
#: The key of `Session.info` naming the series of a session that came from a copy.
_FROM_COPY = "series_from_copy"


class SharedCopyAttached(RuntimeError):
    """A session was asked to hold an object of a copy kept by the process (`kept_series`)."""


def kept_series(slug: str) -> Series | None:
    """This process's copy of the public series at `slug`, with its sessions and profiles,
    itself: read once (else no query), shared by every request of the process, detached.
    Only read it: no lazy load works on it, and a session refuses it (the registration
    written for it is not added to the session either, `inserts.insert_registration`).
    None when there is no public series at this address."""
    copy = _copies.get(slug)
    if copy is None:
        copy = _read_copy(slug)
        if copy is None:
            return None
        with _changing:
            _kept.update([copy, *copy.sessions, *copy.profiles])
            if len(_copies) >= MAX_COPIES:
                _copies.pop(next(iter(_copies)))
            _copies[slug] = copy
    return copy


def public_series(slug: str) -> Series | None:
    """The public series at `slug` with its sessions and profiles, for registering: a copy
    of this process's copy (`kept_series`), attached to the request's session without a
    query. None when there is no public series at this address."""
    copy = kept_series(slug)
    if copy is None:
        return None
    series = db.session.merge(copy, load=False)
    db.session.info.setdefault(_FROM_COPY, set()).add(series.id)
    return series


def _refuse_kept(_session: Session, instance: object) -> None:
    """A kept copy in a session would be expired by its commit, under every other request
    of the process (a save-update cascade from a new object would take it there)."""
    if instance in _kept:
        raise SharedCopyAttached(f"{instance!r} is a copy kept by the process: only read it")


event.listen(Session, "before_attach", _refuse_kept)


def _read_copy(slug: str) -> Series | None:
    """The series read in a session of its own on the request's connection (the same
    transaction, no other connection), then detached with everything registering reads."""
    query = (
        db.select(Series)
        .where(Series.slug == slug, Series.status.in_(PUBLIC_STATUSES))
        .options(*SERIES_FOR_REGISTRATION)
    )
    with Session(bind=db.session.connection()) as session:  # closing it detaches the objects
        return session.scalars(query).unique().one_or_none()


def is_copy(series: Series) -> bool:
    """Whether `series` came from a copy (`public_series`) and was not read again since."""
    return series.id in db.session.info.get(_FROM_COPY, ())


def forget(series_id: int) -> None:
    """Drop this process's copy of the series (found out of date): the next request reads
    it again."""
    with _changing:
        for slug in [slug for slug, copy in _copies.items() if copy.id == series_id]:
            del _copies[slug]


def read_again(series: Series) -> bool:
    """Read `series`, its sessions and its profiles again, into the same objects, and forget
    this process's copy of it; False when the series is gone."""
    forget(series.id)
    db.session.info.get(_FROM_COPY, set()).discard(series.id)
    fresh = (
        db.session.execute(
            db.select(Series)
            .where(Series.id == series.id)
            .options(*SERIES_FOR_REGISTRATION)
            .execution_options(populate_existing=True)
        )
        .unique()
        .scalar_one_or_none()
    )
    return fresh is not None
