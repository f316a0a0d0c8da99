"""What an outbox message says: stored when it was enqueued, or rendered when it is read.

Most messages are rendered when they are enqueued and stored whole (`outbox.enqueue`). The
messages of the registration path (the receipt, the calendar invitations, their updates and
cancellations) are *deferred*: the request writes a small row (kind, recipient, registration
or session, language, the SEQUENCE it stood at) and names the renderer that writes it later,
from what the database says then. So a request holding the series lock renders nothing, a
name corrected before delivery is the name sent, and an invitation carries the session's
time and SEQUENCE as they are when it goes out.

Renderers are registered by the domains that own the texts (`registration.notifications`,
`invitations.flow`) under a name stored in `OutboxMessage.renderer`. The delivery worker
renders each deferred message once, sends it, and stores what it sent (`freeze`): from then
on the row is an ordinary stored message, and a re-send sends the same text.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from webinars.mail.models import OutboxMessage


@dataclass(frozen=True)
class Rendered:
    """The written parts of one message."""

    subject: str
    body_text: str
    body_html: str
    to_name: str
    #: The iCalendar body of a calendar message, and the SEQUENCE it carries.
    ical: str = ""
    ical_sequence: int | None = None


class CannotRender(LookupError):
    """What a deferred message was about is gone (a deleted registration or session)."""


Renderer = Callable[["OutboxMessage"], Rendered]
T = TypeVar("T")

#: What the renderers of one delivery batch share (`shared_reads`); None outside a batch.
_shared: ContextVar[dict[Hashable, Any] | None] = ContextVar("outbox_shared_reads", default=None)
#: The messages a delivery worker has claimed and is sending, and what their renderers read
#: for them (`delivering`); None outside.
_claim: ContextVar[tuple[Sequence[OutboxMessage], dict[Hashable, Any]] | None] = ContextVar(
    "outbox_claim", default=None
)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Inside the block, `shared` loads each key once: the delivery worker opens one per
    pass of at most `batch` messages (well under a second), so the invitations of one session
    read its agenda and speakers once instead of once per message."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


@contextmanager
def delivering(messages: Sequence[OutboxMessage]) -> Iterator[None]:
    """The messages a delivery worker has just claimed and is about to send, one by one: a
    renderer may read what belongs to each of their recipients (their name, link, zone) in
    one query for all of them (`batch_of`, `claim_shared`), a fraction of a second before
    each send."""
    token = _claim.set((messages, {}))
    try:
        yield
    finally:
        _claim.reset(token)


def batch_of(message: OutboxMessage) -> Sequence[OutboxMessage]:
    """The claimed messages `message` is one of (`delivering`), else the message alone."""
    claim = _claim.get()
    if claim is None or not any(m is message for m in claim[0]):
        return (message,)
    return claim[0]


def claim_shared(key: Hashable, load: Callable[[], T]) -> T:
    """`load()`, or what it returned for `key` earlier for the same claimed messages
    (`delivering`): what belongs to their recipients is read once per claim, never kept for
    the next one."""
    claim = _claim.get()
    if claim is None:
        return load()
    cache = claim[1]
    if key not in cache:
        cache[key] = load()
    return cache[key]


def shared(key: Hashable, load: Callable[[], T]) -> T:
    """`load()`, or what it returned for `key` earlier in the same `shared_reads` block."""
    cache = _shared.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


_RENDERERS: dict[str, Renderer] = {}


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register the function that writes the deferred messages whose `renderer` is `name`."""

    def register(function: Renderer) -> Renderer:
        _RENDERERS[name] = function
        return function

    return register


def renderer_names() -> frozenset[str]:
    return frozenset(_RENDERERS)


def render(message: OutboxMessage) -> Rendered:
    """The message's parts: the stored ones, or freshly rendered for a deferred message.

    Raises CannotRender when a deferred message's registration or session is gone.
    """
    if not message.renderer:
        return Rendered(
            subject=message.stored_subject,
            body_text=message.stored_text,
            body_html=message.stored_html,
            to_name=message.to_name,
            ical=message.stored_ical,
            ical_sequence=message.stored_sequence,
        )
    try:
        function = _RENDERERS[message.renderer]
    except KeyError:
        # A programming error (the module registering it was not imported), not bad data.
        raise RuntimeError(f"no renderer named {message.renderer!r}") from None
    return function(message)


def freeze(message: OutboxMessage, rendered: Rendered | None = None) -> None:
    """Store the message's rendered parts on its row: it stops being deferred.

    The worker does this with what it sent; a service does it before deleting what a pending
    deferred message is about (a registration, a session, a speaker), so the message can
    still be sent. Does not flush.
    """
    if not message.renderer:
        return
    rendered = rendered or render(message)
    message.stored_subject = rendered.subject
    message.stored_text = rendered.body_text
    message.stored_html = rendered.body_html
    message.to_name = rendered.to_name
    message.stored_ical = rendered.ical
    message.stored_sequence = rendered.ical_sequence
    message.session_sequence = None
    message.renderer = ""


def freeze_all(messages: Iterable[OutboxMessage]) -> None:
    """`freeze` each pending deferred message of `messages`."""
    for message in messages:
        freeze(message)
