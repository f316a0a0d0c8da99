"""Keeping the directory: entries, confirmation, the twelve-month reminder, the XLSX import.

Services flush and never commit. A fixed number of queries whatever the number of entries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from dateutil.relativedelta import relativedelta
from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from webinars.accounts.models import StaffRole, User
from webinars.authorities.labels import TOPIC
from webinars.authorities.models import DirectoryEntry, Topic
from webinars.catalog.collation import sort_key
from webinars.catalog.models import WorkingGroup
from webinars.extensions import db
from webinars.folding import fold_name
from webinars.i18n import current_language
from webinars.mail.models import OutboxMessage
from webinars.mail.outbox import enqueue_template
from webinars.registration.delegation import RowError
from webinars.registration.delegation_reminders import language_of
from webinars.registration.services import RegistrationError, normalize_email
from webinars.types import utcnow
from webinars.web import external_url

#: An entry not confirmed for this long is flagged, and its focal points reminded.
STALE_AFTER = relativedelta(months=12)
#: A stale entry is reminded about again after this long without a confirmation.
REMIND_AGAIN_AFTER = relativedelta(days=30)
#: The kind of the reminder in the outbox.
KIND = "directory.reminder"
LANGUAGES = ("es", "en")
MAX_LENGTHS = {
    "first_name": 100,
    "last_name": 100,
    "position": 200,
    "institution": 200,
    "phone": 50,
}
#: The import's columns, in the export's order.
COLUMNS = (
    "first_name",
    "last_name",
    "position",
    "institution",
    "email",
    "phone",
    "languages",
    "topic",
    "working_group",
    "focal_point",
)
_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "first_name": ("first name", "first_name", "nombre", "nombres"),
    "last_name": ("last name", "last_name", "surname", "apellido", "apellidos"),
    "position": ("position", "cargo", "puesto"),
    "institution": ("institution", "institución", "entidad"),
    "email": ("e-mail", "email", "correo", "correo electrónico"),
    "phone": ("phone", "teléfono", "telefono"),
    "languages": ("languages", "idiomas", "language", "idioma"),
    "topic": ("topic", "tema"),
    "working_group": ("working group", "grupo de trabajo"),
    "focal_point": ("focal point", "punto focal"),
}
HEADERS = {fold_name(word): column for column, words in _HEADER_WORDS.items() for word in words}
_YES = {fold_name(w) for w in ("yes", "sí", "si", "x", "true", "1")}
_NO = {fold_name(w) for w in ("no", "false", "0", "")}


class DirectoryError(RegistrationError):
    """Refused input on one field of an entry (shown beside it, as registration errors)."""


@dataclass
class EntryData:
    """What a focal point types for an entry (or a row of an import)."""

    first_name: str
    last_name: str
    position: str
    institution: str
    email: str
    topic: str
    phone: str = ""
    languages: Sequence[str] = ("es",)
    working_group_code: str = ""
    is_focal_point: bool = False


def is_stale(entry: DirectoryEntry, now: datetime | None = None) -> bool:
    """Not confirmed for twelve months."""
    return entry.confirmed_at < (now or utcnow()) - STALE_AFTER


def is_member(email: str) -> bool:
    """Whether this address is in the directory (its people read it when they have an account)."""
    query = db.select(DirectoryEntry.id).where(DirectoryEntry.email == email.lower()).limit(1)
    return db.session.execute(query).first() is not None


def entries(country_code: str | None = None) -> list[DirectoryEntry]:
    """Every entry (or one country's), by country name, then surname and first name, in the
    reader's collation."""
    query = db.select(DirectoryEntry).options(
        selectinload(DirectoryEntry.country), selectinload(DirectoryEntry.working_group)
    )
    if country_code is not None:
        query = query.where(DirectoryEntry.country_code == country_code)
    language = current_language()
    return sorted(
        db.session.scalars(query),
        key=lambda e: (
            sort_key(e.country.t("name", language), language),
            sort_key(e.last_name, language),
            sort_key(e.first_name, language),
        ),
    )


def _groups() -> dict[str, WorkingGroup]:
    return {g.code: g for g in db.session.scalars(db.select(WorkingGroup))}


def _checked(
    data: EntryData, groups: Mapping[str, WorkingGroup]
) -> tuple[dict[str, str], str, Topic, list[str], WorkingGroup | None]:
    values: dict[str, str] = {}
    for name, limit in MAX_LENGTHS.items():
        value = (getattr(data, name) or "").strip()
        if name != "phone" and not value:
            raise DirectoryError(name, _l("This field is required."))
        if len(value) > limit:
            raise DirectoryError(name, _l("At most %(limit)d characters.", limit=limit))
        values[name] = value
    email = normalize_email(data.email or "")
    try:
        topic = Topic(data.topic)
    except ValueError:
        raise DirectoryError("topic", _l("Choose a topic from the list.")) from None
    languages = [code for code in LANGUAGES if code in set(data.languages)]
    if not languages or len(languages) != len(set(data.languages)):
        raise DirectoryError("languages", _l("Choose Spanish, English or both."))
    group = None
    if data.working_group_code:
        group = groups.get(data.working_group_code)
        if group is None:
            raise DirectoryError("working_group", _l("Choose a working group from the list."))
    return values, email, topic, languages, group


def _fill(entry: DirectoryEntry, data: EntryData, groups: Mapping[str, WorkingGroup]) -> None:
    values, email, topic, languages, group = _checked(data, groups)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.email = email
    entry.topic = topic
    entry.languages = ",".join(languages)
    entry.working_group = group
    entry.is_focal_point = bool(data.is_focal_point)


def _taken(country_code: str, email: str, but: int | None) -> bool:
    query = db.select(DirectoryEntry.id).where(
        DirectoryEntry.country_code == country_code, DirectoryEntry.email == email
    )
    if but is not None:
        query = query.where(DirectoryEntry.id != but)
    return db.session.execute(query).first() is not None


def save_entry(
    entry: DirectoryEntry | None, country_code: str, data: EntryData, *, now: datetime | None = None
) -> DirectoryEntry:
    """Create (entry None) or change an entry of `country_code`; saving confirms it."""
    target = entry or DirectoryEntry(country_code=country_code)
    _fill(target, data, _groups())
    if _taken(country_code, target.email, target.id):
        raise DirectoryError(
            "email", _l("This address is already in the directory of the country.")
        )
    confirm([target], now=now)
    db.session.add(target)
    db.session.flush()
    return target


def confirm(confirmed: Iterable[DirectoryEntry], *, now: datetime | None = None) -> None:
    """The entries are still right as of `now`: no longer flagged nor reminded."""
    moment = now or utcnow()
    for entry in confirmed:
        entry.confirmed_at = moment
        entry.reminded_at = None
    db.session.flush()


def delete_entry(entry: DirectoryEntry) -> None:
    db.session.delete(entry)
    db.session.flush()


# --- the reminder ------------------------------------------------------------------------------


def remind_stale(now: datetime | None = None) -> list[OutboxMessage]:
    """E-mail each country's active focal points the entries of their country not confirmed
    for twelve months, at most once every thirty days per entry; returns the messages."""
    moment = now or utcnow()
    due = list(
        db.session.scalars(
            db.select(DirectoryEntry)
            .where(
                DirectoryEntry.confirmed_at < moment - STALE_AFTER,
                or_(
                    DirectoryEntry.reminded_at.is_(None),
                    DirectoryEntry.reminded_at < moment - REMIND_AGAIN_AFTER,
                ),
            )
            .options(selectinload(DirectoryEntry.country))
            .order_by(DirectoryEntry.country_code, DirectoryEntry.last_name, DirectoryEntry.id)
        )
    )
    if not due:
        return []
    by_country: dict[str, list[DirectoryEntry]] = defaultdict(list)
    for entry in due:
        by_country[entry.country_code].append(entry)
    focal_points = list(
        db.session.scalars(
            db.select(User)
            .where(
                User.role == StaffRole.FOCAL_POINT,
                User.active.is_(True),
                User.country_code.in_(list(by_country)),
            )
            .order_by(User.email)
        )
    )
    messages = []
    for user in focal_points:
        assert user.country_code is not None
        stale = by_country[user.country_code]
        messages.append(
            enqueue_template(
                "directory_reminder",
                kind=KIND,
                to_address=user.email,
                to_name=user.name,
                language=language_of(user.country_code),
                user=user,
                country=stale[0].country,
                entries=stale,
                directory_url=external_url("staff.directory", country=user.country_code),
            )
        )
    # An entry of a country without a focal point yet waits: it is reminded once one exists.
    reminded = {m.to_address for m in messages}
    told = {user.country_code for user in focal_points if user.email in reminded}
    for entry in due:
        if entry.country_code in told:
            entry.reminded_at = moment
    db.session.flush()
    return messages


# --- the import --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


class ImportRejected(Exception):
    """At least one row was refused: nothing of the file was kept."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = list(errors)


def _header(records: list[list[str]]) -> tuple[int, dict[int, str]]:
    """The first line that names at least three known columns, and its columns."""
    for index, cells in enumerate(records[:20]):
        columns = {i: HEADERS[fold_name(c)] for i, c in enumerate(cells) if fold_name(c) in HEADERS}
        if len(columns) >= 3:
            return index, columns
    raise ImportRejected(
        [RowError(1, "file", _l("No header line: the export of the directory has one."))]
    )


def _topic_words() -> dict[str, str]:
    """A topic's code and its label in either language, folded -> its code."""
    words: dict[str, str] = {}
    for topic, label in TOPIC.items():
        words[fold_name(topic.value)] = topic.value
        for language in LANGUAGES:
            with force_locale(language):
                words[fold_name(str(label))] = topic.value
    return words


def _row_data(
    values: Mapping[str, str],
    topics: Mapping[str, str],
    group_words: Mapping[str, str],
    line: int,
    errors: list[RowError],
) -> EntryData:
    def refuse(field: str, message: str | LazyString) -> None:
        errors.append(RowError(line, field, message, values.get(field, "")))

    topic = topics.get(fold_name(values.get("topic", "")), "")
    if not topic:
        refuse("topic", _l("Choose a topic from the list."))
    languages = [
        {"espanol": "es", "spanish": "es", "ingles": "en", "english": "en"}.get(
            fold_name(w), fold_name(w)
        )
        for w in values.get("languages", "es").replace(";", ",").split(",")
        if w.strip()
    ]
    group_text = fold_name(values.get("working_group", ""))
    group = group_words.get(group_text, "") if group_text else ""
    if group_text and not group:
        refuse("working_group", _l("Choose a working group from the list."))
    focal = fold_name(values.get("focal_point", ""))
    if focal not in _YES and focal not in _NO:
        refuse("focal_point", _l("Write yes or no."))
    return EntryData(
        first_name=values.get("first_name", ""),
        last_name=values.get("last_name", ""),
        position=values.get("position", ""),
        institution=values.get("institution", ""),
        email=values.get("email", ""),
        topic=topic or Topic.OTHER.value,
        phone=values.get("phone", ""),
        languages=languages or ["es"],
        working_group_code=group,
        is_focal_point=focal in _YES,
    )


def import_records(
    country_code: str, records: list[list[str]], *, now: datetime | None = None
) -> ImportResult:
    """Create or update (by e-mail address) the entries of `country_code` from a sheet's
    records; every row or none: any refused row raises ImportRejected with every row's errors.
    The imported entries count as confirmed."""
    start, columns = _header(records)
    groups = _groups()
    group_words = {}
    for code, group in groups.items():
        for word in (code, group.name_en, group.name_es):
            group_words[fold_name(word)] = code
    topics = _topic_words()
    existing = {e.email: e for e in entries(country_code)}
    errors: list[RowError] = []
    planned: list[tuple[DirectoryEntry | None, EntryData, int]] = []
    seen: dict[str, int] = {}
    for offset, cells in enumerate(records[start + 1 :], start=start + 2):
        values = {
            column: (cells[i] if i < len(cells) else "").strip() for i, column in columns.items()
        }
        if not any(values.values()):
            continue
        row_errors: list[RowError] = []
        data = _row_data(values, topics, group_words, offset, row_errors)
        try:
            _checked(data, groups)
            email = normalize_email(data.email)
        except RegistrationError as error:
            row_errors.append(
                RowError(offset, error.field, error.message, values.get(error.field, ""))
            )
            email = ""
        if email and email in seen:
            row_errors.append(
                RowError(
                    offset, "email", _l("The same address is on line %(line)d.", line=seen[email])
                )
            )
        seen.setdefault(email, offset)
        errors += row_errors
        planned.append((existing.get(email), data, offset))
    if errors:
        raise ImportRejected(errors)
    saved = []
    for entry, data, _line in planned:
        target = entry or DirectoryEntry(country_code=country_code)
        _fill(target, data, groups)
        saved.append(target)
    db.session.add_all(saved)
    confirm(saved, now=now)
    created = sum(1 for entry, _data, _line in planned if entry is None)
    return ImportResult(created, len(planned) - created)


def delegation_rows(ids: Iterable[int], country_code: str | None) -> list[dict[str, str]]:
    """Rows of a delegation filled from the directory entries `ids` (of `country_code` only,
    for a focal point), in the directory's order: what the delegation form's rows hold."""
    wanted = set(ids)
    return [
        {
            "first_name": e.first_name,
            "last_name": e.last_name,
            "email": e.email,
            "institution": e.institution,
            "position": e.position,
            "language": e.language_list[0] if e.language_list else "es",
            "country": e.country_code,
        }
        for e in entries(country_code)
        if e.id in wanted
    ]
