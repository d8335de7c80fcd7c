"""The README's commands, run in order as a new user would, so that the README cannot drift.

Every block tagged ```sh runs in bash, every block tagged ```python in a fresh Python, in the order
they appear, in one scratch folder, with ``x-compliance`` (this environment's) on PATH. Variables
that a sh block exports reach the blocks after it; processes it starts in the background run until
the end of the test. Blocks that show output, need the real X or are a synopsis are tagged
```text or ```console (or left untagged) and are skipped.

Before the first block, X_API_BASE_URL and X_BEARER_TOKEN point at an in-process emulator, so that
nothing a block does can reach X. The README's offline walk-through starts its own emulator on
port 8000: a lock keeps two runs of this test on one machine from taking turns on that port.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from x_compliance.emulator import Emulator

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
RUNS = {"sh": "sh", "bash": "sh", "python": "python"}
README_PORT = 8000  # the port the README's walk-through gives the emulator


def runnable_blocks(text: str) -> list[tuple[int, str, str]]:
    """(line, kind, code) of each block this test runs, in order."""
    blocks = []
    for match in FENCE.finditer(text):
        kind = RUNS.get(match.group(1))
        if kind is not None:
            blocks.append((text.count("\n", 0, match.start()) + 1, kind, match.group(2)))
    return blocks


@pytest.fixture
def readme_port_lock() -> Iterator[None]:
    with open(Path(tempfile.gettempdir()) / f"x-compliance-readme-{README_PORT}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", README_PORT))
            except OSError:
                pytest.fail(f"port {README_PORT}, which the README's walk-through uses, is taken")
        yield


def test_readme_fences_tell_what_runs() -> None:
    # given / when
    blocks = runnable_blocks(README.read_text())

    # then: the walk-through and the library examples are among what runs
    kinds = [kind for _, kind, _ in blocks]
    assert "sh" in kinds and "python" in kinds
    assert any("x-compliance run" in code for _, kind, code in blocks if kind == "sh")


def test_readme_says_how_to_install_without_an_index() -> None:
    text = README.read_text()

    assert "pip install -e '.[cli]'" in text
    assert "pip install 'x-compliance[cli] @ git+https://github.com/OWNER/x-compliance'" in text


@pytest.mark.timeout(600)
def test_readme_blocks_run_in_order(tmp_path: Path, readme_port_lock: None) -> None:
    blocks = runnable_blocks(README.read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith("X_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env_dump = tmp_path.parent / f"{tmp_path.name}-env"
    sessions: list[int] = []
    with Emulator(token="test-token") as emu:
        env.update(X_API_BASE_URL=emu.base_url, X_BEARER_TOKEN=emu.token)
        try:
            for line, kind, code in blocks:
                log = tmp_path.parent / f"{tmp_path.name}-block-{line}.log"
                with log.open("wb") as output:
                    if kind == "sh":
                        # Background processes write to the log file, never to a pipe this waits on.
                        script = f"set -e -o pipefail\n{code}\nenv -0 > {str(env_dump)!r}\n"
                        child = subprocess.Popen(
                            ["bash", "-c", script],
                            cwd=tmp_path,
                            env=env,
                            stdout=output,
                            stderr=subprocess.STDOUT,
                            start_new_session=True,
                        )
                        sessions.append(child.pid)
                    else:
                        child = subprocess.Popen(
                            [sys.executable, "-c", code],
                            cwd=tmp_path,
                            env=env,
                            stdout=output,
                            stderr=subprocess.STDOUT,
                        )
                    status = child.wait(timeout=300)
                said = log.read_text(errors="replace")
                assert status == 0, f"README.md line {line}, a {kind} block, exited {status}:\n{code}\n{said}"
                if kind == "sh":
                    entries = env_dump.read_bytes().split(b"\0")
                    env = dict(e.decode().split("=", 1) for e in entries if b"=" in e)
        finally:
            for session in sessions:  # what the blocks left running (the README's emulator)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(session, signal.SIGTERM)
