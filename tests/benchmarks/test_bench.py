"""The benchmark cannot rot unseen: its judging rules, and one ``--quick`` run end to end.

The full run (``make bench``) takes minutes and is not part of the test suite.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks import _measure as m
from tests.benchmarks.bench import FIRST_ID, write_ids, write_results

BENCH = Path(__file__).with_name("bench.py")


def test_goal_met_is_met() -> None:
    figure = m.Figure("get_job", "x-compliance", "", "", 1.10, 0.02, m.Goal(1.15, at_most=True), 1.10)

    assert figure.verdict == "met" and not figure.failed


def test_goal_missed_within_noise_does_not_fail() -> None:
    figure = m.Figure("get_job", "x-compliance", "", "", 1.18, 0.05, m.Goal(1.15, at_most=True), 1.18)

    assert figure.verdict == "missed, within noise" and not figure.failed


def test_goal_missed_beyond_noise_fails() -> None:
    figure = m.Figure("iter_results", "x-compliance", "", "", 0.5, 0.05, m.Goal(0.6, at_most=False), 0.5)

    assert figure.verdict == "MISSED" and figure.failed


def test_noise_shrinks_with_more_rounds() -> None:
    few = m.median_noise([1.0, 1.1, 1.2, 1.3])
    many = m.median_noise([1.0, 1.1, 1.2, 1.3] * 25)

    assert few == pytest.approx(1.57 * 0.15 / 2)
    assert many == pytest.approx(few / 5)


def test_rate_ratio_is_the_inverse_of_the_time_ratio() -> None:
    paired = m.Paired(ours=[2.0, 4.0, 3.0], baseline=[1.0, 2.0, 1.5])

    assert paired.ratio_and_noise(rate=False)[0] == 2.0
    assert paired.ratio_and_noise(rate=True)[0] == 0.5


def test_rounds_rotate_who_goes_first() -> None:
    order: list[str] = []
    blocks = {name: (lambda name=name: order.append(name) or 0.0) for name in "abc"}

    m.interleave(blocks, rounds=3)

    assert order == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]


def test_generated_files_hold_what_they_say(tmp_path: Path) -> None:
    import x_compliance as xc
    from x_compliance.results import LineReader

    write_ids(tmp_path / "ids", 1000)
    write_results(tmp_path / "results", 1000)

    ids = (tmp_path / "ids").read_bytes().split()
    reader = LineReader()
    results = [*reader.feed((tmp_path / "results").read_bytes()), *reader.finish()]
    assert len(ids) == 1000 and ids[0] == str(FIRST_ID).encode() and all(len(i) == 19 for i in ids)
    assert len(results) == 1000 and all(isinstance(r, xc.ComplianceResult) for r in results)
    assert sum(r.redacted_at is None for r in results) == 143  # one line in seven


@pytest.mark.timeout(90)
def test_quick_run_prints_every_figure_and_exits_by_its_verdicts() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--no-peers"],
        capture_output=True,
        text=True,
        timeout=80,
        check=False,
    )

    assert done.returncode in (0, 1), done.stderr[-2000:]
    table = done.stdout
    for case in [
        "get_job (sync)",
        "list_jobs (sync)",
        "get_job (async)",
        "list_jobs (async)",
        "iter_results",
        "download_results",
        "upload_ids",
        "iter_results peak RSS growth",
        "download_results peak RSS growth",
        "upload_ids peak RSS growth",
        "run_job peak RSS",
        "upload_ids via emulator peak RSS",
        "import x_compliance",
        "sweep gather (flat",
        "sweep apply (pages",
        "sweep gather peak RSS, ",
        "sweep apply peak RSS growth",
    ]:
        assert re.search(rf"^\| {re.escape(case)}.* \| x-compliance", table, re.MULTILINE), case
    assert (done.returncode == 1) == ("| MISSED" in table)
