"""No secret leaves the process: every public method and every CLI command, driven through
failures with DEBUG logging on, leaves neither the token nor any URL signature (nor a resumable
session's id) in logs, stderr, exception text or repr."""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import x_compliance as xc
from x_compliance import _constants
from x_compliance.cli import app
from x_compliance.emulator import Emulator

pytestmark = pytest.mark.reliability

TOKEN = "secret-bearer-token-0123456789abcdefABCDEF"
_SECRET_PARTS = re.compile(r"(?:X-Goog-Signature|upload_id)=([^&\s\"'<>]+)")


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(token=TOKEN, processing_seconds=0.0) as emulator:
        yield emulator


def secrets_of(*urls: str) -> set[str]:
    return {m.group(1) for url in urls for m in _SECRET_PARTS.finditer(url)} | {TOKEN}


def assert_clean(texts: list[str], secrets: set[str]) -> None:
    everything = "\n".join(texts)
    for secret in secrets:
        assert secret not in everything, f"secret {secret[:6]}... leaked"


def failing_calls(
    client: xc.ComplianceClient, emu: Emulator, tmp: Path
) -> tuple[list[Callable[[], Any]], list[str]]:
    """A failing call of every public method, and the signed URLs they involve."""
    done = client.run_job("tweets", ["10", "11", "12"])
    pending = client.create_job("users", resumable=True)
    urls = [done.upload_url, done.download_url, pending.upload_url, pending.download_url]

    def add(target: str, **options: Any) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
        def wrap(call: Callable[[], Any]) -> Callable[[], Any]:
            def run() -> Any:
                emu.faults.add(target, **options)  # type: ignore[arg-type]
                return call()

            return run

        return wrap

    calls: list[Callable[[], Any]] = [
        add("list", status=429, reset_in=3600)(lambda: client.list_jobs("tweets")),
        add("get", status=503, times=9)(lambda: client.get_job(done.id)),
        add("create", status=401)(lambda: client.create_job("tweets")),
        add("upload", status=403, times=9)(lambda: client.upload_ids(pending, ["1", "2"])),
        add("download", reset_after_bytes=0, times=9)(lambda: list(client.iter_results(done))),
        add("download", status=403, times=9)(lambda: client.download_results(done, tmp / "r.jsonl")),
        add("get", status=503, times=9)(lambda: client.wait_for_job(done.id, timeout=5)),
        add("create", status=409)(lambda: client.run_job("tweets", ["1"])),
        lambda: client.upload_ids(done, ["1"]),
    ]
    return calls, urls


def test_every_public_method_keeps_secrets(
    emu: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    policy = xc.RetryPolicy(max_retries=1, initial_backoff=0.01)
    texts: list[str] = []
    with xc.ComplianceClient(bearer_token=TOKEN, base_url=emu.base_url, retry_policy=policy) as client:
        texts.append(repr(client))
        calls, urls = failing_calls(client, emu, tmp_path)
        texts += [repr(client.get_job(job_id)) for job_id in {j["id"] for j in emu.jobs()}]
        for call in calls:
            with pytest.raises(xc.ComplianceError) as caught:
                call()
            texts += [str(caught.value), repr(caught.value), *traceback.format_exception(caught.value)]

    assert len(texts) > 20
    assert "HTTP Request" in caplog.text  # httpx's own request log is on, and redacted
    assert_clean([*texts, caplog.text], secrets_of(*urls))


def test_async_client_keeps_secrets(emu: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    async def scenario() -> list[str]:
        texts: list[str] = []
        async with xc.AsyncComplianceClient(
            bearer_token=TOKEN, base_url=emu.base_url, max_retries=0
        ) as client:
            texts.append(repr(client))
            job = await client.create_job("tweets", resumable=True)
            texts += [job.upload_url, job.download_url]  # collected to learn the secrets, removed below
            emu.faults.add("upload", status=500, times=9)
            try:
                await client.upload_ids(job, ["1"])
            except xc.ComplianceError as error:
                texts += [str(error), *traceback.format_exception(error)]
            emu.faults.add("get", reset_after_bytes=5, times=9)
            try:
                await client.get_job(job.id)
            except xc.ComplianceError as error:
                texts += [str(error), *traceback.format_exception(error)]
        return texts

    texts = asyncio.run(scenario())
    secrets = secrets_of(texts[1], texts[2])
    assert_clean([texts[0], *texts[3:], caplog.text], secrets)


def test_every_cli_command_keeps_secrets(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("X_API_BASE_URL", emu.base_url)
    monkeypatch.setattr(_constants, "MAX_RATE_LIMIT_WAIT", 0.0)
    ids = tmp_path / "ids.txt"
    ids.write_text("10\n11\n")
    runner = CliRunner()
    with xc.ComplianceClient(bearer_token=TOKEN, base_url=emu.base_url) as client:
        done = client.run_job("tweets", ids)
        pending = client.create_job("users")
    outputs: list[str] = []

    def invoke(args: list[str], target: str | None = None, **fault: Any) -> None:
        if target is not None:
            emu.faults.add(target, times=9, **fault)  # type: ignore[arg-type]
        result = runner.invoke(app, args)
        outputs.append(result.output)
        emu.faults.clear()

    invoke(["jobs", "list", "--type", "tweets"], "list", status=503)
    invoke(["jobs", "get", done.id], "get", reset_after_bytes=3)
    invoke(["jobs", "create", "--type", "users"])
    invoke(["upload", pending.id, str(ids)], "upload", status=403)
    invoke(["wait", done.id, "--timeout", "1"], "get", status=502)
    invoke(["download", done.id, "-o", str(tmp_path / "out.jsonl")], "download", reset_after_bytes=0)
    invoke(["download", done.id], "download", status=403)
    invoke(["run", "--type", "tweets", str(ids)], "create", status=401)
    invoke(["jobs", "list", "--type", "tweets", "--json"])  # success prints jobs: URLs with signatures
    printed_jobs = outputs.pop()

    assert [i for i, out in enumerate(outputs) if "error:" not in out] == [], outputs
    assert_clean([*outputs, caplog.text], secrets_of(done.upload_url, done.download_url, pending.upload_url))
    assert TOKEN not in printed_jobs


def test_cli_help_never_takes_the_token() -> None:
    for args in (["--help"], *([name, "--help"] for name in ("run", "upload", "wait", "download", "demo"))):
        result = CliRunner().invoke(app, args)

        assert "--token" not in result.output
    assert "never from an argument" in " ".join(CliRunner().invoke(app, ["--help"]).output.split())
