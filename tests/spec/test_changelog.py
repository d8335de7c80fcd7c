"""The contract's version and its changelog agree (spec/CHANGELOG.md states the convention)."""

from __future__ import annotations

import re

from tests.conftest import REPO
from tests.spec.schema import spec

CHANGELOG = REPO / "spec" / "CHANGELOG.md"
RELEASE_HEADING = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", re.MULTILINE)


def released_versions() -> list[str]:
    return RELEASE_HEADING.findall(CHANGELOG.read_text())


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def test_info_version_has_a_changelog_entry() -> None:
    version = spec()["info"]["version"]

    assert version in released_versions(), (
        f"info.version {version} has no '## [{version}] - YYYY-MM-DD' heading in spec/CHANGELOG.md"
    )


def test_info_version_is_the_newest_release() -> None:
    assert spec()["info"]["version"] == max(released_versions(), key=_key)


def test_changelog_keeps_an_unreleased_section() -> None:
    assert "\n## [Unreleased]\n" in CHANGELOG.read_text()
