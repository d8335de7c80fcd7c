from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.compliance_job_response import ComplianceJobResponse
from ...models.invalid_request_problem import InvalidRequestProblem
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/2/compliance/jobs/{id}".format(
            id=quote(str(id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ComplianceJobResponse | InvalidRequestProblem | Problem | None:
    if response.status_code == 200:
        response_200 = ComplianceJobResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = InvalidRequestProblem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if 500 <= response.status_code <= 599:
        response_5xx = Problem.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ComplianceJobResponse | InvalidRequestProblem | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ComplianceJobResponse | InvalidRequestProblem | Problem]:
    """Get a compliance job

     Returns one job. Poll this until `status` is `complete`, `failed` or `expired`, pacing
    polls by the rate-limit headers.

    An unknown id may answer 200 with only an `errors` array holding a `resource-not-found`
    problem (X's lookup endpoints answer so, e.g. a Post lookup recorded in LinqToTwitter's
    tests; not recorded for this endpoint), or 404. Treat both as "no such job".

    Args:
        id (str): A compliance job id: a 64-bit snowflake of up to 19 digits, always a JSON
            string. Never parse
            it as a JSON number or a double: above 2^53 the value changes silently.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ComplianceJobResponse | InvalidRequestProblem | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient,
) -> ComplianceJobResponse | InvalidRequestProblem | Problem | None:
    """Get a compliance job

     Returns one job. Poll this until `status` is `complete`, `failed` or `expired`, pacing
    polls by the rate-limit headers.

    An unknown id may answer 200 with only an `errors` array holding a `resource-not-found`
    problem (X's lookup endpoints answer so, e.g. a Post lookup recorded in LinqToTwitter's
    tests; not recorded for this endpoint), or 404. Treat both as "no such job".

    Args:
        id (str): A compliance job id: a 64-bit snowflake of up to 19 digits, always a JSON
            string. Never parse
            it as a JSON number or a double: above 2^53 the value changes silently.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ComplianceJobResponse | InvalidRequestProblem | Problem
    """

    return sync_detailed(
        id=id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ComplianceJobResponse | InvalidRequestProblem | Problem]:
    """Get a compliance job

     Returns one job. Poll this until `status` is `complete`, `failed` or `expired`, pacing
    polls by the rate-limit headers.

    An unknown id may answer 200 with only an `errors` array holding a `resource-not-found`
    problem (X's lookup endpoints answer so, e.g. a Post lookup recorded in LinqToTwitter's
    tests; not recorded for this endpoint), or 404. Treat both as "no such job".

    Args:
        id (str): A compliance job id: a 64-bit snowflake of up to 19 digits, always a JSON
            string. Never parse
            it as a JSON number or a double: above 2^53 the value changes silently.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ComplianceJobResponse | InvalidRequestProblem | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
) -> ComplianceJobResponse | InvalidRequestProblem | Problem | None:
    """Get a compliance job

     Returns one job. Poll this until `status` is `complete`, `failed` or `expired`, pacing
    polls by the rate-limit headers.

    An unknown id may answer 200 with only an `errors` array holding a `resource-not-found`
    problem (X's lookup endpoints answer so, e.g. a Post lookup recorded in LinqToTwitter's
    tests; not recorded for this endpoint), or 404. Treat both as "no such job".

    Args:
        id (str): A compliance job id: a 64-bit snowflake of up to 19 digits, always a JSON
            string. Never parse
            it as a JSON number or a double: above 2^53 the value changes silently.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ComplianceJobResponse | InvalidRequestProblem | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
        )
    ).parsed
