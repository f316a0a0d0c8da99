"""Security headers on every answer: pages, the API, files, errors.

The Content-Security-Policy allows scripts and styles from this site only: no inline script,
no inline style (templates use classes of static/css/app.css), so injected markup cannot run.
The outbox shows an e-mail's HTML in a sandboxed `srcdoc` frame, which inherits this policy:
no script runs there either.

A view may send its own value of any of these headers (the registrant's private pages send
`Referrer-Policy: same-origin`): it is kept.
"""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

#: Nothing here needs the camera, the microphone, the location, payments or USB devices.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """The headers above, and HSTS when `STRICT_TRANSPORT_SECURITY` is set (production)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    hsts = current_app.config.get("STRICT_TRANSPORT_SECURITY")
    if hsts:
        response.headers.setdefault("Strict-Transport-Security", hsts)
    return response
