"""One client shared by threads (and one async client by tasks): rate limits stay right and no
request is sent into a bucket the client knows is empty, so X never answers 429."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
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


def test_threads_sharing_a_client_never_exceed_a_bucket() -> None:
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    with Emulator(rate_limit=(LIMIT, 900)) as emu:
        http = httpx.Client(event_hooks=counting(statuses, lock))  # type: ignore[arg-type]
        with xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url, http_client=http) as client:
            job = client.create_job("tweets")
            statuses.clear()

            def work(n: int) -> list[str]:
                outcomes = []
                for _ in range(CALLS_EACH):
                    try:
                        if n % 2:
                            client.get_job(job.id)
                        else:
                            client.list_jobs("tweets")
                        outcomes.append("ok")
                    except xc.RateLimitError:
                        outcomes.append("refused")
                return outcomes

            with ThreadPoolExecutor(WORKERS) as pool:
                outcomes = Counter(o for result in pool.map(work, range(WORKERS)) for o in result)
            limits = client.rate_limits
        http.close()

    sent_per_endpoint = WORKERS // 2 * CALLS_EACH  # 16 each, under the limit of 20
    assert outcomes == Counter(ok=2 * sent_per_endpoint)
    assert statuses == Counter({200: 2 * sent_per_endpoint})
    assert limits["GET /2/compliance/jobs/:id"].remaining == LIMIT - sent_per_endpoint
    assert limits["GET /2/compliance/jobs"].remaining == LIMIT - sent_per_endpoint


def test_threads_asking_more_than_a_bucket_holds_get_no_429() -> None:
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    with Emulator(rate_limit=(LIMIT, 900)) as emu:
        http = httpx.Client(event_hooks=counting(statuses, lock))  # type: ignore[arg-type]
        with xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url, http_client=http) as client:
            job = client.create_job("users")
            statuses.clear()

            def work(_: int) -> list[str]:
                outcomes = []
                for _ in range(CALLS_EACH):
                    try:
                        client.get_job(job.id)
                        outcomes.append("ok")
                    except xc.RateLimitError:
                        outcomes.append("refused")
                return outcomes

            with ThreadPoolExecutor(WORKERS) as pool:
                outcomes = Counter(o for result in pool.map(work, range(WORKERS)) for o in result)
            left = client.rate_limits["GET /2/compliance/jobs/:id"].remaining
        http.close()

    assert outcomes == Counter(ok=LIMIT, refused=WORKERS * CALLS_EACH - LIMIT)
    assert statuses == Counter({200: LIMIT})  # the refused ones were never sent: no 429
    assert left == 0


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
