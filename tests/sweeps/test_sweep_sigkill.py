"""A sweep killed with SIGKILL at many points of its run, and run again each time, finishes as if
never interrupted.

The emulator runs in this process (a real HTTP server on 127.0.0.1); the sweep runs as a separate
process (``python -m x_compliance sweep``), killed either right after it records a step (the test
watches its SQLite state, read-only, and kills after 1 to 3 new steps plus up to 5 ms) or after a
random delay, with a seeded generator. Then:

- the output is byte-identical to that of an uninterrupted sweep of the same datasets;
- one job per planned part, no more (no expiry happens here);
- every job took exactly one upload (``emu.uploads``);
- no job's results were sent whole more than once, except where a kill cut that job's download
  before its file was in place (``emu.downloads``).

Run it alone with ``pytest -m sweep_kill -s`` to see its figures.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from x_compliance.emulator import Emulator

pytestmark = pytest.mark.sweep_kill

MAX_KILLS = 20
SEED = 16
TOKEN = "sigkill-token-0123456789"


def make_datasets(folder: Path) -> list[Path]:
    """Response pages (gzip) and flat posts, with authors, IDs chosen for every kind of decision."""
    folder.mkdir()
    pages = []
    for n in range(60):
        posts = [
            {
                "id": str(1_000_000 + n * 40 + k),
                "author_id": str(5_000 + (n * 40 + k) % 170),
                "geo": {"place_id": "x"},
            }
            for k in range(40)
        ]
        users = [{"id": a, "username": f"u{a}"} for a in sorted({p["author_id"] for p in posts})]
        pages.append(json.dumps({"data": posts, "includes": {"users": users}, "meta": {"result_count": 40}}))
    flat = [
        json.dumps(
            {
                "id": str(3_000_000 + n),
                "author_id": str(6_000 + n % 90),
                "text": "é",
                "geo": {"place_id": "y"},
            }
        )
        for n in range(1200)
    ]
    first = folder / "pages.jsonl.gz"
    first.write_bytes(gzip.compress(("\n".join(pages) + "\n").encode(), mtime=0))
    second = folder / "flat.jsonl"
    second.write_text("\n".join(flat) + "\n", encoding="utf-8")
    return [first, second]


def command(datasets: list[Path], out: Path, state: Path) -> list[str]:
    return [
        sys.executable, "-m", "x_compliance", "sweep", *map(str, datasets),
        "-o", str(out), "--state", str(state), "--ids-per-job", "50", "--json",
    ]  # fmt: skip


def steps(database: Path) -> set[tuple[str, int, int, str]]:
    """Every (type, part, attempt, step) the state holds now."""
    if not database.exists():
        return set()
    try:
        with sqlite3.connect(database, timeout=0.2) as db:
            return set(db.execute("SELECT type, part, attempt, step FROM attempts"))
    except sqlite3.OperationalError:  # not created yet, or locked for a moment
        return set()


def cut_downloads(database: Path, state: Path) -> list[str]:
    """Jobs whose download a kill may have cut: recorded 'downloading', results file not in place."""
    with sqlite3.connect(database) as db:
        rows = list(
            db.execute("SELECT sweep, type, part, attempt, job_id FROM attempts WHERE step = 'downloading'")
        )
    return [
        job for sweep, type, part, attempt, job in rows
        if not (state / sweep / "results" / f"{type}-{part:03d}-a{attempt}.jsonl").exists()
    ]  # fmt: skip


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "report.json"}


def test_sweep_killed_at_many_points_finishes_as_if_never_interrupted(tmp_path: Path) -> None:
    datasets = make_datasets(tmp_path / "data")
    rng = random.Random(SEED)
    # a generous rate limit: the kills multiply the polls, and waiting out a 429 takes minutes
    with Emulator(token=TOKEN, processing_seconds=0.0, rate_limit=(100_000, 900)) as emu:
        env = {**os.environ, "X_BEARER_TOKEN": TOKEN, "X_API_BASE_URL": emu.base_url}
        # given the output of a sweep that nobody interrupted
        whole = subprocess.run(
            command(datasets, tmp_path / "whole", tmp_path / "whole-state"),
            env=env,
            capture_output=True,
            timeout=60,
        )
        assert whole.returncode == 0, whole.stderr
        baseline_jobs = {job["id"] for job in emu.jobs()}

        # when the same sweep is killed again and again, and run again each time
        state, out = tmp_path / "state", tmp_path / "out"
        database = state / "sweeps.sqlite3"
        started = time.monotonic()
        kills, runs, allowed = 0, 0, dict.fromkeys((), 0)
        kill_points: list[str] = []
        finished = False
        while not finished:
            runs += 1
            assert runs <= MAX_KILLS + 5, "the sweep never finished"
            before = steps(database)
            process = subprocess.Popen(
                command(datasets, out, state), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            if kills < MAX_KILLS:
                if rng.random() < 0.75:  # after a few recorded steps
                    wanted = rng.randint(1, 3)
                    while process.poll() is None and len(steps(database) - before) < wanted:
                        time.sleep(0.002)
                    time.sleep(rng.uniform(0, 0.005))
                else:  # at a random instant
                    time.sleep(rng.uniform(0.1, 0.6))
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    kills += 1
            _, stderr = process.communicate(timeout=60)
            if process.returncode == -signal.SIGKILL:
                now = steps(database)
                kill_points.append(max((s[3] for s in now - before), default="(no new step)"))
                for job in cut_downloads(database, state):
                    allowed[job] = allowed.get(job, 0) + 1
                continue
            assert process.returncode == 0, stderr.decode()
            finished = True
        duration = time.monotonic() - started

        # then the output is byte-identical to the uninterrupted sweep's
        assert outputs(out) == outputs(tmp_path / "whole")
        report = json.loads((out / "report.json").read_text())
        reference = json.loads((tmp_path / "whole" / "report.json").read_text())
        for key in (
            "post_ids",
            "user_ids",
            "posts_removed",
            "posts_removed_via_author",
            "posts_geo_scrubbed",
            "users_removed",
        ):
            assert report[key] == reference[key]
        # and one job per part, each of which took one upload and sent its results whole once
        with sqlite3.connect(database) as db:
            parts = db.execute("SELECT COUNT(*) FROM parts").fetchone()[0]
        jobs = [job for job in emu.jobs() if job["id"] not in baseline_jobs]
        assert len(jobs) == parts == len(report["jobs"])
        assert all(j["attempt"] == 1 for j in report["jobs"])
        for job in jobs:
            assert len(emu.uploads(str(job["id"]))) == 1, job
            assert 1 <= emu.downloads(str(job["id"])) <= 1 + allowed.get(str(job["id"]), 0), job

    print(
        f"\nsigkill: {kills} kills, {runs} runs, {duration:.1f} s, {parts} parts; killed after: "
        + ", ".join(f"{point} x{kill_points.count(point)}" for point in sorted(set(kill_points)))
    )
    assert kills >= 15
