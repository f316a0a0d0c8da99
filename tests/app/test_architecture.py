"""The layering of the `webinars` packages, read from the source with `ast` (no app, no import).

A "package" here is a top-level name under `webinars/`: a package (`registration`) or a module
(`policy`, `signals`). Every import of a `webinars` module counts, at module level, inside a
function or under `if TYPE_CHECKING:`, as the architecture page's graph does.

1. No `webinars` import inside a function, except where Flask wants one (`ALLOWED_LATE_IMPORTS`):
   a package that must reach one above it sends a signal (`webinars.signals`).
2. The domain core never imports the delivery packages, nor `policy` and `web_loaders`.
3. The pairs that used to hide their cycle in a function import each other one way only.
4. Every other pair of packages that import each other is in `TWO_WAY_PAIRS`, with why: a new
   cycle fails here until it is broken or written down.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent / "webinars"

#: Modules (paths under webinars/, a trailing "/" for a whole folder) whose functions may import
#: `webinars` modules: the app factory, the registration of commands, blueprints and signal
#: receivers, and the demo loader.
ALLOWED_LATE_IMPORTS = (
    "__init__.py",  # create_app
    "extensions.py",  # init_app: every model for Alembic, the locale selector
    "cli.py",  # register_commands
    "api/__init__.py",  # register_api
    "demo/",
)

CORE = frozenset(
    {
        "catalog",
        "accounts",
        "series",
        "sessions",
        "registration",
        "attendance",
        "invitations",
        "mail",
        "reports",
        "audit",
        "privacy",
        "participation",
        "authorities",
        "evaluations",
        "materials",
        "submissions",
        "storage",
    }
)
DELIVERY = frozenset({"public", "staff", "api"})
#: Above the core too: who may see what (`policy`) and the views' loaders that apply it.
ABOVE_CORE = DELIVERY | {"policy", "web_loaders"}

#: Broken in issue 14: each pair now imports one way only.
BROKEN_PAIRS = (
    frozenset({"registration", "invitations"}),  # signals.registration_changed
    frozenset({"registration", "privacy"}),  # registration.anonymised
    # signals.capacity_changed; the figures of a series went to reports.series_dashboard and
    # deleting a profile someone registered with to registration.profiles.
    frozenset({"registration", "series"}),
    frozenset({"registration", "reports"}),  # webinars.exports
    frozenset({"mail", "invitations"}),  # webinars.worker
    # accounts.permissions became webinars.policy, above the domain (country_scope, which reads
    # the account alone, went to accounts.access); the series dashboard takes the visible query.
    frozenset({"accounts", "series"}),
    frozenset({"accounts", "registration"}),
)

#: The pairs that still import each other, each with the import that closes the cycle.
TWO_WAY_PAIRS = {
    # Sessions belong to a series (sessions -> series); the series services duplicate and
    # describe the sessions of a series, and the series model names them (type only).
    frozenset({"series", "sessions"}),
    # Invitations follow sessions (invitations -> sessions); changing a session's time, link
    # or speakers re-sends its invitations in the same transaction (sessions.services and
    # sessions.agenda call invitations.flow), as does a new link of the series (series.services).
    frozenset({"invitations", "sessions"}),
    frozenset({"invitations", "series"}),
    # Participants are made of registrations (participation -> registration); registering
    # links the new registration to its person (registration.services -> participation).
    frozenset({"participation", "registration"}),
    # Registration enqueues e-mails (registration -> mail); the outbox's helper for a
    # registrant takes a Registration (mail.outbox, type only).
    frozenset({"mail", "registration"}),
}


@dataclass(frozen=True)
class Import:
    source: str  # path under webinars/
    line: int
    target: str  # dotted module
    in_function: bool
    type_checking: bool


def _package(module: str) -> str:
    """`webinars.registration.seats` -> "registration"; `webinars` itself -> "(root)"."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(root)"


def _source_package(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return "(root)" if parts == ("__init__",) else parts[0]


def _targets(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "webinars"]
    if node.level or not node.module or node.module.split(".")[0] != "webinars":
        return []
    if node.module == "webinars":
        return [f"webinars.{a.name}" for a in node.names]
    return [node.module]


def _visit(
    node: ast.AST, path: Path, in_function: bool, type_checking: bool, out: list[Import]
) -> None:
    if isinstance(node, ast.Import | ast.ImportFrom):
        source = str(path.relative_to(ROOT))
        out.extend(
            Import(source, node.lineno, t, in_function, type_checking) for t in _targets(node)
        )
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        in_function = True
    if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
        for child in node.body:
            _visit(child, path, in_function, True, out)
        for child in node.orelse:
            _visit(child, path, in_function, type_checking, out)
        return
    for child in ast.iter_child_nodes(node):
        _visit(child, path, in_function, type_checking, out)


@cache
def _imports() -> tuple[Import, ...]:
    found: list[Import] = []
    for path in sorted(ROOT.rglob("*.py")):
        _visit(ast.parse(path.read_text(encoding="utf-8")), path, False, False, found)
    return tuple(found)


def _edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for imp in _imports():
        source, target = _source_package(ROOT / imp.source), _package(imp.target)
        if source != target:
            edges[(source, target)].append(f"{imp.source}:{imp.line}")
    return edges


def _two_way_pairs() -> dict[frozenset[str], list[str]]:
    edges = _edges()
    packages = sorted({p for edge in edges for p in edge})
    return {
        frozenset({a, b}): edges[(a, b)][:2] + edges[(b, a)][:2]
        for a, b in itertools.combinations(packages, 2)
        if (a, b) in edges and (b, a) in edges
    }


def test_the_source_is_read() -> None:
    assert len(_imports()) > 500
    assert ("registration", "series") in _edges()


def test_no_webinars_import_inside_a_function_outside_the_allowed_places() -> None:
    late = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in _imports()
        if imp.in_function
        and not imp.type_checking
        and not any(
            imp.source == allowed or (allowed.endswith("/") and imp.source.startswith(allowed))
            for allowed in ALLOWED_LATE_IMPORTS
        )
    ]
    assert late == [], "connect a receiver to a signal (webinars.signals) instead"


def test_the_domain_core_never_imports_the_delivery_packages_nor_the_policy() -> None:
    wrong = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in _imports()
        if _source_package(ROOT / imp.source) in CORE and _package(imp.target) in ABOVE_CORE
    ]
    assert wrong == []


def test_the_pairs_broken_in_issue_14_import_each_other_one_way_only() -> None:
    cycles = _two_way_pairs()
    assert {pair: cycles[pair] for pair in BROKEN_PAIRS if pair in cycles} == {}


def test_every_other_two_way_pair_is_written_down() -> None:
    cycles = _two_way_pairs()
    assert {pair: where for pair, where in cycles.items() if pair not in TWO_WAY_PAIRS} == {}, (
        "a new cycle: break it (a signal, or move the function to the package it belongs to)"
    )
    assert [sorted(pair) for pair in TWO_WAY_PAIRS if pair not in cycles] == [], (
        "a cycle was broken: remove it from TWO_WAY_PAIRS"
    )


#: A function longer than this is split into named steps (ruff counts statements and
#: branches; this counts lines, docstring included).
MAX_FUNCTION_LINES = 60


def test_no_function_is_longer_than_sixty_lines() -> None:
    long = []
    for path in sorted(ROOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {node.name}")
    assert long == []
