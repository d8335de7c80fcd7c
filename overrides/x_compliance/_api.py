"""The three API operations: checking arguments, building requests, reading answers.

Requests are built by the generated ``x_compliance_api`` operation modules and answers read into
the generated models. This module adds what they lack: arguments checked before anything is sent,
and every answer turned into a model or a typed ``APIError`` (never a bare KeyError, ValueError or
JSONDecodeError). Answers are decoded by ``read_json`` (orjson) rather than the operation modules'
``response.json()`` (the standard library's decoder), which took as long to decode a page of 100
jobs as the models take to be built from it. Shared by the sync and async clients.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Protocol, Self, TypeVar

import httpx
import orjson
from attrs import define, frozen

from x_compliance import _constants as c
from x_compliance._exchange import utc_now
from x_compliance._redact import excerpt
from x_compliance.errors import (
    AnyProblem,
    APIConnectionError,
    APIError,
    AuthenticationError,
    BadRequestError,
    ComplianceError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from x_compliance.rate_limits import CREATE_JOB, GET_JOB, LIST_JOBS, reset_from_headers
from x_compliance_api.api.compliance import (
    create_compliance_jobs,
    get_compliance_jobs,
    get_compliance_jobs_by_id,
)
from x_compliance_api.models import (
    ComplianceJob,
    ComplianceJobListResponse,
    ComplianceJobResponse,
    CreateComplianceJobRequest,
    InvalidRequestProblem,
    JobStatus,
    JobStatusFilter,
    JobType,
    Problem,
)
from x_compliance_api.types import UNSET, Unset

logger = logging.getLogger(c.LOGGER_NAME)

_JOB_ID = re.compile(rf"^{c.JOB_ID_PATTERN}$")


class _Model(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self: ...


M = TypeVar("M", bound=_Model)

JobTypeArg = JobType | str
"""A job type: ``"tweets"``, ``"users"`` or a ``JobType``."""
StatusArg = JobStatusFilter | JobStatus | str
"""A list filter: created, in_progress, failed or complete."""
JobRef = ComplianceJob | str | int
"""A job, or its id as a string or int of 1-19 digits."""


@frozen
class Call:
    """One prepared API call: the rate-limit bucket it draws on, and the request to send."""

    endpoint: str
    request: dict[str, Any]
    idempotent: bool

    @property
    def method(self) -> str:
        return str(self.request["method"]).upper()


# Arguments -----------------------------------------------------------------------------------


def job_id(value: object) -> str:
    """A job id as X wants it: a string of 1 to 19 digits (ints are accepted and converted)."""
    if isinstance(value, ComplianceJob):
        value = value.id
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"a job id is a string of 1-19 digits, not {type(value).__name__}")
    text = str(value)
    if not _JOB_ID.match(text):
        raise ValueError(f"a job id is a string of 1-19 digits, not {text[:40]!r}")
    return text


_JOB_TYPES = {member.value: member for member in JobType}
_STATUS_FILTERS = {member.value: member for member in JobStatusFilter}


def job_type(value: object) -> JobType:
    """``"tweets"``, ``"users"`` or a ``JobType`` member; anything else is a ``ValueError``."""
    if isinstance(value, str) and value in _JOB_TYPES:
        return _JOB_TYPES[value]
    raise ValueError(f"job type must be one of {sorted(_JOB_TYPES)}, not {value!r}")


def status_filter(value: object) -> JobStatusFilter:
    """A status X accepts as a list filter: created, in_progress, failed or complete."""
    if isinstance(value, str) and value in _STATUS_FILTERS:
        return _STATUS_FILTERS[value]
    hint = " (X does not filter on expired)" if value == JobStatus.EXPIRED else ""
    raise ValueError(f"status filter must be one of {sorted(_STATUS_FILTERS)}, not {value!r}{hint}")


def job_name(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"a job name is a string, not {type(value).__name__}")
    if len(value) > c.MAX_JOB_NAME_LENGTH:
        raise ValueError(f"a job name has at most {c.MAX_JOB_NAME_LENGTH} characters, not {len(value)}")
    return value


# Requests ------------------------------------------------------------------------------------


def list_jobs_call(type: object, status: object = None) -> Call:
    request = get_compliance_jobs._get_kwargs(
        type_=job_type(type),
        status=UNSET if status is None else status_filter(status),
    )
    return Call(LIST_JOBS, request, idempotent=True)


def get_job_call(job: object) -> Call:
    request = get_compliance_jobs_by_id._get_kwargs(job_id(job))
    return Call(GET_JOB, request, idempotent=True)


def create_job_call(type: object, name: str | None = None, resumable: bool = False) -> Call:
    body = CreateComplianceJobRequest(
        type_=job_type(type),
        name=UNSET if name is None else job_name(name),
        resumable=bool(resumable),
    )
    request = create_compliance_jobs._get_kwargs(body=body)
    return Call(CREATE_JOB, request, idempotent=False)


# Creating a job without making two ------------------------------------------------------------

CREATED_SLACK = dt.timedelta(seconds=c.CREATED_SLACK_SECONDS)


def maybe_created(error: ComplianceError) -> bool:
    """Whether a failed create may have made a job: X may have acted and then the answer was lost."""
    if isinstance(error, APIConnectionError):
        return error.maybe_received
    return isinstance(error, ServerError)


def job_made_by(call: Call, jobs: list[ComplianceJob], since: dt.datetime) -> ComplianceJob | None:
    """The job a create ``call`` begun at ``since`` may have made: same type and name, status
    created, created no earlier than ``since`` (less the slack); the newest such job, or None."""
    body = call.request["json"]
    name = body.get("name")
    candidates = [
        job
        for job in jobs
        if job.type_ == body["type"]
        and (None if isinstance(job.name, Unset) else job.name) == name
        and job.status == JobStatus.CREATED
        and job.created_at >= since - CREATED_SLACK
    ]
    return max(candidates, key=lambda job: job.created_at, default=None)


@define
class CreateOnce:
    """The decisions of one ``create_job`` call that must not make two jobs (no I/O).

    After a failure that may have made a job (``worth_a_look``: the answer was lost, or a 409 came
    for a later attempt), the client lists jobs of the type and asks ``made``: the job this call
    made, if it is there; else None to send again, or the error raised when there is no point.
    """

    call: Call
    started: dt.datetime
    max_retries: int
    attempt: int = 1

    def worth_a_look(self, error: ComplianceError) -> bool:
        if isinstance(error, ConflictError):
            return self.attempt > 1  # a 409 after a first attempt may be that attempt, acted on late
        return maybe_created(error)

    def made(self, error: ComplianceError, jobs: list[ComplianceJob]) -> ComplianceJob | None:
        found = job_made_by(self.call, jobs, self.started)
        if found is not None:
            logger.info("create answer was lost, but job %s was made: using it", found.id)
            return found
        if isinstance(error, ConflictError) or self.attempt > self.max_retries:
            raise error
        self.attempt += 1
        logger.info("create failed (%s) and made no job: trying again", type(error).__name__)
        return None


# Answers -------------------------------------------------------------------------------------


def read_job(response: httpx.Response, *secrets: str) -> ComplianceJob:
    """The job in a get or create answer; raises the matching ``APIError`` otherwise."""
    parsed = _parse(response, ComplianceJobResponse, secrets)
    if isinstance(parsed.data, Unset):
        raise _error_without_data(response, parsed.errors, secrets)
    return parsed.data


def read_jobs(response: httpx.Response, *secrets: str) -> list[ComplianceJob]:
    """The jobs in a list answer (``[]`` when X sends none); raises ``APIError`` otherwise."""
    parsed = _parse(response, ComplianceJobListResponse, secrets)
    if isinstance(parsed.data, Unset):
        if isinstance(parsed.errors, Unset) or not parsed.errors:
            return []
        raise _error_without_data(response, parsed.errors, secrets)
    return parsed.data  # a fresh list: the envelope it came in is dropped


def read_json(body: bytes) -> Any:
    """A JSON document, decoded by orjson; what orjson refuses is given to ``json.loads``, so every
    body the standard library reads is read (NaN, a lone surrogate escape, a byte-order mark), and
    errors are the standard library's. (orjson reads an integer beyond 64 bits as a float; X's IDs
    are strings, and its numbers are counts.)"""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)


_MODEL_ERRORS = (ValueError, KeyError, TypeError, AttributeError, RecursionError)
"""What a generated ``from_dict`` raises on a document it cannot build its model from."""


def _parse(response: httpx.Response, model: type[M], secrets: tuple[str, ...]) -> M:
    """``model`` read from a 200 answer, the only success the spec defines; the error the answer
    stands for otherwise (another 2xx is an answer this client cannot read)."""
    if not 200 <= response.status_code < 300:
        raise error_for(response, *secrets)
    if response.status_code != 200:
        raise _unreadable(response, None, secrets)
    try:
        return model.from_dict(read_json(response.content))
    except _MODEL_ERRORS as exc:
        raise _unreadable(response, exc, secrets) from None


def _unreadable(response: httpx.Response, cause: Exception | None, secrets: tuple[str, ...]) -> APIError:
    why = (
        ""
        if cause is None
        else f" ({type(cause).__name__}: {excerpt(str(cause).encode(), *secrets, limit=80)})"
    )
    return APIError(
        f"{response.status_code} answer this client cannot read{why}; body starts: "
        f"{excerpt(response.content, *secrets)!r}",
        status_code=response.status_code,
        headers=response.headers,
    )


def _error_without_data(
    response: httpx.Response, errors: list[Problem] | Unset, secrets: tuple[str, ...]
) -> APIError:
    problems: list[AnyProblem] = [] if isinstance(errors, Unset) else list(errors)
    if not problems:
        return _unreadable(response, None, secrets)
    if any(_is(p, "resource-not-found") for p in problems):
        return _not_found(response, problems, secrets)
    return APIError(
        _message(response, problems, secrets),
        status_code=response.status_code,
        problems=problems,
        headers=response.headers,
    )


_JOB_PATH = re.compile(rf"/2/compliance/jobs/({c.JOB_ID_PATTERN})$")


def _not_found(
    response: httpx.Response, problems: list[AnyProblem], secrets: tuple[str, ...]
) -> NotFoundError:
    """A ``NotFoundError`` that names the job asked for, when the answer is about one: X says
    "not found" with a 200 holding a problem, whose status alone would mislead."""
    said = _message(response, problems, secrets)
    job = _job_asked(response, problems)
    if job is not None:
        not_found = [p for p in problems if _is(p, "resource-not-found")]
        if response.status_code == 200 and not_found:
            first = not_found[0]
            words = first.title if isinstance(first.detail, Unset) or not first.detail else first.detail
            said = f"200 with a resource-not-found problem: {excerpt(words.encode(), *secrets, limit=300)}"
        said = f"job {job} was not found (X answered {said})"
    return NotFoundError(said, status_code=response.status_code, problems=problems, headers=response.headers)


def _job_asked(response: httpx.Response, problems: list[AnyProblem]) -> str | None:
    """The id of the job the request asked for (its URL's path), else the one X's problem names."""
    with contextlib.suppress(RuntimeError):  # a response built without its request
        if match := _JOB_PATH.search(response.request.url.path):
            return match[1]
    for problem in problems:
        if isinstance(problem.resource_id, str) and _JOB_ID.match(problem.resource_id):
            return problem.resource_id
    return None


_ERROR_BY_STATUS: Mapping[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def error_for(response: httpx.Response, *secrets: str) -> APIError:
    """The ``APIError`` for an answer that is not 2xx, with X's problems when the body has them."""
    status = response.status_code
    problems = problems_in(response.content, invalid_request=status == 400)
    error_class = _ERROR_BY_STATUS.get(status, ServerError if status >= 500 else APIError)
    if error_class is NotFoundError:
        return _not_found(response, problems, secrets)
    message = _message(response, problems, secrets)
    if error_class is RateLimitError:
        reset_at = reset_from_headers(response.headers, utc_now())
        if reset_at is not None:
            message += f"; the bucket resets at {reset_at:%Y-%m-%d %H:%M:%S} UTC"
        return RateLimitError(
            message,
            status_code=status,
            problems=problems,
            headers=response.headers,
            reset_at=reset_at,
        )
    return error_class(message, status_code=status, problems=problems, headers=response.headers)


def problems_in(body: bytes, *, invalid_request: bool = False) -> list[AnyProblem]:
    """X's problems in a body: one problem object, or a body's ``errors`` array; [] if neither."""
    try:
        document = read_json(body)
    except (ValueError, RecursionError):
        return []
    if not isinstance(document, dict):
        return []
    if "title" in document and "type" in document:
        model: type[Problem] | type[InvalidRequestProblem] = (
            InvalidRequestProblem if invalid_request else Problem
        )
        return _problems([document], model)
    errors = document.get("errors")
    return _problems(errors, Problem) if isinstance(errors, list) else []


def _problems(raw: list[Any], model: type[Problem] | type[InvalidRequestProblem]) -> list[AnyProblem]:
    parsed: list[AnyProblem] = []
    for item in raw:
        try:
            parsed.append(model.from_dict(item))
        except _MODEL_ERRORS:
            continue
    return parsed


def _is(problem: AnyProblem, name: str) -> bool:
    """Whether a problem's type names ``name``, whatever host X put before it."""
    return str(problem.type_).rstrip("/").rsplit("/", 1)[-1] == name


def _message(response: httpx.Response, problems: list[AnyProblem], secrets: tuple[str, ...]) -> str:
    status = response.status_code
    if not problems:
        reason = _reason(status)
        body = excerpt(response.content, *secrets)
        return f"{status} {reason}: {body!r}" if body else f"{status} {reason}"
    first = problems[0]
    text = f"{status} {first.title}"
    if not isinstance(first.detail, Unset) and first.detail and first.detail != first.title:
        text += f": {first.detail}"
    if isinstance(first, InvalidRequestProblem) and not isinstance(first.errors, Unset):
        reasons = "; ".join(str(e.message) for e in first.errors)
        if reasons:
            text += f" ({reasons})"
    if len(problems) > 1:
        text += f" (+{len(problems) - 1} more)"
    return excerpt(text.encode(), *secrets, limit=400)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unexpected status"
