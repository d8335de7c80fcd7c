from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.compliance_result import ComplianceResult
from ...types import UNSET, Response


def _get_kwargs(
    bucket: str,
    job_id: str,
    object_name: str,
    *,
    x_goog_algorithm: str,
    x_goog_credential: str,
    x_goog_date: str,
    x_goog_expires: int,
    x_goog_signed_headers: str,
    x_goog_signature: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["X-Goog-Algorithm"] = x_goog_algorithm

    params["X-Goog-Credential"] = x_goog_credential

    params["X-Goog-Date"] = x_goog_date

    params["X-Goog-Expires"] = x_goog_expires

    params["X-Goog-SignedHeaders"] = x_goog_signed_headers

    params["X-Goog-Signature"] = x_goog_signature

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/{bucket}/{job_id}/delivery/{object_name}".format(
            bucket=quote(str(bucket), safe=""),
            job_id=quote(str(job_id), safe=""),
            object_name=quote(str(object_name), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ComplianceResult | None:
    if response.status_code == 200:
        response_200 = ComplianceResult.from_dict(response.content)

        return response_200

    if 400 <= response.status_code <= 499:
        response_4xx = cast(Any, None)
        return response_4xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ComplianceResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    bucket: str,
    job_id: str,
    object_name: str,
    *,
    client: AuthenticatedClient | Client,
    x_goog_algorithm: str,
    x_goog_credential: str,
    x_goog_date: str,
    x_goog_expires: int,
    x_goog_signed_headers: str,
    x_goog_signature: str,
) -> Response[Any | ComplianceResult]:
    """Download a job's results

     The job's `download_url`: JSON lines, one `ComplianceResult` per line, UTF-8, each line
    ending in `\\n`, in no documented order; an empty body means no ID had a compliance event.
    Served by Cloud Storage, not by the API: a signed URL on its own host (`servers` below),
    with no `Authorization` header. Call `download_url` exactly as X gave it, before
    `download_expires_at`; the parameters below only name its parts (re-encoding them breaks
    the signature). Storage honours `Range: bytes=N-`, so a broken download can resume after
    the last complete line. The media type is declared as `application/x-ndjson`; do not rely
    on the `Content-Type` storage sends, parse line by line.

    Args:
        bucket (str):
        job_id (str): A compliance job id: a 64-bit snowflake of up to 19 digits, always a JSON
            string. Never parse
            it as a JSON number or a double: above 2^53 the value changes silently.
        object_name (str):
        x_goog_algorithm (str):
        x_goog_credential (str):
        x_goog_date (str):
        x_goog_expires (int):
        x_goog_signed_headers (str):
        x_goog_signature (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ComplianceResult]
    """

    kwargs = _get_kwargs(
        bucket=bucket,
        job_id=job_id,
        object_name=object_name,
        x_goog_algorithm=x_goog_algorithm,
        x_goog_credential=x_goog_credential,
        x_goog_date=x_goog_date,
        x_goog_expires=x_goog_expires,
        x_goog_signed_headers=x_goog_signed_headers,
        x_goog_signature=x_goog_signature,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    bucket: str,
    job_id: str,
    object_name: str,
    *,
    client: AuthenticatedClient | Client,
    x_goog_algorithm: str,
    x_goog_credential: str,
    x_goog_date: str,
    x_goog_expires: int,
    x_goog_signed_headers: str,
    x_goog_signature: str,
) -> Any | ComplianceResult | None:
    """Download a job's results

     The job's `download_url`: JSON lines, one `ComplianceResult` per line, UTF-8, each line
    ending in `\\n`, in no documented order; an empty body means no ID had a compliance event.
    Served by Cloud Storage, not by the API: a signed URL on its own host (`servers` below),
    with no `Authorization` header. Call `download_url` exactly as X gave it, before
    `download_expires_at`; the parameters below only name its parts (re-encoding them breaks
    the signature). Storage honours `Range: bytes=N-`, so a broken download can resume after
    the last complete line. The media type is declared as `application/x-ndjson`; do not rely
    on the `Content-Type` storage sends, parse line by line.

    Args:
        bucket (str):
        job_id (str): A compliance job id: a 64-bit snowflake of up to 19 digits, always a JSON
            string. Never parse
            it as a JSON number or a double: above 2^53 the value changes silently.
        object_name (str):
        x_goog_algorithm (str):
        x_goog_credential (str):
        x_goog_date (str):
        x_goog_expires (int):
        x_goog_signed_headers (str):
        x_goog_signature (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ComplianceResult
    """

    return sync_detailed(
        bucket=bucket,
        job_id=job_id,
        object_name=object_name,
        client=client,
        x_goog_algorithm=x_goog_algorithm,
        x_goog_credential=x_goog_credential,
        x_goog_date=x_goog_date,
        x_goog_expires=x_goog_expires,
        x_goog_signed_headers=x_goog_signed_headers,
        x_goog_signature=x_goog_signature,
    ).parsed


async def asyncio_detailed(
    bucket: str,
    job_id: str,
    object_name: str,
    *,
    client: AuthenticatedClient | Client,
    x_goog_algorithm: str,
    x_goog_credential: str,
    x_goog_date: str,
    x_goog_expires: int,
    x_goog_signed_headers: str,
    x_goog_signature: str,
) -> Response[Any | ComplianceResult]:
    """Download a job's results

     The job's `download_url`: JSON lines, one `ComplianceResult` per line, UTF-8, each line
    ending in `\\n`, in no documented order; an empty body means no ID had a compliance event.
    Served by Cloud Storage, not by the API: a signed URL on its own host (`servers` below),
    with no `Authorization` header. Call `download_url` exactly as X gave it, before
    `download_expires_at`; the parameters below only name its parts (re-encoding them breaks
    the signature). Storage honours `Range: bytes=N-`, so a broken download can resume after
    the last complete line. The media type is declared as `application/x-ndjson`; do not rely
    on the `Content-Type` storage sends, parse line by line.

    Args:
        bucket (str):
        job_id (str): A compliance job id: a 64-bit snowflake of up to 19 digits, always a JSON
            string. Never parse
            it as a JSON number or a double: above 2^53 the value changes silently.
        object_name (str):
        x_goog_algorithm (str):
        x_goog_credential (str):
        x_goog_date (str):
        x_goog_expires (int):
        x_goog_signed_headers (str):
        x_goog_signature (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ComplianceResult]
    """

    kwargs = _get_kwargs(
        bucket=bucket,
        job_id=job_id,
        object_name=object_name,
        x_goog_algorithm=x_goog_algorithm,
        x_goog_credential=x_goog_credential,
        x_goog_date=x_goog_date,
        x_goog_expires=x_goog_expires,
        x_goog_signed_headers=x_goog_signed_headers,
        x_goog_signature=x_goog_signature,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    bucket: str,
    job_id: str,
    object_name: str,
    *,
    client: AuthenticatedClient | Client,
    x_goog_algorithm: str,
    x_goog_credential: str,
    x_goog_date: str,
    x_goog_expires: int,
    x_goog_signed_headers: str,
    x_goog_signature: str,
) -> Any | ComplianceResult | None:
    """Download a job's results

     The job's `download_url`: JSON lines, one `ComplianceResult` per line, UTF-8, each line
    ending in `\\n`, in no documented order; an empty body means no ID had a compliance event.
    Served by Cloud Storage, not by the API: a signed URL on its own host (`servers` below),
    with no `Authorization` header. Call `download_url` exactly as X gave it, before
    `download_expires_at`; the parameters below only name its parts (re-encoding them breaks
    the signature). Storage honours `Range: bytes=N-`, so a broken download can resume after
    the last complete line. The media type is declared as `application/x-ndjson`; do not rely
    on the `Content-Type` storage sends, parse line by line.

    Args:
        bucket (str):
        job_id (str): A compliance job id: a 64-bit snowflake of up to 19 digits, always a JSON
            string. Never parse
            it as a JSON number or a double: above 2^53 the value changes silently.
        object_name (str):
        x_goog_algorithm (str):
        x_goog_credential (str):
        x_goog_date (str):
        x_goog_expires (int):
        x_goog_signed_headers (str):
        x_goog_signature (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ComplianceResult
    """

    return (
        await asyncio_detailed(
            bucket=bucket,
            job_id=job_id,
            object_name=object_name,
            client=client,
            x_goog_algorithm=x_goog_algorithm,
            x_goog_credential=x_goog_credential,
            x_goog_date=x_goog_date,
            x_goog_expires=x_goog_expires,
            x_goog_signed_headers=x_goog_signed_headers,
            x_goog_signature=x_goog_signature,
        )
    ).parsed
