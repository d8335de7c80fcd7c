"""The fault-injection suite: whole runs against the emulator while it misbehaves.

Run it alone with ``pytest -m reliability``. At the end, pytest prints how many faults were
injected and survived, how many runs completed and how many result lines were checked.
"""

from __future__ import annotations

import pytest

from tests.reliability.tally import TALLY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY.runs or TALLY.faults:
        terminalreporter.write_sep("-", "fault injection")
        terminalreporter.write_line(TALLY.summary())
