"""``x-compliance run``: the job's name, ``--resume``, and the ID check before any job exists."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import x_compliance as xc
from tests.emulated import expected_results
from x_compliance.cli import app, run_job_name
from x_compliance.emulator import Emulator

IDS = [str(n) for n in range(3000, 3300)]
EXPECTED = {k: v[0] for k, v in expected_results(IDS, "tweets").items()}


@pytest.fixture
def ids_file(tmp_path: Path) -> Path:
    path = tmp_path / "ids.txt"
    path.write_text("\n".join(IDS) + "\n")
    return path


@pytest.fixture
def name(ids_file: Path) -> str:
    return run_job_name("tweets", hashlib.sha256(ids_file.read_bytes()).hexdigest())


def invoke(emu: Emulator, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("X_BEARER_TOKEN", emu.token)
    monkeypatch.setenv("X_API_BASE_URL", emu.base_url)
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def client_for(emu: Emulator) -> xc.ComplianceClient:
    return xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url)


def results_of(path: Path) -> dict[str, str]:
    return {json.loads(line)["id"]: json.loads(line)["reason"] for line in path.read_text().splitlines()}


@pytest.fixture
def slowish() -> Iterator[Emulator]:
    """Jobs stay in_progress for about a second and a half of real time."""
    with Emulator(token="slowish-token-0123456789", processing_seconds=1.5) as emulator:
        yield emulator


def test_run_names_its_job_after_the_type_and_the_files_content(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, ids_file: Path, tmp_path: Path
) -> None:
    code, _, _ = invoke(emu, monkeypatch, "run", "--type", "tweets", str(ids_file), "-o", str(tmp_path / "o"))

    digest = hashlib.sha256(ids_file.read_bytes()).hexdigest()
    assert code == 0
    assert [job["name"] for job in emu.jobs()] == [f"xc-run-tweets-{digest[:16]}"]


def test_resume_uploads_to_the_created_job_of_the_same_file(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, ids_file: Path, tmp_path: Path, name: str
) -> None:
    # given: a run stopped after creating its job, before uploading
    with client_for(emu) as client:
        job = client.create_job("tweets", name=name)

    # when
    code, _, said = invoke(
        emu, monkeypatch, "run", "--type", "tweets", str(ids_file), "-o", str(tmp_path / "o"), "--resume"
    )

    # then: that job, uploaded, waited for and downloaded; no second job
    assert code == 0, said
    assert f"continuing job {job.id} (tweets, created" in said and "uploaded 300 IDs" in said
    assert emu.job_count() == 1 and emu.jobs()[0]["status"] == "complete"
    assert results_of(tmp_path / "o") == EXPECTED


def test_resume_waits_for_an_in_progress_job_without_uploading_again(
    slowish: Emulator, monkeypatch: pytest.MonkeyPatch, ids_file: Path, tmp_path: Path, name: str
) -> None:
    with client_for(slowish) as client:
        job = client.create_job("tweets", name=name)
        client.upload_ids(job, ids_file)

    code, _, said = invoke(
        slowish, monkeypatch, "run", "--type", "tweets", str(ids_file), "-o", str(tmp_path / "o"), "--resume"
    )

    assert code == 0, said
    assert f"continuing job {job.id} (tweets, in_progress" in said and "uploaded" not in said
    assert slowish.job_count() == 1
    assert results_of(tmp_path / "o") == EXPECTED


def test_resume_downloads_a_complete_job(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, ids_file: Path, tmp_path: Path, name: str
) -> None:
    with client_for(emu) as client:
        job = client.wait_for_job(client.run_job("tweets", ids_file, name=name))

    code, _, said = invoke(
        emu, monkeypatch, "run", "--type", "tweets", str(ids_file), "-o", str(tmp_path / "o"), "--resume"
    )

    assert code == 0, said
    assert f"continuing job {job.id} (tweets, complete" in said and "uploaded" not in said
    assert emu.job_count() == 1
    assert results_of(tmp_path / "o") == EXPECTED


def test_resume_passes_over_an_expired_job_and_creates_one(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, ids_file: Path, tmp_path: Path, name: str
) -> None:
    with client_for(emu) as client:
        client.create_job("tweets", name=name)
    emu.advance(901)  # its upload window closed: expired

    code, _, said = invoke(
        emu, monkeypatch, "run", "--type", "tweets", str(ids_file), "-o", str(tmp_path / "o"), "--resume"
    )

    assert code == 0, said
    assert f"no job named {name} to continue: creating one" in said
    assert [job["status"] for job in emu.jobs()] == ["complete", "expired"]


def test_run_without_resume_never_reuses_an_earlier_job(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, ids_file: Path, tmp_path: Path, name: str
) -> None:
    with client_for(emu) as client:
        client.wait_for_job(client.run_job("tweets", ids_file, name=name))

    code, _, said = invoke(
        emu, monkeypatch, "run", "--type", "tweets", str(ids_file), "-o", str(tmp_path / "o")
    )

    assert code == 0, said
    assert emu.job_count() == 2 and "continuing" not in said


def test_resume_finds_the_job_by_the_name_given(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, ids_file: Path, tmp_path: Path
) -> None:
    with client_for(emu) as client:
        job = client.create_job("tweets", name="nightly")

    code, _, said = invoke(
        emu,
        monkeypatch,
        "run",
        "--type",
        "tweets",
        str(ids_file),
        "--name",
        "nightly",
        "-o",
        str(tmp_path / "o"),
        "--resume",
    )

    assert code == 0, said
    assert f"continuing job {job.id}" in said and emu.job_count() == 1


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"1\n2 3\n4\n", "error: line 2 is not an ID of 1-19 digits: '2 3'"),
        (b"1\n" + b"9" * 20 + b"\n", f"error: line 2 is not an ID of 1-19 digits: '{'9' * 20}'"),
        (b"1\r\n\r\nx\r\n", "error: line 3 is not an ID of 1-19 digits: 'x'"),
        (b"1\n2\n-3", "error: line 3 is not an ID of 1-19 digits: '-3'"),
    ],
)
def test_run_checks_every_line_before_any_job(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: bytes, error: str
) -> None:
    path = tmp_path / "ids.txt"
    path.write_bytes(content)

    code, _, said = invoke(emu, monkeypatch, "run", "--type", "tweets", str(path))

    assert (code, said.strip()) == (1, error)
    assert emu.job_count() == 0


def test_run_takes_crlf_blank_lines_and_spaces(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "ids.txt"
    path.write_bytes(b"10\r\n\r\n  21  \n\t32\n1234567890123456789")

    code, out, said = invoke(emu, monkeypatch, "run", "--type", "users", str(path))

    assert code == 0, said
    assert sorted(json.loads(line)["id"] for line in out.splitlines()) == ["10", "21", "32"]


def test_conflict_with_a_job_of_the_name_given_does_not_call_it_this_files_run(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, ids_file: Path
) -> None:
    # given a job someone made with the name this run is given
    with client_for(emu) as client:
        client.create_job("users", name="nightly")

    # when the run cannot create its own
    code, _, said = invoke(emu, monkeypatch, "run", "--type", "users", str(ids_file), "--name", "nightly")

    # then the message names the job by its name, without claiming it holds this file
    assert code == 1
    assert "it is a job named 'nightly'" in said
    assert "this file's earlier run" not in said


def test_resume_takes_the_newest_job_whatever_order_x_lists_them_in() -> None:
    from tests.client.scripted import JOB
    from x_compliance.cli import _earlier_job

    def job(created: str, status: str) -> xc.ComplianceJob:
        fields = {**JOB, "name": "nightly", "status": status, "created_at": created}
        return xc.ComplianceJob.from_dict({**fields, "download_expires_at": "2099-01-01T00:00:00.000Z"})

    yesterday = job("2026-01-01T00:00:00.000Z", "complete")
    today = job("2026-01-02T00:00:00.000Z", "in_progress")

    class Listing:  # X's own example lists the oldest job first
        def list_jobs(self, type: str) -> list[xc.ComplianceJob]:
            return [yesterday, today]

    assert _earlier_job(Listing(), "tweets", "nightly") is today  # type: ignore[arg-type]
