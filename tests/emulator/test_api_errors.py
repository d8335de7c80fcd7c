"""The API's answers to bad requests: X's bodies, statuses and content types."""

from __future__ import annotations

import httpx
import pytest

from tests.emulator.helpers import create
from x_compliance.emulator import Emulator

INVALID_REQUEST = "https://api.twitter.com/2/problems/invalid-request"


def invalid_request(errors: list[dict[str, object]]) -> dict[str, object]:
    return {
        "errors": errors,
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": INVALID_REQUEST,
    }


def test_unknown_type_gets_xs_invalid_request_body(api: httpx.Client) -> None:
    # when
    response = api.get("/2/compliance/jobs", params={"type": "DUMMY"})
    # then
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == invalid_request(
        [
            {
                "parameters": {"type": ["DUMMY"]},
                "message": "The `type` query parameter value [DUMMY] is not one of [tweets,users]",
            }
        ]
    )


def test_missing_type_is_invalid(api: httpx.Client) -> None:
    response = api.get("/2/compliance/jobs")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"parameters": {"type": []}, "message": "The `type` query parameter can not be empty"}
    ]


def test_expired_is_not_a_status_filter(api: httpx.Client) -> None:
    response = api.get("/2/compliance/jobs", params={"type": "tweets", "status": "expired"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "parameters": {"status": ["expired"]},
            "message": "The `status` query parameter value [expired] is not one of "
            "[created,in_progress,failed,complete]",
        }
    ]


def test_unknown_query_parameter_is_invalid(api: httpx.Client) -> None:
    response = api.get("/2/compliance/jobs", params={"type": "tweets", "limit": "5"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "parameters": {"limit": ["5"]},
            "message": "The query parameter [limit] is not one of [type,status,compliance_job.fields]",
        }
    ]


def test_unknown_job_field_is_invalid(api: httpx.Client) -> None:
    response = api.get("/2/compliance/jobs", params={"type": "tweets", "compliance_job.fields": "id,colour"})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["parameters"] == {"compliance_job.fields": ["colour"]}


def test_repeated_job_field_is_invalid(api: httpx.Client) -> None:
    response = api.get("/2/compliance/jobs", params={"type": "tweets", "compliance_job.fields": "id,id"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "parameters": {"compliance_job.fields": ["id"]},
            "message": "The `compliance_job.fields` query parameter value [id] is given more than once",
        }
    ]


def test_repeated_query_parameter_is_invalid(api: httpx.Client) -> None:
    response = api.get("/2/compliance/jobs?type=tweets&type=users")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "parameters": {"type": ["tweets", "users"]},
            "message": "The `type` query parameter may only be given once",
        }
    ]


@pytest.mark.parametrize("job_id", ["abc", "12345678901234567890", "-1", "1.5"])
def test_malformed_job_id_is_invalid(api: httpx.Client, job_id: str) -> None:
    response = api.get(f"/2/compliance/jobs/{job_id}")
    assert response.status_code == 400
    assert response.json() == invalid_request(
        [
            {
                "parameters": {"id": [job_id]},
                "message": f"The `id` query parameter value [{job_id}] does not match ^[0-9]{{1,19}}$",
            }
        ]
    )


def test_unknown_job_id_answers_200_with_only_a_not_found_problem(api: httpx.Client) -> None:
    response = api.get("/2/compliance/jobs/123")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "errors": [
            {
                "value": "123",
                "detail": "Could not find compliance job with id: [123].",
                "title": "Not Found Error",
                "resource_type": "compliance_job",
                "parameter": "id",
                "resource_id": "123",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
        ]
    }


@pytest.mark.parametrize(
    ("body", "parameters", "message"),
    [
        ({"type": "DUMMY"}, {"type": ["DUMMY"]}, "$.type: does not have a value in the "
         "enumeration [tweets, users]"),
        ({}, {"type": []}, "$.type: is missing but it is required"),
        ({"type": 5}, {"type": ["5"]}, "$.type: integer found, string expected"),
        ({"type": "tweets", "name": "n" * 65}, {"name": ["n" * 65]},
         "$.name: may only be 64 characters long"),
        ({"type": "tweets", "resumable": "yes"}, {"resumable": ["yes"]},
         "$.resumable: string found, boolean expected"),
        ([], {}, "$: array found, object expected"),
    ],
)  # fmt: skip
def test_invalid_create_body_names_the_field(
    api: httpx.Client, body: object, parameters: dict[str, object], message: str
) -> None:
    response = api.post("/2/compliance/jobs", json=body)
    assert response.status_code == 400
    assert response.json() == invalid_request([{"parameters": parameters, "message": message}])


def test_create_body_that_is_not_json_is_invalid(api: httpx.Client) -> None:
    response = api.post("/2/compliance/jobs", content=b"{type: tweets")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"parameters": {}, "message": "The request body is not valid JSON"}]


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "Basic dGVzdC10b2tlbg=="])
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/2/compliance/jobs?type=tweets"), ("GET", "/2/compliance/jobs/1"),
     ("POST", "/2/compliance/jobs")],
)  # fmt: skip
def test_missing_or_wrong_token_gets_401_about_blank(
    emu: Emulator, storage: httpx.Client, authorization: str | None, method: str, path: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = storage.request(method, emu.base_url + path, headers=headers, json={"type": "tweets"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "title": "Unauthorized",
        "type": "about:blank",
        "status": 401,
        "detail": "Unauthorized",
    }
    assert emu.job_count() == 0


def test_second_running_job_of_a_type_gets_409_conflict(api: httpx.Client, emu: Emulator) -> None:
    # given
    create(api, "tweets")
    # when
    response = api.post("/2/compliance/jobs", json={"type": "tweets"})
    # then
    assert response.status_code == 409
    assert response.json() == {
        "title": "Conflict",
        "detail": "You cannot create a new job if one is already in progress.",
        "type": "https://api.twitter.com/2/problems/conflict",
    }
    assert emu.job_count("tweets") == 1


def test_running_job_of_one_type_does_not_block_the_other(api: httpx.Client) -> None:
    create(api, "tweets")
    assert api.post("/2/compliance/jobs", json={"type": "users"}).status_code == 200


def test_unknown_path_gets_404_problem(api: httpx.Client) -> None:
    response = api.get("/2/compliance/things")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_unsupported_method_gets_405_with_allow(api: httpx.Client) -> None:
    response = api.delete("/2/compliance/jobs")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
