"""The recordings hold no secret and no machine-specific address."""

from __future__ import annotations

import re

import pytest

from tests.recorded.conftest import cassette_files

BEARER = re.compile(r"Bearer (?!<BEARER_TOKEN>)\S+")
SIGNATURE = re.compile(r"(?:X-Goog-Signature|upload_id)=(?!REDACTED)[^&\s\"']+")
ADDRESS = re.compile(r"127\.0\.0\.1:\d+")


def test_there_are_recordings() -> None:
    assert len(cassette_files()) >= 5


@pytest.mark.parametrize("path", cassette_files(), ids=lambda p: p.name)
def test_cassette_holds_no_secret(path: object) -> None:
    text = path.read_text()  # type: ignore[attr-defined]

    assert not BEARER.search(text), "a bearer token was recorded"
    assert not SIGNATURE.search(text), "a signed URL's credential was recorded"
    assert not ADDRESS.search(text), "the emulator's address was recorded instead of <EMULATOR>"
    assert "<EMULATOR>" in text
