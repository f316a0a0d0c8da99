"""The rate limiter's cost on every request: its default storage counts as limits' memory
storage, with no thread per hit; no check runs before a request when no limit needs one."""

from __future__ import annotations

import time

from limits import RateLimitItemPerMinute
from limits.strategies import FixedWindowRateLimiter

from webinars.extensions import limiter
from webinars.limiter_storage import SweptMemoryStorage

from ..conftest import make_test_app


def _storage() -> SweptMemoryStorage:
    storage = SweptMemoryStorage()
    storage.timer.join()  # the one timer limits' constructor starts
    return storage


def test_the_app_counts_in_it_by_default(app):
    assert isinstance(limiter.storage, SweptMemoryStorage)


def test_a_fixed_window_limit_holds_and_no_thread_is_started():
    storage = _storage()
    timer = storage.timer
    limit = RateLimitItemPerMinute(3)
    window = FixedWindowRateLimiter(storage)
    assert [window.hit(limit, "client") for _ in range(5)] == [True, True, True, False, False]
    assert window.hit(limit, "another client")
    assert storage.timer is timer and not timer.is_alive()


def test_a_counter_starts_again_after_its_window():
    storage = _storage()
    assert storage.incr("key", 60) == 1
    assert storage.incr("key", 60) == 2
    storage.expirations["key"] = time.time() - 1  # its minute is over
    assert storage.get("key") == 0
    assert storage.incr("key", 60) == 1


def test_the_sweep_drops_the_counters_whose_window_is_over_at_most_once_a_second():
    storage = _storage()
    storage.incr("old", 60)
    storage.incr("new", 60)
    now = time.time()
    storage.expirations["old"] = now - 1
    storage.sweep(now=now)  # the first incr swept: too recent
    assert "old" in storage.storage
    storage.sweep(now=now + storage.sweep_every)
    assert "old" not in storage.storage and "old" not in storage.expirations
    assert storage.storage["new"] == 1
    storage.expirations["new"] = now
    storage.sweep(now=now + storage.sweep_every + 0.5)
    assert "new" in storage.storage
    storage.sweep(now=now + 2 * storage.sweep_every)
    assert "new" not in storage.storage


def test_a_hit_sweeps():
    storage = _storage()
    storage.sweep_every = 0
    storage.incr("old", 60)
    storage.expirations["old"] = time.time() - 1
    storage.incr("other", 60)
    assert "old" not in storage.storage and storage.storage["other"] == 1


def test_no_check_runs_before_a_request_when_every_limit_has_its_decorator(app):
    assert limiter._check_request_limit not in app.before_request_funcs[None]
    client = app.test_client()
    # A decorated limit still holds: the log-in form's, 10 per minute by default.
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    statuses = [client.post("/login", data={}).status_code for _ in range(3)]
    assert statuses[-1] == 429 and 429 not in statuses[:2]


def test_a_default_limit_keeps_the_check(database_url):
    try:
        app = make_test_app(database_url, RATELIMIT_DEFAULT="2 per minute")
        assert limiter._check_request_limit in app.before_request_funcs[None]
        client = app.test_client()
        assert [client.get("/").status_code for _ in range(3)][-1] == 429
    finally:
        limiter.limit_manager.set_default_limits([])  # the limiter is one object for all apps
        limiter.reset()
