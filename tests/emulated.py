"""Helpers for tests that run against the in-process emulator: its results rule, computed here
independently of the emulator's own code, so that a test checks both sides."""

from __future__ import annotations

from collections.abc import Iterable

import x_compliance as xc

REASONS = {0: "deleted", 1: "suspended", 2: "protected"}


def expected_results(ids: Iterable[str | int], type: str) -> dict[str, tuple[str, bool]]:
    """DESIGN.md's rule: for each distinct id n in first-seen order, n % 10 == 0 deleted, 1
    suspended, 2 protected, 3 scrub_geo (tweets) or deactivated (users); others absent. The value
    is (reason, has redacted_at): redacted_at is omitted when n % 7 == 0."""
    expected: dict[str, tuple[str, bool]] = {}
    for raw in ids:
        key = str(raw).strip()
        if not key or key in expected:
            continue
        n = int(key)
        reason = {**REASONS, 3: "scrub_geo" if type == "tweets" else "deactivated"}.get(n % 10)
        if reason is not None:
            expected[key] = (reason, n % 7 != 0)
    return expected


def as_found(results: Iterable[xc.ComplianceResult]) -> dict[str, tuple[str, bool]]:
    """Results as a dict like ``expected_results``, in their order; fails on a duplicated id.
    Compare with ``assert_same`` to check the order too."""
    found: dict[str, tuple[str, bool]] = {}
    for result in results:
        assert result.id not in found, f"result for {result.id} delivered twice"
        assert result.action == "delete"
        found[result.id] = (str(result.reason), result.redacted_at is not None)
    return found


def assert_same(found: dict[str, tuple[str, bool]], expected: dict[str, tuple[str, bool]]) -> None:
    """Equal results, in the same (first-seen) order."""
    assert found == expected
    assert list(found) == list(expected), "results out of first-seen order"
