"""The import rules that keep the layout honest (see ARCHITECTURE.md).

Every import in every module is read from its source (function-level imports included), so
a rule cannot be broken by importing lazily.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "followthrough"

# The pure core: no network, no database, no NLP, no command line, however indirectly.
PURE_CORE = (
    "followthrough.config.model",
    "followthrough.config.oauth2_settings",
    "followthrough.config.reader",
    "followthrough.config.durations",
    "followthrough.sync.plan",
    "followthrough.checkins.planning",
    "followthrough.checkins.relationship",
    "followthrough.checkins.item_status",
    "followthrough.checkins.talking_points",
    "followthrough.checkins.thread_choice",
    "followthrough.checkins.draft_text",
    "followthrough.checkins.reported_questions",
    "followthrough.checkins.draft_message",
    "followthrough.checkins.flowed",
    "followthrough.checkins.draft_changes",
    "followthrough.checkins.voice",
    "followthrough.checkins.phrasing",
    "followthrough.mail.address_syntax",
    "followthrough.mail.salutations",
    "followthrough.mail.non_person",
    "followthrough.mail.questions",
    "followthrough.mail.reader_feelings",
)
EDGE_LIBRARIES = ("imapclient", "sqlite3", "spacy", "mailparser", "keyring", "socket", "ssl")
EDGE_MODULES = ("followthrough.cli", "followthrough.state", "followthrough.service",
                "followthrough.mail.imap_source", "followthrough.service.idle_watch",
                "followthrough.checkins.review_folder", "followthrough.checkins.drafting",
                "followthrough.checkins.follow_up")

# What each part may not import (prefixes of module names).
FORBIDDEN = {
    "followthrough.config": ("followthrough.mail", "followthrough.sync", "followthrough.state",
                             "followthrough.extraction", "followthrough.checkins",
                             "followthrough.service", "followthrough.cli"),
    "followthrough.mail": ("followthrough.state", "followthrough.extraction",
                           "followthrough.checkins", "followthrough.service",
                           "followthrough.cli", "followthrough.sync.engine",
                           "followthrough.sync.service"),
    "followthrough.extraction": ("followthrough.state", "followthrough.sync",
                                 "followthrough.checkins", "followthrough.service",
                                 "followthrough.cli", "followthrough.mail.imap_source",
                                 "followthrough.service.idle_watch", "imapclient", "sqlite3"),
    "followthrough.state": ("followthrough.service", "followthrough.cli",
                            "followthrough.sync.engine", "followthrough.sync.service",
                            "followthrough.mail.imap_source", "followthrough.checkins.drafting",
                            "followthrough.checkins.review_folder",
                            "followthrough.checkins.follow_up", "spacy", "imapclient"),
    "followthrough.sync": ("followthrough.service", "followthrough.cli",
                           "followthrough.checkins", "spacy"),
    "followthrough.checkins": ("followthrough.service", "followthrough.cli",
                               "followthrough.sync", "spacy"),
    "followthrough.service": ("followthrough.cli",),
    "followthrough.oauth2": ("followthrough.mail", "followthrough.sync", "followthrough.state",
                             "followthrough.extraction", "followthrough.checkins",
                             "followthrough.service", "followthrough.cli", "imapclient"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # "from followthrough.cli import base" imports followthrough.cli.base
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def closure(start: str, modules: dict[str, Path]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in modules:
            todo.extend(imports_of(modules[name]))
    return seen


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_every_core_module_exists() -> None:
    modules = all_modules()
    assert set(PURE_CORE) <= set(modules)


@pytest.mark.parametrize("core", PURE_CORE)
def test_pure_core_imports_no_edge(core: str) -> None:
    reached = closure(core, all_modules())
    bad = sorted(name for name in reached
                 if any(under(name, edge) for edge in EDGE_LIBRARIES + EDGE_MODULES))
    assert not bad, f"{core} reaches {bad}"


def test_parts_import_only_what_they_may() -> None:
    problems = []
    for name, path in sorted(all_modules().items()):
        for part, forbidden in FORBIDDEN.items():
            if not under(name, part):
                continue
            for imported in sorted(imports_of(path)):
                if any(under(imported, f) for f in forbidden):
                    problems.append(f"{name} imports {imported}")
    assert not problems, "\n".join(problems)


def test_the_rules_can_fail(tmp_path: Path) -> None:
    """The checker sees a function-level import of a forbidden module."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from followthrough.cli import base\n    import sqlite3\n")
    assert {"followthrough.cli", "followthrough.cli.base", "sqlite3"} <= imports_of(sample)
