"""One client shared by threads (and one async client by tasks): rate limits stay right and no
request is sent into a bucket the client knows is empty, so X never answers 429."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

import x_compliance as xc
from x_compliance.emulator import Emulator

pytestmark = pytest.mark.reliability

LIMIT = 20
WORKERS = 8
CALLS_EACH = 4


def counting(statuses: Counter[int], lock: threading.Lock) -> dict[str, list[object]]:
    def seen(response: httpx.Response) -> None:
        with lock:
            statuses[response.status_code] += 1

    return {"response": [seen]}


Call = Callable[[xc.ComplianceClient, xc.ComplianceJob, int], object]


def threads_sharing_a_client(call: Call) -> tuple[Counter[str], Counter[int], dict[str, xc.RateLimit]]:
    """WORKERS threads make CALLS_EACH ``call``s each through one client, against an emulator whose
    buckets hold LIMIT: (outcomes ok/refused, statuses X answered, the client's rate limits)."""
    statuses: Counter[int] = Counter()
    with Emulator(rate_limit=(LIMIT, 900)) as emu:
        http = httpx.Client(event_hooks=counting(statuses, threading.Lock()))  # type: ignore[arg-type]
        with xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url, http_client=http) as client:
            job = client.create_job("tweets")
            statuses.clear()

            def work(n: int) -> list[str]:
                outcomes = []
                for _ in range(CALLS_EACH):
                    try:
                        call(client, job, n)
                        outcomes.append("ok")
                    except xc.RateLimitError:
                        outcomes.append("refused")
                return outcomes

            with ThreadPoolExecutor(WORKERS) as pool:
                outcomes = Counter(o for result in pool.map(work, range(WORKERS)) for o in result)
            limits = client.rate_limits
        http.close()
    return outcomes, statuses, limits


def test_threads_sharing_a_client_never_exceed_a_bucket() -> None:
    def get_or_list(client: xc.ComplianceClient, job: xc.ComplianceJob, n: int) -> object:
        return client.get_job(job.id) if n % 2 else client.list_jobs("tweets")

    outcomes, statuses, limits = threads_sharing_a_client(get_or_list)

    sent_per_endpoint = WORKERS // 2 * CALLS_EACH  # 16 each, under the limit of 20
    assert outcomes == Counter(ok=2 * sent_per_endpoint)
    assert statuses == Counter({200: 2 * sent_per_endpoint})
    assert limits["GET /2/compliance/jobs/:id"].remaining == LIMIT - sent_per_endpoint
    assert limits["GET /2/compliance/jobs"].remaining == LIMIT - sent_per_endpoint


def test_threads_asking_more_than_a_bucket_holds_get_no_429() -> None:
    outcomes, statuses, limits = threads_sharing_a_client(lambda client, job, _: client.get_job(job.id))

    assert outcomes == Counter(ok=LIMIT, refused=WORKERS * CALLS_EACH - LIMIT)
    assert statuses == Counter({200: LIMIT})  # the refused ones were never sent: no 429
    assert limits["GET /2/compliance/jobs/:id"].remaining == 0


def test_tasks_sharing_an_async_client_never_exceed_a_bucket() -> None:
    statuses: Counter[int] = Counter()

    async def seen(response: httpx.Response) -> None:
        statuses[response.status_code] += 1

    async def scenario(emu: Emulator) -> Counter[str]:
        http = httpx.AsyncClient(event_hooks={"response": [seen]})
        async with xc.AsyncComplianceClient(
            bearer_token=emu.token, base_url=emu.base_url, http_client=http
        ) as client:
            job = await client.create_job("tweets")
            statuses.clear()

            async def one() -> str:
                try:
                    await client.get_job(job.id)
                    return "ok"
                except xc.RateLimitError:
                    return "refused"

            outcomes = Counter(await asyncio.gather(*(one() for _ in range(WORKERS * CALLS_EACH))))
        await http.aclose()
        return outcomes

    with Emulator(rate_limit=(LIMIT, 900)) as emu:
        outcomes = asyncio.run(scenario(emu))

    assert statuses[429] == 0
    assert outcomes == Counter(ok=LIMIT, refused=WORKERS * CALLS_EACH - LIMIT)


# Answers without rate-limit headers (a proxy, a load balancer, a mock) -----------------------------

SILENT_REQUESTS = 16
SILENT_ANSWER_SECONDS = 0.05
SILENT_JOB = {
    "id": "1446017776678801409",
    "type": "tweets",
    "status": "in_progress",
    "created_at": "2021-10-07T07:41:18.000Z",
    "upload_url": "https://storage.example/up",
    "upload_expires_at": "2021-10-07T07:56:18.000Z",
    "download_url": "https://storage.example/down",
    "download_expires_at": "2021-10-14T07:41:18.000Z",
}


class Overlap:
    """How many requests were in the server at once, at most."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1


def test_threads_against_answers_without_rate_limit_headers_overlap() -> None:
    overlap = Overlap()

    def silent(request: httpx.Request) -> httpx.Response:
        overlap.enter()
        time.sleep(SILENT_ANSWER_SECONDS)
        overlap.leave()
        return httpx.Response(200, json={"data": SILENT_JOB})

    http = httpx.Client(transport=httpx.MockTransport(silent))
    client = xc.ComplianceClient(bearer_token="t", base_url="https://api.x.com", http_client=http)
    with client, ThreadPoolExecutor(WORKERS) as pool:
        jobs = list(pool.map(lambda _: client.get_job("1"), range(SILENT_REQUESTS)))

    assert len(jobs) == SILENT_REQUESTS
    assert overlap.most >= WORKERS // 2  # not one at a time, each waiting to be the probe


def test_tasks_against_answers_without_rate_limit_headers_overlap() -> None:
    overlap = Overlap()

    async def silent(request: httpx.Request) -> httpx.Response:
        overlap.enter()
        await asyncio.sleep(SILENT_ANSWER_SECONDS)
        overlap.leave()
        return httpx.Response(200, json={"data": SILENT_JOB})

    async def scenario() -> list[xc.ComplianceJob]:
        http = httpx.AsyncClient(transport=httpx.MockTransport(silent))
        async with xc.AsyncComplianceClient(
            bearer_token="t", base_url="https://api.x.com", http_client=http
        ) as client:
            return await asyncio.gather(*(client.get_job("1") for _ in range(SILENT_REQUESTS)))

    jobs = asyncio.run(scenario())

    assert len(jobs) == SILENT_REQUESTS
    assert overlap.most >= SILENT_REQUESTS // 2
