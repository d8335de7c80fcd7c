"""The command line as a user runs it: real processes, an emulator in one and the client in another."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.emulated import expected_results

TOKEN = "subprocess-token-0123456789"


def test_run_against_a_running_emulator(tmp_path: Path) -> None:
    ids = [str(n) for n in range(5000, 5600)]
    (tmp_path / "ids.txt").write_text("\n".join(ids) + "\n")
    server = subprocess.Popen(
        [sys.executable, "-m", "x_compliance", "emulator", "--port", "0", "--token", TOKEN],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        env = {**os.environ, "X_BEARER_TOKEN": TOKEN, "X_API_BASE_URL": base_url}

        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "x_compliance",
                "run",
                "--type",
                "tweets",
                "ids.txt",
                "-o",
                "results.jsonl",
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        bad = subprocess.run(
            [sys.executable, "-m", "x_compliance", "jobs", "get", "not-an-id"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert run.returncode == 0, run.stderr
    found = {
        json.loads(line)["id"]: json.loads(line)["reason"]
        for line in (tmp_path / "results.jsonl").read_text().splitlines()
    }
    assert found == {k: v[0] for k, v in expected_results(ids, "tweets").items()}
    assert "Results by reason" in run.stderr
    assert TOKEN not in run.stdout + run.stderr
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
