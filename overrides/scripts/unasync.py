"""Write the sync client from the async one: ``_async_client.py`` -> ``_sync_client.py``.

The clients' control flow is written once, with ``async``/``await``; the sync twin is made by the
token replacements below, in the way of httpcore's ``scripts/unasync.py``. What the two kinds of
client do differently beyond these tokens lives in ``_async_io`` / ``_sync_io``, whose names match.

    python overrides/scripts/unasync.py           # write _sync_client.py
    python overrides/scripts/unasync.py --check   # exit 1 if it differs from what would be written

The result is formatted by the project's pinned ruff, so the check compares like with like.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "x_compliance"
SOURCE = PACKAGE / "_async_client.py"
TARGET = PACKAGE / "_sync_client.py"

SUBSTITUTIONS = [
    # Phrases of the docstrings that say which kind of client this is.
    ("asynchronously", "synchronously"),
    ("the tasks of one event loop", "threads"),
    ("httpx clients are safe to share", "httpx clients are thread-safe"),
    # Names.
    ("_async_io", "_sync_io"),
    ("AsyncComplianceClient", "ComplianceClient"),
    ("httpx.AsyncClient", "httpx.Client"),
    ("__aenter__", "__enter__"),
    ("__aexit__", "__exit__"),
    ("aclose", "close"),
    ("aread", "read"),
    ("aiter_raw", "iter_raw"),
    # Syntax.
    ("async def ", "def "),
    ("async with ", "with "),
    ("async for ", "for "),
    ("await ", ""),
]

DOCSTRING = '''"""The sync client, ``ComplianceClient``: generated from ``_async_client.py`` by
``overrides/scripts/unasync.py`` (``make unasync``). Do not edit it: edit the async source, then
regenerate; ``make check-generated`` and the tests fail when the two differ.
"""'''


def unasync(source: str) -> str:
    """The sync twin of the async client's ``source``: its own docstring, then the code with every
    substitution made (whole words only)."""
    before, quote, rest = source.partition('"""')
    if before.strip() or not quote:
        raise ValueError("the async client's source must start with its module docstring")
    _, _, code = rest.partition('"""')
    for old, new in SUBSTITUTIONS:
        end = r"\b" if old[-1].isalnum() or old[-1] == "_" else ""
        code = re.sub(rf"\b{re.escape(old)}{end}", new, code)
    return _formatted(DOCSTRING + code)


def _formatted(code: str) -> str:
    """``code`` as the project's pinned ruff sorts its imports and formats it (the substitutions
    move ``_sync_io`` among the imports and shorten lines)."""
    for command in (["check", "--select", "I", "--fix-only", "--quiet"], ["format"]):
        code = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--stdin-filename", str(TARGET), "-"],
            input=code,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return code


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the sync client is out of date")
    args = parser.parse_args()
    wanted = unasync(SOURCE.read_text())
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != wanted:
            print(f"{TARGET.name} differs from {SOURCE.name}: run make unasync and commit", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(wanted)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
