"""Hostile request bodies: a size limit per endpoint and a JSON reader with bounded work.

Werkzeug reads at most `request.max_content_length` bytes of a body and answers 413 past it
(before reading it, when the client announces its length). The app-wide `MAX_CONTENT_LENGTH`
is sized for uploads; everything else gets a much smaller limit, applied before anything reads
the body (the CSRF check reads forms first):

- API calls (`/api/`): `API_BODY_MAX_BYTES` (a registration is a few hundred bytes);
- the endpoints of `SMALL_FORMS` (the public forms and log-in): `SMALL_FORM_MAX_BYTES`;
- other form posts that are not uploads: `FORM_BODY_MAX_BYTES`, except those of `UPLOAD_FORMS`
  (an attendance report goes back in a hidden field between preview and import), which keep
  `MAX_CONTENT_LENGTH` like the uploads themselves.

`load_json` then reads a body whose size is already bounded, and refuses (with `BodyRefused`,
answered 422 by the API) nesting deeper than `JSON_MAX_DEPTH` and integers longer than
`JSON_MAX_INT_DIGITS` digits, before Python's parser would raise RecursionError or ValueError
(its 4,300-digit int limit) as a 500.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, current_app, request
from flask_babel import gettext as _

#: Deepest nesting of arrays and objects a body may have (ours has 2: an object and a list).
JSON_MAX_DEPTH = 20
#: Longest integer a body may hold (ids are at most 10 digits).
JSON_MAX_INT_DIGITS = 20


class BodyRefused(ValueError):
    """A JSON body refused before it is parsed: too deep, or a number too long."""


#: Forms anyone may post, whose honest body is well under a kilobyte or two.
SMALL_FORMS = frozenset(
    {
        "registration.register",
        "registration.resend_link",
        "registration.resend_any_link",
        "registration.manage",
        "registration.details",
        "registration.cancel",
        "registration.delete",
        "accounts.login",
        "accounts.forgot_password",
        "accounts.reset_password",
        "accounts.two_factor",
        "accounts.unlock",
    }
)
#: Forms that carry an uploaded file back (base64 in a hidden field), as large as an upload.
UPLOAD_FORMS = frozenset({"staff.attendance_preview", "staff.attendance_import"})


def init_app(app: Flask) -> None:
    """Runs first among the app's before-request functions: before the CSRF check reads a
    form, the limit is in place."""
    app.before_request_funcs.setdefault(None, []).insert(0, _apply_limit)


def _apply_limit() -> None:
    config = current_app.config
    if request.endpoint in SMALL_FORMS:
        limit = config["SMALL_FORM_MAX_BYTES"]
    elif request.path.startswith("/api/"):
        limit = config["API_BODY_MAX_BYTES"]
    elif request.mimetype == "multipart/form-data" or request.endpoint in UPLOAD_FORMS:
        return  # uploads: MAX_CONTENT_LENGTH, and each upload view's own limit
    else:
        limit = config["FORM_BODY_MAX_BYTES"]
    request.max_content_length = min(limit, config.get("MAX_CONTENT_LENGTH") or limit)


def check_structure(text: str) -> None:
    """One pass over the text: refuse nesting past `JSON_MAX_DEPTH` and digit runs (outside
    strings) longer than `JSON_MAX_INT_DIGITS`. Linear in the text, never recursive."""
    depth = 0
    digits = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char.isdigit():
            digits += 1
            if digits > JSON_MAX_INT_DIGITS:
                raise BodyRefused(_("A number has more than %(n)d digits.", n=JSON_MAX_INT_DIGITS))
            continue
        digits = 0
        if char in "[{":
            depth += 1
            if depth > JSON_MAX_DEPTH:
                raise BodyRefused(
                    _("The body is nested more than %(n)d levels deep.", n=JSON_MAX_DEPTH)
                )
        elif char in "]}":
            depth -= 1
        elif char == '"':
            in_string = True


def load_json(data: bytes) -> Any:
    """The JSON value of a body already bounded in size; `BodyRefused` for a hostile shape,
    `json.JSONDecodeError` (a ValueError) for what is not JSON."""
    text = data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode()
    check_structure(text)
    return json.loads(text)
