"""The emulator's command line: ``python -m x_compliance.emulator`` (``main``) and, through
``serve``, the ``x-compliance emulator`` command."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import time
from collections.abc import Sequence
from types import FrameType

from x_compliance.emulator._emulator import Emulator


def main(argv: Sequence[str] | None = None) -> int:
    """Serve an emulator until Ctrl-C (or SIGTERM); return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m x_compliance.emulator",
        description="Serve a local emulator of X's batch compliance API until interrupted.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port (0: any free one)")
    parser.add_argument("--token", default="test-token", help="bearer token to accept")
    parser.add_argument(
        "--processing-seconds",
        type=float,
        default=0.0,
        help="how long a job stays in_progress after its upload",
    )
    args = parser.parse_args(argv)
    return serve(args.host, args.port, args.token, args.processing_seconds)


def serve(host: str, port: int, token: str, processing_seconds: float) -> int:
    """Serve an emulator with these settings until Ctrl-C (or SIGTERM); return the exit status."""
    try:
        emulator = Emulator(token, processing_seconds=processing_seconds, port=port, host=host)
    except (OSError, ValueError) as problem:
        print(f"x-compliance emulator: cannot start: {problem}", file=sys.stderr)
        return 1
    with emulator:
        _stop_on_sigterm()  # before the address is printed: whoever reads it may signal at once
        try:
            print(emulator.base_url, flush=True)
            print(
                f"X_API_BASE_URL={emulator.base_url} X_BEARER_TOKEN={emulator.token}"
                "  (Ctrl-C stops the emulator)",
                file=sys.stderr,
                flush=True,
            )
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


def _stop_on_sigterm() -> None:
    """Make SIGTERM stop the emulator cleanly, like Ctrl-C (main thread only)."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not the main thread: the caller handles signals
        signal.signal(signal.SIGTERM, interrupt)
