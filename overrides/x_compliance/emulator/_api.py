"""The three X API operations: bearer-token check, rate limits, request validation with X's
messages, and the answers (jobs as X sends them, problems as X words them)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from typing import Final

from x_compliance.emulator import _problems as problems
from x_compliance.emulator._state import JOB_TYPES, STATUS_FILTERS, JobBook, RateLimiter
from x_compliance.emulator._wire import Reply, json_reply, problem_reply

JOB_ID: Final = re.compile(r"[0-9]{1,19}")
JOB_FIELDS: Final = (
    "created_at",
    "download_expires_at",
    "download_url",
    "id",
    "name",
    "resumable",
    "status",
    "type",
    "upload_expires_at",
    "upload_url",
)
FIELDS_PARAMETER: Final = "compliance_job.fields"
NAME_MAX: Final = 64
MAX_CREATE_BODY: Final = 64 * 1024

Query = list[tuple[str, str]]
ParameterError = dict[str, object]


class Api:
    """Answers ``list``, ``get`` and ``create`` for the apps whose tokens it knows."""

    def __init__(self, tokens: Iterable[str], jobs: JobBook, limiter: RateLimiter) -> None:
        self._tokens = frozenset(tokens)
        self._jobs = jobs
        self._limiter = limiter

    def answer(
        self,
        operation: str,
        headers: Message,
        query: Query,
        job_id: str | None = None,
        body: bytes | None = None,
    ) -> Reply:
        """The reply to one API request; ``body`` is None when it was too long to read."""
        app = self._app(headers)
        if app is None:  # no app, so no bucket: X sends no rate-limit headers with a 401
            return problem_reply(401, problems.UNAUTHORIZED)
        allowed, state = self._limiter.take(app, operation)
        if not allowed:
            return problem_reply(429, problems.TOO_MANY_REQUESTS, state.headers())
        if operation == "list":
            reply = self._list(app, query)
        elif operation == "get":
            reply = self._get(app, job_id or "", query)
        else:
            reply = self._create(app, query, body)
        reply.headers.extend(state.headers())
        return reply

    def _app(self, headers: Message) -> str | None:
        scheme, _, token = (headers.get("Authorization") or "").partition(" ")
        token = token.strip()
        return token if scheme.lower() == "bearer" and token in self._tokens else None

    def _list(self, app: str, query: Query) -> Reply:
        errors = _query_errors(query, allowed=("type", "status", FIELDS_PARAMETER))
        values = dict(query)
        if not errors:
            errors = [
                *([] if "type" in values else [_empty("type")]),
                *_enum_errors(values, "type", JOB_TYPES),
                *_enum_errors(values, "status", STATUS_FILTERS),
                *_fields_errors(values),
            ]
        if errors:
            return problem_reply(400, problems.invalid_request(errors))
        jobs = self._jobs.listing(app, values["type"], values.get("status"))
        document: dict[str, object] = {"meta": {"result_count": len(jobs)}}
        if jobs:
            document = {"data": [self._jobs.to_json(job) for job in jobs], **document}
        return json_reply(200, document)

    def _get(self, app: str, job_id: str, query: Query) -> Reply:
        errors = _query_errors(query, allowed=(FIELDS_PARAMETER,))
        if not JOB_ID.fullmatch(job_id):
            message = f"The `id` query parameter value [{job_id}] does not match ^[0-9]{{1,19}}$"
            errors.append(problems.parameter_error("id", [job_id], message))
        errors += _fields_errors(dict(query))
        if errors:
            return problem_reply(400, problems.invalid_request(errors))
        job = self._jobs.find(job_id, app)
        if job is None:  # X's lookup style: 200 with only errors
            return json_reply(200, problems.job_not_found(job_id))
        return json_reply(200, {"data": self._jobs.to_json(job)})

    def _create(self, app: str, query: Query, body: bytes | None) -> Reply:
        errors = _query_errors(query, allowed=())
        request, body_errors = _create_request(body)
        errors += body_errors
        if errors:
            return problem_reply(400, problems.invalid_request(errors))
        job = self._jobs.create(app, request.type, request.name, request.resumable)
        if job is None:
            return problem_reply(409, problems.CONFLICT)
        return json_reply(200, {"data": self._jobs.to_json(job)})


@dataclass(frozen=True)
class _CreateRequest:
    type: str = ""
    name: str | None = None
    resumable: bool = False


def _query_errors(query: Query, allowed: tuple[str, ...]) -> list[ParameterError]:
    """Unknown and repeated query parameters, in X's words."""
    errors: list[ParameterError] = []
    names = [name for name, _ in query]
    for name in dict.fromkeys(names):
        values = [value for key, value in query if key == name]
        if name not in allowed:
            message = f"The query parameter [{name}] is not one of [{','.join(allowed)}]"
            errors.append(problems.parameter_error(name, values, message))
        elif len(values) > 1:
            message = f"The `{name}` query parameter may only be given once"
            errors.append(problems.parameter_error(name, values, message))
    return errors


def _empty(name: str) -> ParameterError:
    """A required parameter that is absent, or any parameter given as an empty string."""
    message = f"The `{name}` query parameter can not be empty"
    return problems.parameter_error(name, [], message)


def _enum_errors(values: dict[str, str], name: str, allowed: tuple[str, ...]) -> list[ParameterError]:
    value = values.get(name)
    if value is None or value in allowed:
        return []
    return [_empty(name) if value == "" else problems.not_one_of(name, value, allowed)]


def _fields_errors(values: dict[str, str]) -> list[ParameterError]:
    """``compliance_job.fields`` is checked; the answer always holds every field (X's default)."""
    value = values.get(FIELDS_PARAMETER)
    if value is None:
        return []
    if value == "":
        return [_empty(FIELDS_PARAMETER)]
    fields = value.split(",")
    errors = [
        problems.not_one_of(FIELDS_PARAMETER, field, JOB_FIELDS)
        for field in fields
        if field not in JOB_FIELDS
    ]
    for field in {field for field in fields if fields.count(field) > 1}:
        message = f"The `{FIELDS_PARAMETER}` query parameter value [{field}] is given more than once"
        errors.append(problems.parameter_error(FIELDS_PARAMETER, [field], message))
    return errors


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _shown(value: object) -> list[str]:
    return [value if isinstance(value, str) else json.dumps(value)]


def _create_request(body: bytes | None) -> tuple[_CreateRequest, list[ParameterError]]:
    """The create body checked against the spec's schema, with X's (JSON-schema) messages."""
    if body is None:
        return _CreateRequest(), [{"parameters": {}, "message": "The request body is too long"}]
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _CreateRequest(), [{"parameters": {}, "message": "The request body is not valid JSON"}]
    if not isinstance(document, dict):
        message = f"$: {_json_kind(document)} found, object expected"
        return _CreateRequest(), [{"parameters": {}, "message": message}]
    errors: list[ParameterError] = []
    job_type = document.get("type")
    if "type" not in document:
        errors.append(problems.parameter_error("type", [], "$.type: is missing but it is required"))
    elif not isinstance(job_type, str):
        message = f"$.type: {_json_kind(job_type)} found, string expected"
        errors.append(problems.parameter_error("type", _shown(job_type), message))
    elif job_type not in JOB_TYPES:
        message = f"$.type: does not have a value in the enumeration [{', '.join(JOB_TYPES)}]"
        errors.append(problems.parameter_error("type", [job_type], message))
    name = document.get("name")
    if "name" in document and not isinstance(name, str):
        message = f"$.name: {_json_kind(name)} found, string expected"
        errors.append(problems.parameter_error("name", _shown(name), message))
    elif isinstance(name, str) and len(name) > NAME_MAX:
        message = f"$.name: may only be {NAME_MAX} characters long"
        errors.append(problems.parameter_error("name", [name], message))
    resumable = document.get("resumable", False)
    if not isinstance(resumable, bool):
        message = f"$.resumable: {_json_kind(resumable)} found, boolean expected"
        errors.append(problems.parameter_error("resumable", _shown(resumable), message))
    if errors:
        return _CreateRequest(), errors
    assert isinstance(job_type, str) and isinstance(resumable, bool)
    return _CreateRequest(job_type, name if isinstance(name, str) else None, resumable), []
