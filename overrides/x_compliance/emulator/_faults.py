"""Injected faults: the failures a client must survive, on demand, one request at a time."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Final, Literal, get_args

Target = Literal["list", "get", "create", "upload", "download"]
TARGETS: Final[tuple[str, ...]] = get_args(Target)


@dataclass(frozen=True)
class Fault:
    """One kind of failure for requests to ``target``; see ``Faults.add``."""

    target: Target
    status: int | None = None
    reset_after_bytes: int | None = None
    delay: float | None = None
    times: int = 1
    reset_in: float = 1.0
    after: bool = False


@dataclass
class _Pending:
    fault: Fault
    left: int


class Faults:
    """The faults waiting to be injected into an emulator's answers (``emu.faults``).

    Thread-safe. Each request to a target consumes one pending injection of the oldest fault added
    for that target; ``injected`` counts the injections so far.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[_Pending] = []
        self._injected = 0

    def add(
        self,
        target: Target,
        status: int | None = None,
        reset_after_bytes: int | None = None,
        delay: float | None = None,
        times: int = 1,
        *,
        reset_in: float = 1.0,
        after: bool = False,
    ) -> Fault:
        """Make the next ``times`` requests to ``target`` fail.

        ``target`` is ``list``, ``get``, ``create`` (the three API operations), ``upload`` (every
        request to an upload URL or resumable session) or ``download``.

        - ``status``: answer with that status instead: X's 429 body with ``x-rate-limit-*``
          headers (remaining 0, reset ``reset_in`` seconds ahead) for 429, a proxy's short HTML
          page for 502 and 503, and otherwise an ``about:blank`` problem (the API) or an XML
          error (storage). The request is not acted on, unless ``after=True``: then the emulator
          acts (a create creates the job, an upload is stored) and only the answer fails.
        - ``reset_after_bytes``: the emulator acts, sends the status line, the headers (with the
          real ``Content-Length``) and that many bytes of the body (always at least one byte
          short), then drops the connection. On ``upload`` it reads that many bytes of the
          request body, then drops the connection without answering and stores nothing.
        - ``delay``: sleep that many seconds before answering (alone, or before the above).

        Example::

            emu.faults.add("create", reset_after_bytes=10)   # the job is created, the answer lost
            emu.faults.add("create", status=503)             # no job, a proxy's page
            emu.faults.add("get", status=429, reset_in=900)  # a far reset: the client gives up
        """
        if target not in TARGETS:
            raise ValueError(f"fault target {target!r} is not one of {', '.join(TARGETS)}")
        if status is None and reset_after_bytes is None and delay is None:
            raise ValueError("a fault needs a status, reset_after_bytes or delay")
        if status is not None and reset_after_bytes is not None:
            raise ValueError("a fault answers with a status or drops the connection, not both")
        if status is not None and not 400 <= status <= 599:
            raise ValueError(f"fault status {status} is not an error status (400-599)")
        if after and status is None:
            raise ValueError("after=True applies to a status fault")
        if reset_after_bytes is not None and reset_after_bytes < 0:
            raise ValueError("reset_after_bytes must be 0 or more")
        if delay is not None and delay < 0:
            raise ValueError("delay must be 0 or more")
        if times < 1:
            raise ValueError("times must be 1 or more")
        fault = Fault(target, status, reset_after_bytes, delay, times, reset_in, after)
        with self._lock:
            self._pending.append(_Pending(fault, times))
        return fault

    def take(self, target: str) -> Fault | None:
        """The fault for this request to ``target``, if one is pending (consuming it)."""
        with self._lock:
            for entry in self._pending:
                if entry.fault.target == target:
                    entry.left -= 1
                    if entry.left == 0:
                        self._pending.remove(entry)
                    self._injected += 1
                    return entry.fault
        return None

    def pending(self, target: str | None = None) -> int:
        """How many injections are still to come (for ``target``, or for all)."""
        with self._lock:
            return sum(e.left for e in self._pending if target in (None, e.fault.target))

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._pending.clear()

    @property
    def injected(self) -> int:
        """How many requests have had a fault injected so far."""
        with self._lock:
            return self._injected
