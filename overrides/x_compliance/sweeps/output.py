"""Writing output files so that they appear only when complete.

Each file is written beside its target under a temporary name, synced to disk, then renamed onto
the target (``os.replace``, atomic on POSIX and Windows): a crash or ``kill -9`` at any instant
leaves either the old file or the new one, never a partial one under the final name.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMPORARY_PREFIX = ".x-compliance-"


@contextlib.contextmanager
def replace_when_done(target: Path) -> Iterator[BinaryIO]:
    """A file to write ``target``'s new content to; it replaces ``target`` if the block succeeds."""
    temporary = target.with_name(f"{TEMPORARY_PREFIX}{target.name}.{secrets.token_hex(6)}.part")
    try:
        with temporary.open("xb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _sync_directory(target.parent)


def write_bytes(target: Path, content: bytes) -> None:
    """``target`` holds exactly ``content``, atomically."""
    with replace_when_done(target) as file:
        file.write(content)


def remove_leftovers(folder: Path) -> None:
    """Temporary files a killed run left in ``folder``."""
    if folder.is_dir():
        for leftover in folder.glob(f"{TEMPORARY_PREFIX}*.part"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def sha256(path: Path) -> str:
    """The file's SHA-256, hex."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _sync_directory(folder: Path) -> None:
    # The rename itself is durable only once the directory is synced (not possible on Windows).
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
