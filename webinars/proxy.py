"""Running behind reverse proxies: the client's address and scheme from X-Forwarded-For/-Proto.

`TRUSTED_PROXIES` is the number of proxies in front of the app that append to those headers
(nginx alone: 1; a load balancer in front of nginx: 2). Werkzeug's ProxyFix then takes the
client address that many hops from the right of X-Forwarded-For, so values a client writes
itself at the left are ignored, and the scheme from X-Forwarded-Proto (Secure cookies, `https`
in external URLs). 0, the default, means nobody is in front: the headers are ignored and a
client cannot forge its address to escape the rate limits or the audit log.

The Host header is not taken from X-Forwarded-Host: the proxy passes the original Host on
(`proxy_set_header Host $host`), and links in e-mails use `PUBLIC_BASE_URL` anyway.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

#: `app.extensions` key, so that a second `init_app` does not strip a second hop.
EXTENSION = "webinars.proxy"


def trusted_proxies(app: Flask) -> int:
    """The configured number of proxies; refuses anything but a whole number from 0 up."""
    value = app.config.get("TRUSTED_PROXIES", 0)
    try:
        hops = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"TRUSTED_PROXIES must be a whole number, not {value!r}") from None
    if hops < 0:
        raise ValueError(f"TRUSTED_PROXIES must be 0 or more, not {hops}")
    return hops


def init_app(app: Flask) -> None:
    """Wrap the app in ProxyFix when `TRUSTED_PROXIES` is above 0 (once per app)."""
    hops = trusted_proxies(app)
    if hops == 0 or EXTENSION in app.extensions:
        return
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.extensions[EXTENSION] = hops
