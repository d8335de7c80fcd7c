"""The linter's ruleset (spec/redocly.yaml) hides nothing: no rule is a mere warning, and every rule
turned off, and every problem ignored, says why in a comment right above it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO

RULESET = REPO / "spec" / "redocly.yaml"
IGNORE_FILE = REPO / "spec" / ".redocly.lint-ignore.yaml"


def _severity(setting: Any) -> str:
    severity = setting["severity"] if isinstance(setting, dict) else setting
    return "off" if severity is False else str(severity)  # YAML 1.1 reads a bare `off` as false


def _comment_above(path: Path, line_text: str) -> str:
    """The comment lines directly above the first line of PATH that is LINE_TEXT (stripped)."""
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip() == line_text)
    comment: list[str] = []
    for line in reversed(lines[:index]):
        if not line.strip().startswith("#"):
            break
        comment.append(line.strip().lstrip("#").strip())
    return " ".join(reversed(comment))


def ruleset() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(RULESET.read_text())
    return loaded


def test_ruleset_starts_from_every_rule() -> None:
    assert ruleset()["extends"] == ["all"]


def test_no_rule_is_only_a_warning() -> None:
    severities = {name: _severity(s) for name, s in ruleset()["rules"].items()}

    assert set(severities.values()) <= {"error", "off"}, severities


def test_every_disabled_rule_says_why() -> None:
    disabled = [n for n, s in ruleset()["rules"].items() if _severity(s) == "off"]

    for name in disabled:
        assert len(_comment_above(RULESET, f"{name}: off")) > 40, f"{name} is off without a reason"


def test_every_ignored_problem_says_why() -> None:
    ignored: dict[str, dict[str, list[str]]] = yaml.safe_load(IGNORE_FILE.read_text())

    for rules in ignored.values():
        for pointers in rules.values():
            for pointer in pointers:
                reason = _comment_above(IGNORE_FILE, f"- '{pointer}'")
                assert len(reason) > 40, f"{pointer} is ignored without a reason"
