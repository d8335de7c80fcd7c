"""A clean file is checked while it is sent: against the emulator's storage, a bad line deep in the
file leaves nothing stored, and the job takes a good file afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

import x_compliance as xc
from x_compliance import _constants


def test_bad_line_mid_upload_leaves_storage_nothing(
    client: xc.ComplianceClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_constants, "TRANSFER_BLOCK", 4096)  # about 70 blocks sent before the bad one
    lines = [str(10**18 + n) for n in range(20_000)]
    lines[15_000] = "15x"
    path = tmp_path / "ids.txt"
    path.write_text("\n".join(lines) + "\n")

    job = client.create_job("tweets")
    with pytest.raises(ValueError, match="line 15001 is not an ID"):
        client.upload_ids(job, path)

    assert client.get_job(job.id).status == "created"

    lines[15_000] = "15"
    path.write_text("\n".join(lines) + "\n")
    assert client.upload_ids(job, path) == 20_000
    assert client.wait_for_job(job, timeout=60).status == "complete"
