"""Every error answer becomes the matching typed error, with X's words and no secret."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import httpx
import pytest

import x_compliance as xc
from tests.client.scripted import JOB, Driver, json_response, problem, rate_headers, reset_in
from x_compliance import errors
from x_compliance.emulator import Emulator
from x_compliance_api.models import InvalidRequestProblem, Problem

Api = Callable[..., Driver]

INVALID_TYPE = {
    "errors": [
        {
            "parameters": {"type": ["DUMMY"]},
            "message": "The `type` query parameter value [DUMMY] is not one of [tweets,users]",
        }
    ],
    "title": "Invalid Request",
    "detail": "One or more parameters to your request was invalid.",
    "type": "https://api.twitter.com/2/problems/invalid-request",
}
NOT_FOUND_ERRORS = {
    "errors": [
        {
            "value": "1372966999991541762",
            "detail": "Could not find compliance job with id: [1372966999991541762].",
            "title": "Not Found Error",
            "resource_type": "compliance_job",
            "parameter": "id",
            "resource_id": "1372966999991541762",
            "type": "https://api.x.com/2/problems/resource-not-found",
        }
    ]
}
CONFLICT = {
    "title": "Conflict",
    "detail": "You cannot create a new job if one is already in progress.",
    "type": "https://api.twitter.com/2/problems/conflict",
}
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, xc.BadRequestError),
        (401, xc.AuthenticationError),
        (403, xc.PermissionDeniedError),
        (404, xc.NotFoundError),
        (409, xc.ConflictError),
        (429, xc.RateLimitError),
        (418, xc.APIError),
    ],
)
def test_status_maps_to_error_class(api: Api, status: int, error_class: type[xc.APIError]) -> None:
    x = api(problem(status, "Some Title", "Some detail."))

    with pytest.raises(error_class) as caught:
        x.get_job("1")

    error = caught.value
    assert type(error) is error_class
    assert error.status_code == status
    assert (error.title, error.detail) == ("Some Title", "Some detail.")
    said = f"{status} Some Title: Some detail."
    if isinstance(error, xc.RateLimitError):
        said += f"; the bucket resets at {error.reset_at:%Y-%m-%d %H:%M:%S} UTC"
    if isinstance(error, xc.NotFoundError):
        said = f"job 1 was not found (X answered {said})"
    assert str(error) == said


def test_server_error_after_retries(api: Api) -> None:
    x = api(*(problem(500, "Internal Error", "Oops") for _ in range(3)))

    with pytest.raises(xc.ServerError, match="500 Internal Error: Oops"):
        x.get_job("1")

    assert len(x.script.requests) == 3


def test_unauthorized_has_x_words(api: Api) -> None:
    body = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
    x = api(json_response(401, body))

    with pytest.raises(xc.AuthenticationError) as caught:
        x.list_jobs("tweets")

    assert str(caught.value) == "401 Unauthorized"
    assert caught.value.problems[0].type_ == "about:blank"


def test_invalid_request_lists_each_parameter(api: Api) -> None:
    x = api(json_response(400, INVALID_TYPE))

    with pytest.raises(xc.BadRequestError) as caught:
        x.list_jobs("tweets")

    error = caught.value
    assert "The `type` query parameter value [DUMMY] is not one of [tweets,users]" in str(error)
    (invalid,) = error.problems
    assert isinstance(invalid, xc.InvalidRequestProblem)
    assert invalid.errors[0].parameters.additional_properties == {"type": ["DUMMY"]}


def test_conflict_carries_x_detail(api: Api) -> None:
    x = api(json_response(409, CONFLICT))

    with pytest.raises(xc.ConflictError, match="already in progress"):
        x.create_job("tweets")


def test_200_with_only_not_found_problem_is_not_found(api: Api) -> None:
    x = api(json_response(200, NOT_FOUND_ERRORS))

    with pytest.raises(xc.NotFoundError) as caught:
        x.get_job("1372966999991541762")

    assert caught.value.status_code == 200
    assert "Could not find compliance job" in str(caught.value)
    assert caught.value.problems[0].resource_id == "1372966999991541762"


def test_not_found_job_says_which_job_was_not_found(api: Api) -> None:
    x = api(json_response(200, NOT_FOUND_ERRORS))

    with pytest.raises(xc.NotFoundError) as caught:
        x.get_job("1372966999991541762")

    assert str(caught.value) == (
        "job 1372966999991541762 was not found (X answered 200 with a resource-not-found problem: "
        "Could not find compliance job with id: [1372966999991541762].)"
    )
    assert caught.value.status_code == 200 and caught.value.title == "Not Found Error"


def test_404_for_a_job_says_which_job_was_not_found(api: Api) -> None:
    x = api(problem(404, "Not Found Error", "Sorry, that page does not exist."))

    with pytest.raises(xc.NotFoundError) as caught:
        x.get_job("42")

    assert (
        str(caught.value)
        == "job 42 was not found (X answered 404 Not Found Error: Sorry, that page does not exist.)"
    )
    assert caught.value.status_code == 404


def test_404_for_a_list_keeps_x_words(api: Api) -> None:
    x = api(problem(404, "Not Found Error", "Sorry, that page does not exist."))

    with pytest.raises(xc.NotFoundError, match=r"^404 Not Found Error: Sorry, that page does not exist\.$"):
        x.list_jobs("tweets")


def test_not_found_job_on_the_emulator_says_which_job(emu: Emulator) -> None:
    client = xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url)
    with client, pytest.raises(xc.NotFoundError) as caught:
        client.get_job("1234567890123456789")

    assert str(caught.value).startswith("job 1234567890123456789 was not found (X answered 200 with")
    assert caught.value.problems[0].resource_id == "1234567890123456789"


def test_200_with_data_and_errors_returns_data(api: Api) -> None:
    x = api(json_response(200, {"data": JOB, **NOT_FOUND_ERRORS}))

    assert x.get_job("1").id == JOB["id"]


def test_200_with_other_problem_only_is_api_error(api: Api) -> None:
    body = {"errors": [{"title": "Odd", "detail": "Something", "type": "https://api.x.com/2/problems/odd"}]}
    x = api(json_response(200, body))

    with pytest.raises(xc.APIError) as caught:
        x.get_job("1")

    assert type(caught.value) is xc.APIError
    assert str(caught.value) == "200 Odd: Something"


def test_html_502_is_server_error_with_excerpt(api: Api) -> None:
    page = httpx.Response(502, content=HTML_502, headers={"content-type": "text/html"})
    x = api(page, page, page)

    with pytest.raises(xc.ServerError) as caught:
        x.get_job("1")

    assert caught.value.status_code == 502
    assert caught.value.problems == ()
    assert str(caught.value).startswith("502 Bad Gateway: '<html><head><title>502 Bad Gateway")


def test_200_that_is_not_json_is_api_error(api: Api) -> None:
    x = api(httpx.Response(200, content=b"<html>maintenance</html>"))

    with pytest.raises(xc.APIError) as caught:
        x.get_job("1")

    assert caught.value.status_code == 200
    assert "cannot read" in str(caught.value) and "<html>maintenance</html>" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_200_missing_required_field_is_api_error(api: Api) -> None:
    job = {k: v for k, v in JOB.items() if k != "status"}
    x = api(json_response(200, {"data": job}))

    with pytest.raises(xc.APIError, match="KeyError: 'status'") as caught:
        x.get_job("1")

    assert "deadbeefcafe" not in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [b"[]", b"null", b'{"data": []}', b'{"data": {"id": 5}}', b'{"data": "x"}', b""],
)
def test_malformed_200_bodies_are_api_errors(api: Api, body: bytes) -> None:
    x = api(httpx.Response(200, content=body))

    with pytest.raises(xc.APIError):
        x.get_job("1")


def test_list_answer_that_is_not_a_list_is_api_error(api: Api) -> None:
    x = api(json_response(200, {"data": JOB}))

    with pytest.raises(xc.APIError):
        x.list_jobs("tweets")


def test_rate_limit_error_has_reset_at(api: Api) -> None:
    reset = reset_in(3600)
    x = api(json_response(429, {"title": "Too Many Requests", "type": "about:blank"}, rate_headers(0, reset)))

    with pytest.raises(xc.RateLimitError) as caught:
        x.list_jobs("tweets")

    assert caught.value.reset_at is not None
    assert caught.value.reset_at.timestamp() == reset
    assert x.sleeps == []


def test_every_error_is_a_compliance_error() -> None:
    classes = [getattr(errors, name) for name in errors.__all__]

    assert len(classes) == 19
    assert all(issubclass(cls, xc.ComplianceError) for cls in classes)
    assert all(getattr(xc, cls.__name__) is cls for cls in classes)


# Errors cross process pools: each pickles with what it carries --------------------------------------

FAILED_JOB = xc.ComplianceJob.from_dict({**JOB, "status": "failed", "error": "Line 3 is not a valid ID"})
PROBLEMS = [
    Problem.from_dict({"type": "about:blank", "title": "Unauthorized", "status": 401}),
    InvalidRequestProblem.from_dict(INVALID_TYPE),
]
HEADERS = {"content-type": "application/problem+json", "x-rate-limit-remaining": "0"}
RESET_AT = dt.datetime(2026, 1, 1, 12, 15, tzinfo=dt.UTC)


def example_of(cls: type[xc.ComplianceError]) -> xc.ComplianceError:
    """An instance of ``cls`` with every attribute it has set to something other than its default."""
    if issubclass(cls, xc.RateLimitError):
        return cls(
            "429 Too Many Requests", status_code=429, problems=PROBLEMS, headers=HEADERS, reset_at=RESET_AT
        )
    if issubclass(cls, xc.APIError):
        return cls("401 Unauthorized", status_code=401, problems=PROBLEMS, headers=HEADERS)
    if issubclass(cls, xc.APIConnectionError):
        return cls("GET /2/compliance/jobs failed: ConnectError", maybe_received=False)
    if issubclass(cls, xc.UploadError):
        return cls("storage refused the upload: 403", status_code=403, code="AccessDenied")
    if issubclass(cls, xc.DownloadError):
        return cls("results could not be read: 410", status_code=410)
    if issubclass(cls, xc.JobError):
        return cls("job 1446017776678801409 failed: Line 3 is not a valid ID", job=FAILED_JOB)
    return cls("something the package raises on purpose")


ERROR_CLASSES = [getattr(errors, name) for name in errors.__all__]


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_error_pickles_with_its_attributes(cls: type[xc.ComplianceError]) -> None:
    error = example_of(cls)

    copied = pickle.loads(pickle.dumps(error))

    assert type(copied) is cls
    assert copied.args == error.args and str(copied) == str(error)
    assert vars(copied) == vars(error)


def test_api_error_pickles_its_problems_as_they_were_read() -> None:
    error = example_of(xc.AuthenticationError)

    copied = pickle.loads(pickle.dumps(error))

    assert isinstance(copied, xc.APIError)
    assert copied.problems == error.problems and copied.detail is None  # Unset detail stays Unset
    assert (copied.title, copied.headers["x-rate-limit-remaining"]) == ("Unauthorized", "0")


def test_error_with_a_message_rewritten_after_it_was_raised_pickles_the_new_message() -> None:
    error = example_of(xc.ServerError)
    error.args = (f"{error}; the job may have been created",)

    copied = pickle.loads(pickle.dumps(error))

    assert str(copied) == "401 Unauthorized; the job may have been created"
    assert copied.status_code == 401


def fail_in_a_worker() -> None:
    raise example_of(xc.JobFailedError)


def test_error_raised_in_a_process_pool_arrives_whole() -> None:
    with ProcessPoolExecutor(1) as pool, pytest.raises(xc.JobFailedError) as caught:
        pool.submit(fail_in_a_worker).result()

    assert caught.value.job == FAILED_JOB and caught.value.job.error == "Line 3 is not a valid ID"
