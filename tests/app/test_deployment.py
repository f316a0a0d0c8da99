"""Deployment past one machine: reverse proxies, rate limits shared through Redis, the files
of deploy/ agreeing with the app (docs/deployment.md).

The rate-limit tests run two gunicorn servers with deploy/gunicorn.conf.py on the test
database, as two web hosts would; those that need Redis are skipped when none answers on
127.0.0.1:6379.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import runpy
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request, url_for

from webinars import proxy
from webinars.extensions import db, limiter
from webinars.registration.tokens import public_token

from .. import factories
from ..conftest import make_test_app
from ..helpers import free_ports

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
#: A Redis database of its own; every key also carries the test's prefix and is deleted after.
REDIS_DB = 14
PROXY_ADDRESS = "10.0.0.10"  # nginx, as the web host sees it
_emails = itertools.count(1)


def _probe_app(database_url: str, **config: Any) -> Flask:
    """The app, with `proxy.init_app` applied and a view that shows what the request says."""
    app = make_test_app(database_url, **config)
    proxy.init_app(app)

    @app.get("/_probe")
    def probe() -> dict[str, Any]:
        return {
            "remote_addr": request.remote_addr,
            "scheme": request.scheme,
            "external": url_for("public.index", _external=True),
        }

    return app


def _probe(app: Flask, headers: dict[str, str]) -> dict[str, Any]:
    client = app.test_client()
    response = client.get("/_probe", headers=headers, environ_base={"REMOTE_ADDR": PROXY_ADDRESS})
    return response.get_json()


def body() -> dict[str, Any]:
    """A valid registration for the public API, with an address of its own."""
    return {
        "first_name": "Ana",
        "last_name": "Pérez",
        "email": f"deploy{next(_emails)}@example.gov",
        "country": "CR",
        "institution": "Fiscalía General",
        "position": "Fiscal",
        "profile": "other",
        "language": "es",
    }


def _open_series(app: Flask) -> str:
    with app.app_context():
        slug = factories.open_series().slug
        db.session.commit()
    return f"/api/v1/series/{slug}/registrations"


# --- reverse proxies (webinars/proxy.py) -------------------------------------------------------


FORWARDED = {"X-Forwarded-For": "198.51.100.66, 203.0.113.9", "X-Forwarded-Proto": "https"}


def test_behind_one_proxy_the_client_and_scheme_are_the_forwarded_ones(
    app: Flask, database_url: str
) -> None:
    """The client wrote the first address itself; nginx appended the real one."""
    seen = _probe(_probe_app(database_url, TRUSTED_PROXIES=1), FORWARDED)

    assert seen["remote_addr"] == "203.0.113.9"
    assert seen["scheme"] == "https"
    assert seen["external"].startswith("https://")


def test_behind_two_proxies_the_client_is_two_hops_back(app: Flask, database_url: str) -> None:
    headers = {"X-Forwarded-For": "198.51.100.66, 203.0.113.9, 10.0.0.5"}

    seen = _probe(_probe_app(database_url, TRUSTED_PROXIES=2), headers)

    assert seen["remote_addr"] == "203.0.113.9"


def test_with_no_trusted_proxy_forged_headers_are_ignored(app: Flask, database_url: str) -> None:
    seen = _probe(_probe_app(database_url), FORWARDED)  # TRUSTED_PROXIES defaults to 0

    assert seen["remote_addr"] == PROXY_ADDRESS
    assert seen["scheme"] == "http"
    assert seen["external"].startswith("http://")


def test_a_second_init_app_does_not_strip_a_second_hop(app: Flask, database_url: str) -> None:
    twice = _probe_app(database_url, TRUSTED_PROXIES=1)
    proxy.init_app(twice)

    assert _probe(twice, FORWARDED)["remote_addr"] == "203.0.113.9"


@pytest.mark.parametrize("value", [-1, "one", None])
def test_a_wrong_number_of_proxies_is_refused_at_start(
    app: Flask, database_url: str, value: Any
) -> None:
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        proxy.init_app(make_test_app(database_url, TRUSTED_PROXIES=value))


def _post(app: Flask, url: str, client_address: str) -> int:
    response = app.test_client().post(
        url,
        json=body(),
        headers={"X-Forwarded-For": client_address},
        environ_base={"REMOTE_ADDR": PROXY_ADDRESS},
    )
    return response.status_code


def test_behind_a_proxy_the_registration_limit_counts_per_client(
    app: Flask, database_url: str
) -> None:
    limited = _probe_app(database_url, TRUSTED_PROXIES=1, REGISTRATION_RATE_LIMIT="2 per minute")
    url = _open_series(limited)

    assert [_post(limited, url, "203.0.113.9") for _ in range(3)] == [201, 201, 429]
    assert _post(limited, url, "198.51.100.7") == 201  # another client behind the same nginx


def test_without_a_trusted_proxy_a_forged_address_does_not_escape_the_limit(
    app: Flask, database_url: str
) -> None:
    limited = _probe_app(database_url, REGISTRATION_RATE_LIMIT="2 per minute")
    url = _open_series(limited)

    assert [_post(limited, url, "203.0.113.9") for _ in range(2)] == [201, 201]
    assert _post(limited, url, "198.51.100.7") == 429


def _referer(page: Any, url: str) -> dict[str, str]:
    """The Referer a browser sends with a form posted from `page` to its own site."""
    return {} if page.headers.get("Referrer-Policy") == "no-referrer" else {"Referer": url}


def test_over_https_the_registrant_can_post_the_forms_of_the_private_pages(
    app: Flask, database_url: str
) -> None:
    """Behind nginx the requests are HTTPS, and Flask-WTF then refuses a form posted without
    a Referer of this site (WTF_CSRF_SSL_STRICT): a page whose Referrer-Policy is
    `no-referrer` gets none from the browser, so every form on it would answer 400."""
    secure = _probe_app(database_url, TRUSTED_PROXIES=1, WTF_CSRF_ENABLED=True)
    with secure.app_context():
        token = public_token(factories.make_registration(factories.open_series()))
        db.session.commit()
    client = secure.test_client()
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    url = f"/r/{token}/cancel"
    page = client.get(url, headers=https)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert csrf is not None

    response = client.post(
        url,
        data={"csrf_token": csrf.group(1)},
        headers=https | _referer(page, f"https://localhost{url}"),
    )

    assert response.status_code == 302


# --- the files of deploy/ -----------------------------------------------------------------------


def test_gunicorn_runs_sync_workers_two_per_core_plus_one(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)

    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    assert settings["worker_class"] == "sync"
    assert settings["workers"] == 2 * (os.cpu_count() or 1) + 1
    assert settings["wsgi_app"] == "webinars:create_app()"
    assert settings["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert settings["timeout"] >= 30


def test_gunicorn_takes_each_host_s_values_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_BIND", "10.0.0.11:8000")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", PROXY_ADDRESS)

    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    assert (settings["workers"], settings["bind"]) == (3, "10.0.0.11:8000")
    assert settings["forwarded_allow_ips"] == PROXY_ADDRESS


def test_nginx_takes_the_uploads_the_app_takes(app: Flask) -> None:
    size = re.search(r"client_max_body_size\s+(\d+)m;", (DEPLOY / "nginx.conf").read_text())
    assert size is not None

    assert int(size.group(1)) * 1024 * 1024 == app.config.get("MAX_CONTENT_LENGTH")


def _environment_variables() -> set[str]:
    """Every variable config.py and gunicorn.conf.py read, and the proxy setting."""
    names = {"TRUSTED_PROXIES", "WEBINARS_CONFIG"}
    for path in (ROOT / "config.py", DEPLOY / "gunicorn.conf.py"):
        names |= set(re.findall(r"os\.environ\.get\(\s*\"([A-Z_]+)\"", path.read_text()))
    return names


def test_every_environment_variable_is_in_the_example_and_the_guide() -> None:
    example = (DEPLOY / ".env.example").read_text()
    guide = (ROOT / "docs" / "deployment.md").read_text()

    assert {
        n for n in _environment_variables() if not re.search(rf"^#?{n}=", example, re.M)
    } == set()
    assert {n for n in _environment_variables() if f"`{n}`" not in guide} == set()


# --- rate limits in Redis, shared by several processes --------------------------------------------


def _redis() -> Any:
    import redis

    client = redis.Redis(REDIS_HOST, REDIS_PORT, db=REDIS_DB, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis on {REDIS_HOST}:{REDIS_PORT}")
    return client


@pytest.fixture
def redis_prefix() -> Iterator[tuple[Any, str]]:
    """A Redis client and a key prefix of this test's own; its keys are deleted after."""
    client = _redis()
    prefix = f"test-deployment-{uuid.uuid4().hex}"
    yield client, prefix
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)


def _wait_for(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.1)


@contextmanager
def _two_web_hosts(database_url: str, storage_uri: str, prefix: str) -> Iterator[list[int]]:
    """Two gunicorns with deploy/gunicorn.conf.py, one worker each, on the test database, as
    two web hosts; their ports."""
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        WEBINARS_CONFIG="development",
        SECRET_KEY="test-secret",
        RATELIMIT_STORAGE_URI=storage_uri,
        REGISTRATION_RATE_LIMIT="3 per minute",
        GUNICORN_LOG_LEVEL="warning",
    )
    env.pop("MAIL_SERVER", None)
    factory = f"webinars:create_app({{'RATELIMIT_KEY_PREFIX': {prefix!r}}})"
    ports = free_ports(2)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        for port in ports:
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
                    + ["--bind", f"127.0.0.1:{port}", "--workers", "1", factory],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                )
            )
        for port, server in zip(ports, servers, strict=True):
            _wait_for(server, port)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def _post_to(port: int, url: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", url, json.dumps(body()), {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_with_the_memory_store_each_process_counts_alone(app: Flask, database_url: str) -> None:
    """What Redis is for: with the default `swept-memory://`, two hosts let twice the limit through."""
    url = _open_series(app)
    with _two_web_hosts(database_url, "swept-memory://", "test-deployment-memory") as (
        first,
        second,
    ):
        statuses = [_post_to(first, url) for _ in range(3)] + [
            _post_to(second, url) for _ in range(3)
        ]

    assert statuses == [201] * 6


def test_with_redis_every_process_shares_the_registration_limit(
    app: Flask, database_url: str, redis_prefix: tuple[Any, str]
) -> None:
    client, prefix = redis_prefix
    uri = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}?socket_connect_timeout=1&socket_timeout=1"
    url = _open_series(app)
    with _two_web_hosts(database_url, uri, prefix) as (first, second):
        statuses = [_post_to(first, url), _post_to(first, url), _post_to(second, url)]
        refused = [_post_to(second, url), _post_to(first, url)]

    assert statuses == [201, 201, 201]
    assert refused == [429, 429]
    assert list(client.scan_iter(match=f"*{prefix}*"))  # the counter lives in Redis


@pytest.fixture
def limiter_state() -> Iterator[None]:
    """The limiter is one object for every app of the process: leave it as it was found."""
    yield
    limiter._storage_dead = False


def test_with_redis_unreachable_registrations_go_on_limited_per_process(
    app: Flask, database_url: str, limiter_state: None
) -> None:
    """Redis down answers no request with a 500: the limits fall back to this process's memory
    (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) until Redis answers again."""
    unreachable = make_test_app(
        database_url,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0?socket_connect_timeout=1&socket_timeout=1",
        REGISTRATION_RATE_LIMIT="2 per minute",
    )
    url = _open_series(unreachable)
    api = unreachable.test_client()

    assert [api.post(url, json=body()).status_code for _ in range(3)] == [201, 201, 429]
