"""The compact sets behind the memory bound: ID sets merged fold by fold, results sorted with their
first reason, the removal log compacted as it goes; each gives what a plain Python set would."""

from __future__ import annotations

import random

import numpy as np
import pytest

from x_compliance.sweeps import decisions, ids
from x_compliance.sweeps.decisions import Decision, RemovalLog
from x_compliance.sweeps.ids import IdCollector, Verdicts

REMOVE = Decision("remove", "deleted", "self")
BY_AUTHOR = Decision("remove", "suspended", "author")
SCRUB = Decision("scrub_geo", "scrub_geo", "self")


def test_ids_added_across_many_folds_come_back_sorted_and_distinct(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a collector that folds every 1,000 IDs, fed batches that overlap and repeat
    monkeypatch.setattr(ids, "FOLD_EVERY", 1000)
    rng = np.random.default_rng(17)
    collector, expected = IdCollector(), set()
    for _ in range(40):
        batch = rng.integers(1, 60_000, 2500, dtype=np.uint64)
        collector.extend_array(batch)
        collector.extend_array(batch[:50])
        expected.update(batch.tolist())
    # then the sorted array holds each one once
    result = collector.sorted()
    assert result.dtype == np.uint64
    assert result.tolist() == sorted(expected)


def test_largest_ids_fold_without_loss() -> None:
    collector, largest = IdCollector(), 9_999_999_999_999_999_999  # 19 nines
    collector.extend_array(np.array([largest, 1, largest], dtype=np.uint64))
    collector.extend_array(np.array([2**64 - 1, 1], dtype=np.uint64))
    assert collector.sorted().tolist() == [1, largest, 2**64 - 1]


def test_results_keep_the_first_reason_of_an_id_given_twice() -> None:
    verdicts = Verdicts.from_results([(5, "deleted"), (3, "protected"), (5, "scrub_geo"), (1, "deleted")])
    assert verdicts.ids.tolist() == [1, 3, 5]
    assert dict(verdicts.items()) == {1: "deleted", 3: "protected", 5: "deleted"}
    codes = verdicts.lookup(np.array([5, 4, 1], dtype=np.uint64))
    assert [verdicts.reasons[c - 1] if c else None for c in codes.tolist()] == ["deleted", None, "deleted"]


def test_removal_log_compacted_as_it_goes_keeps_the_preferred_record_of_each_object(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given the same decisions logged into a log that compacts every 16 records and one that never does
    rng = random.Random(17)
    records = [
        (str(rng.randint(1, 40)), rng.choice(["post", "user"]), rng.choice([REMOVE, BY_AUTHOR, SCRUB]))
        for _ in range(2000)
    ]
    monkeypatch.setattr(decisions, "COMPACT_EVERY", 10**9)
    whole = RemovalLog()
    monkeypatch.setattr(decisions, "COMPACT_EVERY", 16)
    compacted = RemovalLog()
    for id_, kind, decision in records:
        whole.add(id_, kind, decision)  # type: ignore[arg-type]
        compacted.add(id_, kind, decision)  # type: ignore[arg-type]
    # then both give the same removals, and the compacted one holds about as many records as objects
    assert list(compacted.removals()) == list(whole.removals())
    assert len(compacted._ids) <= 2 * len(list(whole.removals())) + 16
    assert len(whole._ids) == 2000
