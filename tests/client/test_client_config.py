"""Construction: credentials and base URL from the environment, secrets out of repr."""

from __future__ import annotations

import asyncio

import httpx
import pytest

import x_compliance as xc
from tests.client.scripted import TOKEN, Script, job_response, json_response


def test_token_and_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("X_API_BASE_URL", "http://127.0.0.1:9/")
    script = Script(job_response())

    client = xc.ComplianceClient(http_client=httpx.Client(transport=httpx.MockTransport(script)))
    client.get_job("1")

    assert client.base_url == "http://127.0.0.1:9"
    assert str(script.requests[0].url) == "http://127.0.0.1:9/2/compliance/jobs/1"
    assert script.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_an_http_clients_default_params_go_beside_the_calls_own() -> None:
    # given an HTTP client that adds a query parameter to every request
    script = Script(json_response(200, {"data": []}), job_response())
    http = httpx.Client(transport=httpx.MockTransport(script), params={"trace": "1"})
    client = xc.ComplianceClient(bearer_token=TOKEN, base_url="http://x.test", http_client=http)

    # when jobs are listed with a filter, and one is fetched
    client.list_jobs("users", status="failed")
    client.get_job("1")

    # then each request carries its own query and the client's (httpx replaces a URL's query with it)
    assert dict(script.requests[0].url.params) == {"trace": "1", "type": "users", "status": "failed"}
    assert str(script.requests[1].url) == "http://x.test/2/compliance/jobs/1?trace=1"


def test_default_base_url_is_api_x_com(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_API_BASE_URL", raising=False)

    assert xc.ComplianceClient(bearer_token=TOKEN).base_url == "https://api.x.com"


@pytest.mark.parametrize("client_class", [xc.ComplianceClient, xc.AsyncComplianceClient])
def test_missing_token_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, client_class: type[xc.ComplianceClient]
) -> None:
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)

    with pytest.raises(ValueError, match="X_BEARER_TOKEN"):
        client_class()


@pytest.mark.parametrize("client_class", [xc.ComplianceClient, xc.AsyncComplianceClient])
def test_repr_hides_token(client_class: type[xc.ComplianceClient]) -> None:
    text = repr(client_class(bearer_token=TOKEN, base_url="https://api.x.com"))

    assert TOKEN not in text
    assert "***" in text and "https://api.x.com" in text


def test_max_retries_overrides_the_policy() -> None:
    policy = xc.RetryPolicy(max_retries=5, initial_backoff=2.0)

    client = xc.ComplianceClient(bearer_token=TOKEN, retry_policy=policy, max_retries=1)

    assert client.retry_policy.max_retries == 1
    assert client.retry_policy.initial_backoff == 2.0


def test_context_manager_closes_own_http_client() -> None:
    with xc.ComplianceClient(bearer_token=TOKEN) as client:
        http = client._http

    assert http.is_closed


def test_given_http_client_stays_open() -> None:
    http = httpx.Client()

    with xc.ComplianceClient(bearer_token=TOKEN, http_client=http):
        pass

    assert not http.is_closed
    http.close()


def test_async_context_manager_closes_own_http_client() -> None:
    async def scenario() -> httpx.AsyncClient:
        async with xc.AsyncComplianceClient(bearer_token=TOKEN) as client:
            return client._http

    assert asyncio.run(scenario()).is_closed


@pytest.mark.parametrize(
    "options", [{"max_retries": -1}, {"retry_policy": None, "timeout": 0}, {"timeout": -1.0}]
)
def test_nonsense_settings_are_refused_at_construction(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        xc.ComplianceClient(bearer_token=TOKEN, **options)  # type: ignore[arg-type]


def test_job_repr_hides_signatures() -> None:
    from tests.client.scripted import JOB

    job = xc.ComplianceJob.from_dict(JOB)

    assert "deadbeef" not in repr(job)
    assert "X-Goog-Signature=***" in repr(job)
    assert "1446017776678801409" in repr(job)
