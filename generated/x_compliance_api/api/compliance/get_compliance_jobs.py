from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.compliance_job_list_response import ComplianceJobListResponse
from ...models.invalid_request_problem import InvalidRequestProblem
from ...models.job_status_filter import JobStatusFilter
from ...models.job_type import JobType
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    type_: JobType,
    status: JobStatusFilter | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_type_ = type_.value
    params["type"] = json_type_

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/2/compliance/jobs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ComplianceJobListResponse | InvalidRequestProblem | Problem | None:
    if response.status_code == 200:
        response_200 = ComplianceJobListResponse.from_dict(response.json())

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
) -> Response[ComplianceJobListResponse | InvalidRequestProblem | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    type_: JobType,
    status: JobStatusFilter | Unset = UNSET,
) -> Response[ComplianceJobListResponse | InvalidRequestProblem | Problem]:
    """List compliance jobs

     Lists the app's compliance jobs of one type, optionally filtered by status. Recorded lists
    are newest first (tweepy 2021-10-07, LinqToTwitter), but X's reference example (below)
    lists the older job first: sort by `created_at` if the order matters. Use it to find a job whose id
    was lost, for
    example after a create whose answer never arrived. How long X keeps listing old jobs is not
    documented; recorded lists hold jobs up to six days old.

    Args:
        type_ (JobType): What the job checks: Post IDs (`tweets`) or user IDs (`users`). An open
            enum: send only
            the values listed here, but accept and keep any value in a response.
        status (JobStatusFilter | Unset): The statuses X accepts as a filter when listing jobs;
            `expired` is not one (X's OpenAPI, every
            version). A closed enum: it is only sent, never received. Its values are also `JobStatus`
            values: openapi-generator's Go client defines `CREATED` and the rest for both and does not
            compile unless given `enumClassPrefix=true` (`x-enum-varnames` would rename the members
            in openapi-python-client too, so the contract leaves the names alone).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ComplianceJobListResponse | InvalidRequestProblem | Problem]
    """

    kwargs = _get_kwargs(
        type_=type_,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    type_: JobType,
    status: JobStatusFilter | Unset = UNSET,
) -> ComplianceJobListResponse | InvalidRequestProblem | Problem | None:
    """List compliance jobs

     Lists the app's compliance jobs of one type, optionally filtered by status. Recorded lists
    are newest first (tweepy 2021-10-07, LinqToTwitter), but X's reference example (below)
    lists the older job first: sort by `created_at` if the order matters. Use it to find a job whose id
    was lost, for
    example after a create whose answer never arrived. How long X keeps listing old jobs is not
    documented; recorded lists hold jobs up to six days old.

    Args:
        type_ (JobType): What the job checks: Post IDs (`tweets`) or user IDs (`users`). An open
            enum: send only
            the values listed here, but accept and keep any value in a response.
        status (JobStatusFilter | Unset): The statuses X accepts as a filter when listing jobs;
            `expired` is not one (X's OpenAPI, every
            version). A closed enum: it is only sent, never received. Its values are also `JobStatus`
            values: openapi-generator's Go client defines `CREATED` and the rest for both and does not
            compile unless given `enumClassPrefix=true` (`x-enum-varnames` would rename the members
            in openapi-python-client too, so the contract leaves the names alone).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ComplianceJobListResponse | InvalidRequestProblem | Problem
    """

    return sync_detailed(
        client=client,
        type_=type_,
        status=status,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    type_: JobType,
    status: JobStatusFilter | Unset = UNSET,
) -> Response[ComplianceJobListResponse | InvalidRequestProblem | Problem]:
    """List compliance jobs

     Lists the app's compliance jobs of one type, optionally filtered by status. Recorded lists
    are newest first (tweepy 2021-10-07, LinqToTwitter), but X's reference example (below)
    lists the older job first: sort by `created_at` if the order matters. Use it to find a job whose id
    was lost, for
    example after a create whose answer never arrived. How long X keeps listing old jobs is not
    documented; recorded lists hold jobs up to six days old.

    Args:
        type_ (JobType): What the job checks: Post IDs (`tweets`) or user IDs (`users`). An open
            enum: send only
            the values listed here, but accept and keep any value in a response.
        status (JobStatusFilter | Unset): The statuses X accepts as a filter when listing jobs;
            `expired` is not one (X's OpenAPI, every
            version). A closed enum: it is only sent, never received. Its values are also `JobStatus`
            values: openapi-generator's Go client defines `CREATED` and the rest for both and does not
            compile unless given `enumClassPrefix=true` (`x-enum-varnames` would rename the members
            in openapi-python-client too, so the contract leaves the names alone).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ComplianceJobListResponse | InvalidRequestProblem | Problem]
    """

    kwargs = _get_kwargs(
        type_=type_,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    type_: JobType,
    status: JobStatusFilter | Unset = UNSET,
) -> ComplianceJobListResponse | InvalidRequestProblem | Problem | None:
    """List compliance jobs

     Lists the app's compliance jobs of one type, optionally filtered by status. Recorded lists
    are newest first (tweepy 2021-10-07, LinqToTwitter), but X's reference example (below)
    lists the older job first: sort by `created_at` if the order matters. Use it to find a job whose id
    was lost, for
    example after a create whose answer never arrived. How long X keeps listing old jobs is not
    documented; recorded lists hold jobs up to six days old.

    Args:
        type_ (JobType): What the job checks: Post IDs (`tweets`) or user IDs (`users`). An open
            enum: send only
            the values listed here, but accept and keep any value in a response.
        status (JobStatusFilter | Unset): The statuses X accepts as a filter when listing jobs;
            `expired` is not one (X's OpenAPI, every
            version). A closed enum: it is only sent, never received. Its values are also `JobStatus`
            values: openapi-generator's Go client defines `CREATED` and the rest for both and does not
            compile unless given `enumClassPrefix=true` (`x-enum-varnames` would rename the members
            in openapi-python-client too, so the contract leaves the names alone).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ComplianceJobListResponse | InvalidRequestProblem | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            type_=type_,
            status=status,
        )
    ).parsed
