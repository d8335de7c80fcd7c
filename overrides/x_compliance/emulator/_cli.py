"""The emulator's command line: ``python -m x_compliance.emulator`` (``main``) and, through
``serve``, the ``x-compliance emulator`` command."""

from __future__ import annotations

import argparse
import contextlib
import logging
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
    parser.add_argument(
        "--verbose",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="log each request (method, path, status) to stderr; default: when stderr is a terminal",
    )
    args = parser.parse_args(argv)
    return serve(args.host, args.port, args.token, args.processing_seconds, args.verbose)


def serve(host: str, port: int, token: str, processing_seconds: float, verbose: bool | None = None) -> int:
    """Serve an emulator with these settings until Ctrl-C (or SIGTERM); return the exit status.

    ``verbose`` logs one line per request to stderr (method, path without its query, status);
    None: when stderr is a terminal.
    """
    try:
        emulator = Emulator(token, processing_seconds=processing_seconds, port=port, host=host)
    except (OSError, ValueError) as problem:
        print(f"error: cannot start the emulator: {problem}", file=sys.stderr)
        return 1
    if verbose if verbose is not None else sys.stderr.isatty():
        _log_requests()
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


def _log_requests() -> None:
    """Send the server's one line per request (INFO) to stderr, with the time."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    server_log = logging.getLogger("x_compliance.emulator")
    server_log.addHandler(handler)
    server_log.setLevel(logging.INFO)


def _stop_on_sigterm() -> None:
    """Make SIGTERM stop the emulator cleanly, like Ctrl-C (main thread only)."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not the main thread: the caller handles signals
        signal.signal(signal.SIGTERM, interrupt)
