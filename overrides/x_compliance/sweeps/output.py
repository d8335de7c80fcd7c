"""Writing output files so that they appear only when complete.

Each file is written beside its target under a temporary name (``.NAME.part``), synced to disk,
then renamed onto the target (``os.replace``, atomic on POSIX and Windows), the client's
``ReplaceWhenDone``: a crash or ``kill -9`` at any instant leaves either the old file or the new
one, never a partial one under the final name, and the next run that writes the target replaces
the part file a killed one left.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from x_compliance._files import replace_when_done

__all__ = ["replace_when_done", "sha256", "write_bytes"]


def write_bytes(target: Path, content: bytes) -> None:
    """``target`` holds exactly ``content``, atomically."""
    with replace_when_done(target) as file:
        file.write(content)


def sha256(path: Path) -> str:
    """The file's SHA-256, hex."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
