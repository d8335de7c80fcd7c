"""`make languages` (tests/languages/run.py) fails when any cell of its table is red."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.languages import run

ALL_OK = "".join(f"{check}\tok\n" for check in run.CHECKS)


def _targets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *outputs: str | run.BuildFailed) -> None:
    def program(output: str | run.BuildFailed) -> Callable[[], str]:
        def target_run() -> str:
            if isinstance(output, run.BuildFailed):
                raise output
            return output

        return target_run

    targets = tuple(
        run.Target(f"lang{i}", f"generator{i}", "flag", program(output)) for i, output in enumerate(outputs)
    )
    monkeypatch.setattr(run, "TARGETS", targets)
    monkeypatch.setattr(run, "SCRATCH", tmp_path)
    monkeypatch.setattr(run, "REAL_RESPONSES", tmp_path)


def test_given_every_check_ok_when_run_then_it_passes_and_writes_the_table(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _targets(monkeypatch, tmp_path, ALL_OK, ALL_OK)

    assert run.main([]) == 0
    table = (tmp_path / "table.md").read_text().splitlines()
    assert len(table) == 4 and "**FAIL**" not in "".join(table)


def test_given_one_failing_check_when_run_then_it_fails_and_marks_that_cell(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _targets(monkeypatch, tmp_path, ALL_OK.replace("timestamps\tok", "timestamps\tFAIL: read as 0 ms"))

    assert run.main([]) == 1
    row = (tmp_path / "table.md").read_text().splitlines()[2].split(" | ")
    assert row[3 + run.CHECKS.index("timestamps")] == "**FAIL**"
    assert row.count("**FAIL**") == 1
    assert "timestamps: FAIL: read as 0 ms" in capsys.readouterr().out


def test_given_a_check_that_printed_nothing_when_run_then_its_cell_is_red(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _targets(monkeypatch, tmp_path, ALL_OK.replace("unknown reason\tok\n", ""))

    assert run.main([]) == 1


def test_given_a_target_that_does_not_build_when_run_then_its_whole_row_is_red(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _targets(monkeypatch, tmp_path, ALL_OK, run.BuildFailed("javac exited 1: package does not exist"))

    assert run.main([]) == 1
    rows = (tmp_path / "table.md").read_text().splitlines()
    assert "**FAIL**" not in rows[2]
    assert rows[3].count("**FAIL**") == len(run.CHECKS)
    assert "package does not exist" in capsys.readouterr().out


def test_our_generated_client_passes_every_language_check(real_responses: Path) -> None:
    """The Python row of the table, from the committed generated/ package (no generator needed)."""
    answer = subprocess.run(
        [
            sys.executable,
            REPO / "tests" / "languages" / "python" / "client_check.py",
            real_responses,
            run.CASES,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO / "tests" / "languages" / "python")},
    )

    assert run.cells(answer.stdout) == dict.fromkeys(run.CHECKS, "ok"), answer.stdout
