"""Compact ID sets: what the collector and the verdicts hold, and that importing the client does
not load them."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest

from x_compliance.sweeps import ids
from x_compliance.sweeps.ids import IdCollector, Verdicts


def test_collector_gives_every_distinct_id_sorted_across_many_folds(monkeypatch: pytest.MonkeyPatch) -> None:
    # given IDs with repeats, added in small batches so that many runs are made and merged
    monkeypatch.setattr(ids, "FOLD_EVERY", 1000)
    rng = random.Random(17)
    values = [rng.randrange(1, 10**19) for _ in range(20_000)] + [9_999_999_999_999_999_999, 1]
    values += values[:5000]
    collector = IdCollector()
    for start in range(0, len(values), 700):
        collector.extend_array(np.array(values[start : start + 700], dtype=np.uint64))
    # then they come back distinct and ascending, 8 bytes each
    result = collector.sorted()
    assert result.dtype == np.uint64
    assert result.tolist() == sorted(set(values))


def test_verdicts_look_up_reasons_and_keep_the_first_of_a_repeated_id() -> None:
    verdicts = Verdicts.from_results([(30, "deleted"), (11, "suspended"), (30, "protected"), (7, "bounced")])
    codes, at = verdicts.find(np.array([11, 12, 30, 7, 99], dtype=np.uint64))
    reasons = {
        id: reason for id, (reason, _) in verdicts.hits_at(["11", "12", "30", "7", "99"], codes, at).items()
    }
    assert reasons == {
        "11": "suspended",
        "30": "deleted",
        "7": "bounced",
    }


def test_importing_the_client_loads_neither_numpy_nor_sqlite3() -> None:
    code = (
        "import sys, x_compliance as xc; "
        "print('numpy' in sys.modules, 'sqlite3' in sys.modules); "
        "xc.sweep; print('numpy' in sys.modules, 'sqlite3' in sys.modules)"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.split() == ["False", "False", "True", "True"]


def test_an_id_with_several_results_takes_a_removal_over_a_geo_scrub() -> None:
    # given results where post 7 was geo-scrubbed, then deleted, and post 9 the other way round
    verdicts = Verdicts.from_results([(7, "scrub_geo"), (9, "suspended"), (7, "deleted"), (9, "scrub_geo")])

    # when their reasons are looked up
    codes = verdicts.lookup(np.array([7, 9], dtype=np.uint64))

    # then both are removals, whatever order the events came in
    assert [verdicts.reasons[code - 1] for code in codes.tolist()] == ["deleted", "suspended"]
