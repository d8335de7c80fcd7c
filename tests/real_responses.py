"""Reading the recordings in ``../shared/real-responses`` by what they hold."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any


def edited_files(folder: Path) -> set[str]:
    """Files whose SOURCES.md row says a field was changed (EDITED), as opposed to captured."""
    edited = set()
    for line in (folder / "SOURCES.md").read_text().splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 4 and "EDITED" in cells[3]:
            edited.update(re.findall(r"[\w.-]+\.json", cells[1]))
    return edited


def bodies(folder: Path) -> list[Path]:
    """Every recorded JSON body (not the .meta.json header files)."""
    return sorted(p for p in folder.glob("*.json") if not p.name.endswith(".meta.json"))


def kind(body: dict[str, Any]) -> str:
    """What a recorded body is: a list envelope, a job envelope, a bare job, a result, a problem."""
    if isinstance(body.get("data"), list):
        return "list"
    if "data" in body or "errors" in body:
        return "job_response"
    if "upload_url" in body:
        return "job"
    if "action" in body:
        return "result"
    return "problem"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data
