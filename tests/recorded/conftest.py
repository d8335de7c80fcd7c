"""Cassette tests: the client against the emulator, recorded once with ``make record`` and
replayed offline in CI (``--record-mode=none``, network blocked), on any port.

When saving, the emulator's address becomes ``<EMULATOR>`` and the token ``<BEARER_TOKEN>``
(vcrpy's ``filter_sensitive_data``, which puts the current values back on replay); every
``X-Goog-Signature`` and resumable ``upload_id`` becomes ``REDACTED``. On replay the client's clock
is set to the recording's, so URL expiry checks see what they saw then. A test that leaves a
recorded interaction unused fails.

``make record-live`` records the same tests against the real API (``X_BEARER_TOKEN`` set,
``X_COMPLIANCE_LIVE=1``) into ``tests/cassettes/live/``; the results rule is then not asserted.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from attrs import frozen

from tests.conftest import REPO
from x_compliance._exchange import utc_now

LIVE = os.environ.get("X_COMPLIANCE_LIVE") == "1"
CASSETTES = REPO / "tests" / "cassettes"
REPLAY_BASE_URL = "http://127.0.0.1:9"  # any address: nothing is contacted on replay
_SECRET = re.compile(r"((?:X-Goog-Signature|upload_id)=)[^&\s\"'<>]+")


@frozen
class Endpoint:
    """Where the recorded tests talk to, and as whom."""

    base_url: str
    token: str
    live: bool


@pytest.fixture
def endpoint(record_mode: str) -> Iterator[Endpoint]:
    if LIVE:
        yield Endpoint("https://api.x.com", os.environ["X_BEARER_TOKEN"], live=True)
    elif record_mode == "none":
        yield Endpoint(REPLAY_BASE_URL, "replayed-token", live=False)
    else:
        from x_compliance.emulator import Emulator

        with Emulator(token="recording-token-0123456789", processing_seconds=0.5) as emu:
            yield Endpoint(emu.base_url, emu.token, live=False)


@pytest.fixture
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    module = request.module.__name__.rsplit(".", 1)[-1]
    return str(CASSETTES / ("live" if LIVE else "emulator") / module)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _SECRET.sub(r"\1REDACTED", value)
    if isinstance(value, bytes):
        return _SECRET.sub(r"\1REDACTED", value.decode("utf-8", "surrogateescape")).encode(
            "utf-8", "surrogateescape"
        )
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def scrub_signatures(request: Any, response: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """before_save_interaction: no signed URL's credential is ever written to a cassette."""
    request.uri = _scrub(request.uri)
    request.headers = _scrub(dict(request.headers))
    return request, _scrub(response)


@pytest.fixture
def vcr_config(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "filter_sensitive_data": {"<EMULATOR>": endpoint.base_url, "<BEARER_TOKEN>": endpoint.token},
        "before_save_interaction": scrub_signatures,
        "decode_compressed_response": True,
        "filter_headers": ["host"],  # the emulator's port; httpx sets it from the URL anyway
    }


@pytest.fixture
def clock(record_mode: str, vcr: Any) -> Callable[[], dt.datetime]:
    """Now, or on replay the time of the recording (its first answer's Date header)."""
    if record_mode != "none":
        return utc_now
    headers = {k.lower(): v for k, v in vcr.responses[0]["headers"].items()}
    recorded = email.utils.parsedate_to_datetime(headers["date"][0]).astimezone(dt.UTC)
    started = utc_now()
    return lambda: recorded + (utc_now() - started)


@pytest.fixture(autouse=True)
def every_recorded_interaction_is_used(request: pytest.FixtureRequest, record_mode: str) -> Iterator[None]:
    yield
    if record_mode == "none" and request.node.get_closest_marker("vcr") is not None:
        cassette = request.getfixturevalue("vcr")
        unused = len(cassette) - cassette.play_count
        assert unused == 0, f"{unused} recorded interactions were not used: re-record with make record"


def cassette_files() -> list[Path]:
    return sorted(CASSETTES.rglob("*.yaml"))
