"""The emulator as a whole: its own port, folder and state; stopping; the command line."""

from __future__ import annotations

import gc
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.emulator.conftest import api_client
from tests.emulator.helpers import TEXT, create, get, ids_file, results, run
from x_compliance.emulator import Emulator

REPO = Path(__file__).resolve().parents[2]


def test_two_emulators_in_one_process_do_not_interfere(
    transport: httpx.HTTPTransport, storage: httpx.Client
) -> None:
    with Emulator(rate_limit=(2, 900)) as one, Emulator(rate_limit=(2, 900)) as two:
        # given
        api_one, api_two = api_client(one, transport), api_client(two, transport)
        job = run(api_one, storage, "tweets", ids_file(10))
        one.faults.add("get", status=503)
        # then: jobs, rate limits and faults are each emulator's own
        assert one.base_url != two.base_url
        assert api_two.get(f"/2/compliance/jobs/{job['id']}").json().get("data") is None
        assert api_two.post("/2/compliance/jobs", json={"type": "tweets"}).status_code == 200
        assert api_two.get("/2/compliance/jobs/1").status_code == 200
        assert api_one.get("/2/compliance/jobs/1").status_code == 503
        assert api_one.get("/2/compliance/jobs/1").status_code == 200
        assert api_one.get("/2/compliance/jobs/1").status_code == 429
        assert (one.job_count(), two.job_count()) == (1, 1)
        assert one.storage_dir != two.storage_dir
        assert [line["id"] for line in results(storage, job)] == ["10"]


def test_stop_removes_the_temporary_folder(transport: httpx.HTTPTransport, storage: httpx.Client) -> None:
    # given
    emu = Emulator()
    run(api_client(emu, transport), storage, "tweets", ids_file(10))
    assert any(emu.storage_dir.iterdir())
    # when
    emu.stop()
    # then
    assert not emu.storage_dir.exists()
    emu.stop()  # idempotent


def test_forgotten_emulator_removes_its_folder_when_collected() -> None:
    emu = Emulator()
    folder = emu.storage_dir
    del emu
    gc.collect()
    assert not folder.exists()


def test_stopped_emulator_answers_nothing_even_on_a_kept_alive_connection() -> None:
    # given: a connection kept alive after one request
    emu = Emulator()
    with httpx.Client(base_url=emu.base_url, headers={"Authorization": "Bearer test-token"}) as c:
        assert c.get("/2/compliance/jobs/1").status_code == 200
        # when
        emu.stop()
        # then
        with pytest.raises(httpx.TransportError):
            c.get("/2/compliance/jobs/1")


def test_listens_on_the_given_port_on_loopback() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with Emulator(port=port) as emu:
        assert emu.base_url == f"http://127.0.0.1:{port}"


def test_repr_does_not_show_the_token() -> None:
    with Emulator(token="secret-token-123") as emu:
        assert "secret-token-123" not in repr(emu)
        assert emu.token == "secret-token-123"


def test_injectable_clock_drives_the_lifecycle(transport: httpx.HTTPTransport) -> None:
    now = [1_700_000_000.0]
    with Emulator(clock=lambda: now[0]) as emu:
        api = api_client(emu, transport)
        job = create(api, "tweets")
        assert job["created_at"] == "2023-11-14T22:13:20.000Z"
        now[0] += 900
        assert get(api, job["id"])["status"] == "expired"


def test_jobs_lists_every_job_newest_first(api: httpx.Client, emu: Emulator) -> None:
    first = create(api, "tweets")
    second = create(api, "users")
    assert [job["id"] for job in emu.jobs()] == [second["id"], first["id"]]
    assert emu.jobs("users") == [second]


@pytest.mark.parametrize(
    "arguments",
    [{"token": ""}, {"rate_limit": (0, 900)}, {"processing_seconds": -1},
     {"upload_window_seconds": 0}],
)  # fmt: skip
def test_constructor_checks_its_arguments(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Emulator(**arguments)  # type: ignore[arg-type]


# python -m x_compliance.emulator, as a real process


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "x_compliance.emulator", "--port", "0", "--token", "T"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        yield process, base_url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def test_module_serves_until_interrupted(served: tuple[subprocess.Popen[str], str]) -> None:
    # given
    process, base_url = served
    assert base_url.startswith("http://127.0.0.1:")
    # when
    response = httpx.get(
        base_url + "/2/compliance/jobs",
        params={"type": "tweets"},
        headers={"Authorization": "Bearer T"},
    )
    process.send_signal(signal.SIGINT)
    # then
    assert response.json() == {"meta": {"result_count": 0}}
    assert process.wait(10) == 0
    assert process.stderr is not None
    assert "X_BEARER_TOKEN=T" in process.stderr.read()


def test_module_stops_cleanly_on_sigterm(served: tuple[subprocess.Popen[str], str]) -> None:
    process, _ = served
    process.terminate()
    assert process.wait(10) == 0


def test_module_reports_a_busy_port() -> None:
    with Emulator() as emu:
        port = emu.base_url.rsplit(":", 1)[1]
        finished = subprocess.run(
            [sys.executable, "-m", "x_compliance.emulator", "--port", port],
            capture_output=True,
            text=True,
            timeout=20,
        )
    assert finished.returncode == 1
    assert "cannot start" in finished.stderr


# Memory: uploads stream to disk, and checking them holds one bucket at a time

UPLOAD_MB = 24


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_memory_stays_flat_for_a_large_upload_of_distinct_ids(
    served: tuple[subprocess.Popen[str], str],
) -> None:
    # given: an emulator process, and 64 MB of distinct 19-digit IDs (3.2 million lines)
    process, base_url = served
    api = httpx.Client(base_url=base_url, headers={"Authorization": "Bearer T"}, timeout=60)
    baseline = peak_rss_kb(process.pid)
    job = create(api, "tweets")
    lines = UPLOAD_MB * 1024 * 1024 // 20
    first = 1_000_000_000_000_000_000

    def body() -> Iterator[bytes]:
        for start in range(0, lines, 50_000):
            stop = min(start + 50_000, lines)
            yield "".join(f"{first + n}\n" for n in range(start, stop)).encode()

    # when
    response = httpx.put(job["upload_url"], content=body(), headers=TEXT, timeout=60)
    deadline = time.monotonic() + 60
    while get(api, job["id"])["status"] != "complete" and time.monotonic() < deadline:
        time.sleep(1)  # well inside the rate limit
    # then: the process grew by far less than the upload
    assert response.status_code == 200
    assert get(api, job["id"])["status"] == "complete"
    grown_mb = (peak_rss_kb(process.pid) - baseline) / 1024
    assert grown_mb < UPLOAD_MB / 2, f"peak RSS grew {grown_mb:.0f} MB for a {UPLOAD_MB} MB upload"
