"""gunicorn on one web host: `gunicorn -c deploy/gunicorn.conf.py` (docs/deployment.md).

Every web host runs the same file; what differs between hosts comes from the environment
(the systemd units' EnvironmentFile, /etc/webinars/env, made from deploy/.env.example):

- `GUNICORN_BIND`: the address nginx reaches this host on (default 127.0.0.1:8000);
- `WEB_CONCURRENCY`: the number of workers (default 2 x cores + 1);
- `FORWARDED_ALLOW_IPS`: the addresses of the nginx hosts (gunicorn's own variable): only
  they may set X-Forwarded-Proto. The app itself takes the client address and scheme from
  the forwarded headers through `TRUSTED_PROXIES` (webinars/proxy.py);
- `GUNICORN_LOG_LEVEL`, `GUNICORN_ACCESS_LOG`: see the logs below.

Command-line options win over this file (`--bind`, `--workers`, the app as an argument).
"""

import multiprocessing
import os
from pathlib import Path

from gunicorn import glogging

from config import CONFIGS
from webinars.deployment import mask_tokens, refuse_development_secret

wsgi_app = "webinars:create_app()"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: one request at a time per process, so a worker needs one database connection
# and a request never waits on another one's Python code. nginx buffers requests and answers,
# so a slow client does not hold a worker.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))

# The slowest request is a participant list as PDF (3 s for 10,000 rows, docs/performance.md);
# past `timeout` the worker is killed and nginx answers 502. nginx's proxy_read_timeout is
# longer, so gunicorn's limit is the one that applies.
timeout = 60
graceful_timeout = 30  # SIGTERM / `systemctl reload`: requests in flight may finish

# A fresh worker now and then, staggered, in case anything grows over millions of requests.
max_requests = 1000
max_requests_jitter = 100

# Only nginx's addresses may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Errors to standard error: journald keeps them (`journalctl -u webinars-web`). No access log
# by default: nginx keeps one, with the tokens of private links masked (nginx.conf).
# GUNICORN_ACCESS_LOG=- turns this one on, e.g. to debug one host: `MaskingLogger` masks the
# tokens in it the same way (webinars.deployment.mask_tokens).
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


class MaskingLogger(glogging.Logger):
    """gunicorn's logger, with private-link tokens masked in every access-log field that may
    hold the request's path (path, query, request line, Referer)."""

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "q", "r", "f", "{referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = mask_tokens(atoms[key])
        return atoms


logger_class = MaskingLogger


def on_starting(server):  # type: ignore[no-untyped-def]
    """Refuse to serve beyond this machine with the public development secret key."""
    secret = CONFIGS[os.environ.get("WEBINARS_CONFIG", "development")].SECRET_KEY
    refuse_development_secret(secret, server.cfg.bind)


# The workers' heartbeat files in memory, not on a disk that may stall (gunicorn's advice).
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

# systemd sends the signals (reload: HUP, stop: TERM); no control socket in $HOME, which
# would also clash between two gunicorn instances of one user.
control_socket_disable = True
