"""The emulator's inspection for tests: what storage took and how often it sent whole results."""

from __future__ import annotations

from pathlib import Path

import x_compliance as xc
from x_compliance.emulator import Emulator


def test_uploads_and_downloads_are_counted_per_job(
    emu: Emulator, client: xc.ComplianceClient, tmp_path: Path
) -> None:
    # given a job that took one upload of three IDs, whose results were then downloaded twice
    job = client.create_job("tweets")
    client.upload_ids(job, ["10", "11", "14"])
    complete = client.get_job(job.id)
    client.download_results(complete, tmp_path / "a.jsonl")
    client.download_results(complete, tmp_path / "b.jsonl")
    # then the emulator reports both
    assert emu.uploads(job.id) == [(len(b"10\n11\n14\n"), 3)]
    assert emu.downloads(job.id) == 2
    assert emu.uploads("1") == [] and emu.downloads("1") == 0
