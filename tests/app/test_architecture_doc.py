"""`docs/architecture.md` names every package and top-level module the tree has, and no other."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
TREE = DOC.split("## The tree", 1)[1].split("## Where does X live", 1)[0]


def _named_in_tree() -> set[str]:
    """The packages (`name/`) and modules (`name.py`) the tree lists directly under webinars/:
    its lines indented by two spaces (deeper lines describe what is inside)."""
    webinars = TREE.split("\nwebinars/", 1)[1].split("\ntemplates/", 1)[0]
    names: set[str] = set()
    for line in webinars.splitlines():
        if not line.startswith("  ") or line.startswith("   ") or line.startswith("  --"):
            continue
        entry = line[2:].split("  ", 1)[0]
        names |= {name.strip().removesuffix("/").removesuffix(".py") for name in entry.split(",")}
    return names


def test_the_tree_in_the_architecture_page_is_the_tree_on_disk() -> None:
    package = ROOT / "webinars"
    on_disk = {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    on_disk |= {p.stem for p in package.glob("*.py")}
    named = _named_in_tree()
    assert on_disk - named == set(), "in the tree, missing from docs/architecture.md"
    assert named - on_disk == set(), "in docs/architecture.md, not in the tree"


def test_every_module_the_architecture_page_points_to_exists() -> None:
    for path in set(re.findall(r"`([a-z_]+(?:/[a-z_]+)*\.py)`", DOC)):
        found = (ROOT / "webinars" / path).exists() or (ROOT / path).exists()
        found = found or any((ROOT / "webinars").rglob(path))  # a bare name, inside a package
        assert found, path
