"""Guards for running the app beyond a developer's machine; used by `create_app` and by
gunicorn's configuration (deploy/gunicorn.conf.py), which imports this module.

- The development secret key (config.DEVELOPMENT_SECRET_KEY) is public: anyone could sign a
  session or a private link with it. A server that others can reach refuses to start with it.
- Access logs never hold the tokens of private links (`mask_tokens`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

import click

from config import DEVELOPMENT_SECRET_KEY

#: Paths whose next segment is a secret: the manage link and its read-only twin, the
#: verification link, a staff password reset, the registration API.
_TOKEN_PATH = re.compile(r"(/r/view/|/r/|/verify/|/login/reset/|/api/v1/registrations/)[^/?#\s\"]+")


class DevelopmentSecretRefused(SystemExit):
    """The server would be reachable by others with the public development key."""

    def __init__(self, address: str) -> None:
        super().__init__(
            f"Refusing to start: the server is bound to {address}, beyond this machine, and "
            "SECRET_KEY is the public development key. Set SECRET_KEY to a long random value "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))") or bind to '
            "127.0.0.1."
        )


def host_of(address: str) -> str:
    """The host of a bind address: `0.0.0.0:8000`, `[::]:8000`, `unix:/run/x.sock`, `::1`."""
    if address.startswith("unix:"):
        return "localhost"
    if address.startswith("["):
        return address[1 : address.index("]")]
    if address.count(":") == 1:
        return address.split(":", 1)[0]
    return address


def is_loopback(host: str) -> bool:
    """Whether only this machine reaches `host` (a unix socket counts as local)."""
    if host in ("", "localhost"):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_development_secret(secret_key: object, addresses: Iterable[str]) -> None:
    """Raise `DevelopmentSecretRefused` if the development key would serve a non-local bind."""
    if secret_key != DEVELOPMENT_SECRET_KEY:
        return
    for address in addresses:
        if not is_loopback(host_of(address)):
            raise DevelopmentSecretRefused(address)


def flask_run_addresses() -> list[str]:
    """The host `flask run --host ...` is about to bind, when the app is built by that command
    (its click context holds the option); else nothing."""
    context = click.get_current_context(silent=True)
    while context is not None:
        if context.info_name == "run" and "host" in context.params:
            return [str(context.params["host"])]
        context = context.parent
    return []


def mask_tokens(text: str) -> str:
    """`text` with every private-link token replaced by `***` (for access logs)."""
    return _TOKEN_PATH.sub(r"\1***", text)
