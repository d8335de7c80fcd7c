"""A scripted X for the client tests: an httpx mock transport answering from a list, and a driver
that runs the same test through ``ComplianceClient`` or ``AsyncComplianceClient``."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable
from typing import Any

import httpx

import x_compliance as xc

TOKEN = "AAAAAAAAAAAAAAAAAAAAAsecret-token-value%2Fwith%3Dsymbols"
BASE_URL = "https://api.x.com"
RESET_FAR = 10**10

JOB: dict[str, Any] = {
    "id": "1446017776678801409",
    "type": "tweets",
    "status": "created",
    "resumable": False,
    "created_at": "2021-10-07T07:41:18.000Z",
    "upload_url": "https://storage.googleapis.com/up/1?X-Goog-Signature=deadbeefcafe0123456789",
    "upload_expires_at": "2021-10-07T07:56:18.000Z",
    "download_url": "https://storage.googleapis.com/down/1?X-Goog-Signature=deadbeefcafe0123456789",
    "download_expires_at": "2021-10-14T07:41:18.000Z",
}

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def rate_headers(remaining: int = 149, reset: int | None = None, limit: int = 150) -> dict[str, str]:
    reset = reset if reset is not None else int(time.time()) + 900
    return {
        "x-rate-limit-limit": str(limit),
        "x-rate-limit-remaining": str(remaining),
        "x-rate-limit-reset": str(reset),
    }


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    content_type = "application/json" if status < 400 else "application/problem+json"
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": content_type, **rate_headers(), **(headers or {})},
    )


def job_response(**changes: Any) -> httpx.Response:
    return json_response(200, {"data": {**JOB, **changes}})


def problem(status: int, title: str, detail: str, type_: str = "about:blank") -> httpx.Response:
    return json_response(status, {"title": title, "detail": detail, "type": type_, "status": status})


class Script:
    """Answers requests in order from ``answers``; records every request it saw."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer


class Driver:
    """One test body, run through the sync or the async client: ``driver.get_job("1")``."""

    def __init__(self, kind: str, script: Script, **options: Any) -> None:
        self.kind = kind
        self.script = script
        self.sleeps: list[float] = []
        transport = httpx.MockTransport(script)
        if kind == "sync":
            self.client: Any = xc.ComplianceClient(
                bearer_token=options.pop("bearer_token", TOKEN),
                base_url=BASE_URL,
                http_client=httpx.Client(transport=transport),
                sleep=self.sleeps.append,
                **options,
            )
        else:

            async def record(seconds: float) -> None:
                self.sleeps.append(seconds)

            self.client = xc.AsyncComplianceClient(
                bearer_token=options.pop("bearer_token", TOKEN),
                base_url=BASE_URL,
                http_client=httpx.AsyncClient(transport=transport),
                sleep=record,
                **options,
            )

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.client, name)
        if self.kind == "sync":
            return method  # type: ignore[no-any-return]

        def run(*args: Any, **kwargs: Any) -> Any:
            return asyncio.run(method(*args, **kwargs))

        return run


def reset_in(seconds: float) -> int:
    return math.ceil(time.time() + seconds)
