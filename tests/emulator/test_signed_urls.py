"""Signed URLs: what storage refuses, with Cloud Storage's XML errors."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from tests.emulator.helpers import TEXT, create, get, ids_file, run, upload
from x_compliance.emulator import Emulator


def error_code(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text.startswith("<?xml version='1.0' encoding='UTF-8'?><Error><Code>")
    match = re.search(r"<Code>(\w+)</Code>", response.text)
    assert match is not None
    return match[1]


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_urls_are_under_the_emulators_address_with_goog_parameters(api: httpx.Client, emu: Emulator) -> None:
    job = create(api, "tweets")
    upload_url = urlsplit(job["upload_url"])
    assert job["upload_url"].startswith(f"{emu.base_url}/storage/upload/{job['id']}?")
    assert job["download_url"].startswith(f"{emu.base_url}/storage/download/{job['id']}?")
    query = parse_qs(upload_url.query)
    assert query["X-Goog-Algorithm"] == ["GOOG4-HMAC-SHA256"]
    assert query["X-Goog-SignedHeaders"] == ["content-type;host"]
    assert query["X-Goog-Credential"][0].startswith("emulator/")
    assert re.fullmatch(r"[0-9a-f]{64}", query["X-Goog-Signature"][0])
    assert parse_qs(urlsplit(job["download_url"]).query)["X-Goog-SignedHeaders"] == ["host"]


def test_resumable_upload_url_signs_x_goog_resumable(api: httpx.Client) -> None:
    job = create(api, "tweets", resumable=True)
    query = parse_qs(urlsplit(job["upload_url"]).query)
    assert query["X-Goog-SignedHeaders"] == ["content-type;host;x-goog-resumable"]


def test_tampered_signature_gets_403_signature_does_not_match(
    api: httpx.Client, storage: httpx.Client
) -> None:
    job = create(api, "tweets")
    url = with_query(job["upload_url"], **{"X-Goog-Signature": "0" * 64})
    response = storage.put(url, content=b"1\n", headers=TEXT)
    assert response.status_code == 403
    assert error_code(response) == "SignatureDoesNotMatch"
    assert get(api, job["id"])["status"] == "created"


def test_extended_expiry_breaks_the_signature(api: httpx.Client, storage: httpx.Client) -> None:
    job = create(api, "tweets")
    url = with_query(job["upload_url"], **{"X-Goog-Expires": "3600"})
    assert storage.put(url, content=b"1\n", headers=TEXT).status_code == 403


def test_wrong_content_type_gets_403_signature_does_not_match(
    api: httpx.Client, storage: httpx.Client
) -> None:
    job = create(api, "tweets")
    for content_type in ("application/octet-stream", "text/plain; charset=utf-8"):
        response = storage.put(job["upload_url"], content=b"1\n", headers={"Content-Type": content_type})
        assert response.status_code == 403
        assert error_code(response) == "SignatureDoesNotMatch"
    assert get(api, job["id"])["status"] == "created"


def test_missing_content_type_gets_403(api: httpx.Client, storage: httpx.Client) -> None:
    job = create(api, "tweets")
    assert storage.put(job["upload_url"], content=b"1\n").status_code == 403


def test_expired_upload_url_gets_400_expired_token(
    api: httpx.Client, storage: httpx.Client, emu: Emulator
) -> None:
    # given
    job = create(api, "tweets")
    emu.advance(901)
    # when
    response = upload(storage, job, b"1\n")
    # then
    assert response.status_code == 400
    assert error_code(response) == "ExpiredToken"
    expiry = job["upload_expires_at"].replace(".000Z", "+00:00")
    assert response.text == (
        "<?xml version='1.0' encoding='UTF-8'?><Error><Code>ExpiredToken</Code>"
        "<Message>Invalid argument.</Message><Details>The provided token has expired. "
        f"Request signature expired at: {expiry}</Details></Error>"
    )


def test_expired_download_url_gets_400_expired_token(
    api: httpx.Client, storage: httpx.Client, emu: Emulator
) -> None:
    job = run(api, storage, "tweets", ids_file(10))
    emu.advance(7 * 24 * 3600 + 1)
    response = storage.get(job["download_url"])
    assert response.status_code == 400
    assert error_code(response) == "ExpiredToken"


@pytest.mark.parametrize("url_field", ["upload_url", "download_url"])
def test_bearer_token_sent_to_storage_gets_400(
    api: httpx.Client, storage: httpx.Client, emu: Emulator, url_field: str
) -> None:
    # given
    job = run(api, storage, "tweets", ids_file(10)) if url_field == "download_url" else None
    job = job or create(api, "tweets")
    # when
    response = storage.request(
        "GET" if url_field == "download_url" else "PUT",
        job[url_field],
        content=b"" if url_field == "download_url" else b"1\n",
        headers={**TEXT, "Authorization": f"Bearer {emu.token}"},
    )
    # then
    assert response.status_code == 400
    assert error_code(response) == "InvalidAuthenticationInfo"
    assert emu.token not in response.text


def test_url_without_signature_gets_403_access_denied(api: httpx.Client, storage: httpx.Client) -> None:
    job = create(api, "tweets")
    response = storage.put(job["upload_url"].split("?")[0], content=b"1\n", headers=TEXT)
    assert response.status_code == 403
    assert error_code(response) == "AccessDenied"


def test_upload_url_does_not_download(api: httpx.Client, storage: httpx.Client) -> None:
    job = run(api, storage, "tweets", ids_file(10))
    swapped = job["upload_url"].replace("/storage/upload/", "/storage/download/")
    assert storage.get(swapped).status_code == 403


def test_post_to_a_plain_upload_url_is_refused(api: httpx.Client, storage: httpx.Client) -> None:
    job = create(api, "tweets")
    response = storage.post(job["upload_url"], headers={**TEXT, "x-goog-resumable": "start"})
    assert response.status_code == 403
    assert error_code(response) == "SignatureDoesNotMatch"


def test_another_emulators_url_does_not_match(
    api: httpx.Client, storage: httpx.Client, emu: Emulator
) -> None:
    job = create(api, "tweets")
    with Emulator() as other:
        response = upload(
            storage, {"upload_url": job["upload_url"].replace(emu.base_url, other.base_url)}, b"1\n"
        )
    assert response.status_code == 403
