"""Fixtures for the emulator's tests: a running emulator and an httpx client for its API.

The tests speak plain HTTP with httpx, never through x_compliance's client: they pin down what
the emulator itself does, which the client's tests then rely on.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from x_compliance.emulator import Emulator


@pytest.fixture(scope="session")
def transport() -> Iterator[httpx.HTTPTransport]:
    """One transport for every test: building httpx's TLS context per client costs 0.1 s."""
    with httpx.HTTPTransport() as shared:
        yield shared


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def api(emu: Emulator, transport: httpx.HTTPTransport) -> httpx.Client:
    """A client for the API, with the emulator's bearer token."""
    return api_client(emu, transport)


@pytest.fixture
def storage(transport: httpx.HTTPTransport) -> httpx.Client:
    """A client for signed URLs: no Authorization header, as storage requires."""
    return httpx.Client(transport=transport, timeout=10, trust_env=False)


def api_client(emu: Emulator, transport: httpx.HTTPTransport, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token or emu.token}"}
    return httpx.Client(
        base_url=emu.base_url, headers=headers, transport=transport, timeout=10, trust_env=False
    )
