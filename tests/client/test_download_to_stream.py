"""``download_results`` to a writable binary file object (``sys.stdout.buffer``, a pipe): X's bytes
as they arrive, the object returned, neither closed nor replaced."""

from __future__ import annotations

import io
from collections.abc import Callable

import httpx

import x_compliance as xc
from tests.client.scripted import JOB, Driver

FUTURE = "2099-01-01T00:00:00.000Z"
COMPLETE = xc.ComplianceJob.from_dict({**JOB, "status": "complete", "download_expires_at": FUTURE})
# Keys in X's order (not the model's), spaces after separators: bytes a re-dump would change.
RESULTS = b"".join(
    b'{"reason": "deleted", "id": "%d", "created_at":"2020-01-01T00:00:00.000Z", "action":"delete"}\n' % n
    for n in range(1, 301)
)


class BreaksOnce(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body from the network that loses the connection after ``cut`` bytes, when given."""

    def __init__(self, data: bytes, cut: int | None) -> None:
        self.data, self.cut = data, cut

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield self.data[: self.cut]
        if self.cut is not None:
            raise httpx.ReadError("connection reset by peer")

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for chunk in self:
            yield chunk


def storage(cut: int | None = None) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        start = int(request.headers.get("range", "bytes=0-").removeprefix("bytes=").rstrip("-"))
        body = RESULTS[start:]
        headers = {"content-length": str(len(body))}
        if start:
            headers["content-range"] = f"bytes {start}-{len(RESULTS) - 1}/{len(RESULTS)}"
        return httpx.Response(206 if start else 200, headers=headers, stream=BreaksOnce(body, cut))

    return answer


def test_download_results_to_a_file_object_writes_xs_bytes_and_returns_it(
    api: Callable[..., Driver],
) -> None:
    # given: a download that breaks once mid-way (resumed with Range)
    x = api(storage(cut=1000), storage())
    sink = io.BytesIO()

    # when
    returned = x.download_results(COMPLETE, sink)

    # then: the same bytes, in X's key order, every line once; the stream still open
    assert returned is sink
    assert sink.getvalue() == RESULTS
    assert not sink.closed


def test_download_results_to_a_file_object_reports_progress(api: Callable[..., Driver]) -> None:
    x = api(storage())
    seen: list[tuple[int, int | None]] = []

    x.download_results(COMPLETE, io.BytesIO(), progress=lambda done, total: seen.append((done, total)))

    assert seen and seen[-1][0] == len(RESULTS)
