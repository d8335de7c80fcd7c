"""The sync client is generated from the async one (overrides/scripts/unasync.py): never by hand."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "overrides" / "scripts" / "unasync.py"


def _unasync() -> object:
    spec = importlib.util.spec_from_file_location("unasync", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sync_client_is_what_unasync_makes_of_the_async_one() -> None:
    unasync = _unasync()

    wanted = unasync.unasync(unasync.SOURCE.read_text())  # type: ignore[attr-defined]

    assert unasync.TARGET.read_text() == wanted, "run make unasync and commit"  # type: ignore[attr-defined]


def test_sync_client_has_no_async_left() -> None:
    tree = ast.parse((REPO / "overrides" / "x_compliance" / "_sync_client.py").read_text())

    leftovers = [
        type(node).__name__
        for node in ast.walk(tree)
        if isinstance(node, ast.AsyncFunctionDef | ast.AsyncFor | ast.AsyncWith | ast.Await)
    ]

    assert leftovers == []


def test_a_hand_edit_of_the_sync_client_is_caught(tmp_path: Path) -> None:
    unasync = _unasync()
    source = unasync.SOURCE.read_text()  # type: ignore[attr-defined]

    edited = source.replace("await self._sleep(delay)", "await self._sleep(delay * 2)", 1)

    assert edited != source
    assert unasync.unasync(edited) != unasync.TARGET.read_text()  # type: ignore[attr-defined]
