"""The ``Emulator``: one local stand-in for X's compliance API and its storage, on its own port,
with its own jobs, rate limits, faults and temporary folder."""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType

from x_compliance.emulator._api import Api
from x_compliance.emulator._clock import Clock
from x_compliance.emulator._faults import Faults
from x_compliance.emulator._server import EmulatorServer
from x_compliance.emulator._state import JobBook, JobJSON, RateLimiter
from x_compliance.emulator._storage import Signer, Storage


class Emulator:
    """A local X compliance API and Cloud Storage, served on ``127.0.0.1`` in a background thread.

    It follows the real API's rules (see "The local emulator" in the README): the three API
    operations with X's error bodies, rate limits per endpoint and token with ``x-rate-limit-*``
    headers, one running job per type, signed upload and download URLs (plain and resumable
    uploads, ranged downloads), the job lifecycle, and results that are a pure function of the
    uploaded IDs. It shares no code with the client, so it can catch the client's mistakes.

    Example::

        from x_compliance.emulator import Emulator

        with Emulator(token="test-token", processing_seconds=0.0) as emu:
            client = xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url)
            emu.faults.add("download", reset_after_bytes=100_000, times=1)
            ...
            assert emu.job_count("tweets") == 1

    Args:
        token: the bearer token the API accepts.
        processing_seconds: how long a job stays ``in_progress`` after its upload.
        rate_limit: (requests, window seconds) for each endpoint and token.
        port: the port to listen on; 0 picks a free one.
        host: the address to listen on.
        upload_window_seconds: how long ``upload_url`` is valid; a job without its file by then
            is ``expired``.
        extra_tokens: more tokens to accept, each a separate app with its own jobs and buckets.
        clock: a source of Unix seconds to use instead of ``time.time``.

    Attributes:
        base_url: ``http://127.0.0.1:PORT``, for the client's ``base_url``.
        token: the bearer token to send.
        faults: the ``Faults`` to inject (``emu.faults.add(...)``).
        storage_dir: the temporary folder holding uploads and results, removed by ``stop``.
    """

    def __init__(
        self,
        token: str = "test-token",
        *,
        processing_seconds: float = 0.0,
        rate_limit: tuple[int, float] = (150, 900),
        port: int = 0,
        host: str = "127.0.0.1",
        upload_window_seconds: int = 900,
        extra_tokens: Iterable[str] = (),
        clock: Callable[[], float] | None = None,
    ) -> None:
        limit, window = rate_limit
        if not token or limit < 1 or window <= 0 or processing_seconds < 0:
            raise ValueError("a token, a positive rate limit and processing_seconds >= 0 needed")
        if not 1 <= upload_window_seconds <= 604800:
            raise ValueError("upload_window_seconds must be 1 to 604800 (Cloud Storage's limit)")
        self.token = token
        self.faults = Faults()
        self._clock = Clock(clock)
        self._server = EmulatorServer((host, port))  # bind first: the signed URLs need the port
        self.base_url = f"http://{host}:{self._server.server_address[1]}"
        self.storage_dir = Path(tempfile.mkdtemp(prefix="x-compliance-emulator-"))
        signer = Signer(self.base_url, self._clock)
        self._jobs = JobBook(
            self._clock,
            self.storage_dir,
            processing_seconds,
            upload_window_seconds,
            signer.job_urls,
        )
        server = self._server
        server.api = Api([token, *extra_tokens], self._jobs, RateLimiter(limit, window, self._clock))
        server.storage = Storage(self.base_url, signer, self._jobs, self.storage_dir)
        server.faults = self.faults
        server.clock = self._clock
        server.rate_limit = limit
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"x-compliance-emulator-{self.base_url}",
            daemon=True,
        )
        thread.start()
        # Runs once: on stop(), or when the emulator is collected or the interpreter exits, so a
        # forgotten stop() still removes the temporary folder.
        self._finalizer = weakref.finalize(self, _shut_down, server, thread, self._jobs, self.storage_dir)

    def stop(self) -> None:
        """Stop serving, end open connections and remove the temporary folder. Idempotent."""
        self._finalizer()

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward: jobs expire and rate-limit windows reset."""
        self._clock.advance(seconds)

    def jobs(self, type: str | None = None) -> list[JobJSON]:
        """Every job of every token (of ``type`` when given), newest first, as X would send it."""
        return [self._jobs.to_json(job) for job in self._jobs.listing(None, type, None)]

    def uploads(self, job_id: str) -> list[tuple[int, int]]:
        """Each upload storage took for the job, in order: (bytes, ID lines). The job keeps the first."""
        return list(self._server.storage.taken.get(job_id, []))

    def downloads(self, job_id: str) -> int:
        """How many times storage sent the job's results to their last byte (a whole download)."""
        return self._server.storage.sent_whole.get(job_id, 0)

    def job_count(self, type: str | None = None) -> int:
        """How many jobs were created (of ``type`` when given): to assert "never a second job"."""
        return len(self._jobs.listing(None, type, None))

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:  # never the token
        state = "running" if self._finalizer.alive else "stopped"
        return f"<Emulator {self.base_url} {state}>"


def _shut_down(server: EmulatorServer, thread: threading.Thread, jobs: JobBook, folder: Path) -> None:
    server.shutdown()
    server.close_connections()
    server.server_close()
    thread.join()
    jobs.stop()
    shutil.rmtree(folder, ignore_errors=True)
