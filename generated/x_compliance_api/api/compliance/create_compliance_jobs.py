from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.compliance_job_response import ComplianceJobResponse
from ...models.create_compliance_job_request import CreateComplianceJobRequest
from ...models.invalid_request_problem import InvalidRequestProblem
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: CreateComplianceJobRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/2/compliance/jobs",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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
    *,
    client: AuthenticatedClient,
    body: CreateComplianceJobRequest,
) -> Response[ComplianceJobResponse | InvalidRequestProblem | Problem]:
    """Create a compliance job

     Creates a job and returns it, status `created`, with its signed `upload_url` (valid 15
    minutes) and `download_url` (valid 7 days). One job per type may be running at a time: while
    one is `created` or `in_progress`, this answers 409.

    Not idempotent: a retry after a lost response may create a second job or get 409. Before
    retrying, list jobs of the same type and look for the one you may have created (give jobs a
    `name` to recognise them).

    Args:
        body (CreateComplianceJobRequest): The body of a create request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ComplianceJobResponse | InvalidRequestProblem | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CreateComplianceJobRequest,
) -> ComplianceJobResponse | InvalidRequestProblem | Problem | None:
    """Create a compliance job

     Creates a job and returns it, status `created`, with its signed `upload_url` (valid 15
    minutes) and `download_url` (valid 7 days). One job per type may be running at a time: while
    one is `created` or `in_progress`, this answers 409.

    Not idempotent: a retry after a lost response may create a second job or get 409. Before
    retrying, list jobs of the same type and look for the one you may have created (give jobs a
    `name` to recognise them).

    Args:
        body (CreateComplianceJobRequest): The body of a create request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ComplianceJobResponse | InvalidRequestProblem | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateComplianceJobRequest,
) -> Response[ComplianceJobResponse | InvalidRequestProblem | Problem]:
    """Create a compliance job

     Creates a job and returns it, status `created`, with its signed `upload_url` (valid 15
    minutes) and `download_url` (valid 7 days). One job per type may be running at a time: while
    one is `created` or `in_progress`, this answers 409.

    Not idempotent: a retry after a lost response may create a second job or get 409. Before
    retrying, list jobs of the same type and look for the one you may have created (give jobs a
    `name` to recognise them).

    Args:
        body (CreateComplianceJobRequest): The body of a create request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ComplianceJobResponse | InvalidRequestProblem | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateComplianceJobRequest,
) -> ComplianceJobResponse | InvalidRequestProblem | Problem | None:
    """Create a compliance job

     Creates a job and returns it, status `created`, with its signed `upload_url` (valid 15
    minutes) and `download_url` (valid 7 days). One job per type may be running at a time: while
    one is `created` or `in_progress`, this answers 409.

    Not idempotent: a retry after a lost response may create a second job or get 409. Before
    retrying, list jobs of the same type and look for the one you may have created (give jobs a
    `name` to recognise them).

    Args:
        body (CreateComplianceJobRequest): The body of a create request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ComplianceJobResponse | InvalidRequestProblem | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
