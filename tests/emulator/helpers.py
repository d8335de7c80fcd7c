"""Small steps of the workflow, in plain HTTP, shared by the emulator's tests."""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlsplit

import httpx

JobJSON = dict[str, Any]
TEXT = {"Content-Type": "text/plain"}


def create(api: httpx.Client, job_type: str = "tweets", **fields: Any) -> JobJSON:
    response = api.post("/2/compliance/jobs", json={"type": job_type, **fields})
    assert response.status_code == 200, response.text
    job: JobJSON = response.json()["data"]
    return job


def get(api: httpx.Client, job_id: str) -> JobJSON:
    response = api.get(f"/2/compliance/jobs/{job_id}")
    assert response.status_code == 200, response.text
    job: JobJSON = response.json()["data"]
    return job


def upload(storage: httpx.Client, job: JobJSON, content: bytes) -> httpx.Response:
    return storage.put(job["upload_url"], content=content, headers=TEXT)


def ids_file(*ids: int | str) -> bytes:
    return "".join(f"{n}\n" for n in ids).encode()


def results(storage: httpx.Client, job: JobJSON) -> list[dict[str, Any]]:
    import json

    response = storage.get(job["download_url"])
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()]


def run(api: httpx.Client, storage: httpx.Client, job_type: str, content: bytes) -> JobJSON:
    """Create a job and upload ``content``; the job as it is right after."""
    job = create(api, job_type)
    assert upload(storage, job, content).status_code == 200
    return get(api, job["id"])


def raw_request(url: str, head: str, body: bytes = b"") -> socket.socket:
    """Send a request by hand (to break it on purpose); the connected socket."""
    parts = urlsplit(url)
    connection = socket.create_connection((parts.hostname or "", parts.port or 80), timeout=10)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.sendall(f"{head.format(target=target)}\r\n".encode() + body)
    return connection


def status_line(connection: socket.socket) -> bytes:
    """The first line of the server's answer on ``connection`` (waiting at most 5 s)."""
    connection.settimeout(5)
    return connection.recv(65536).split(b"\r\n", 1)[0]
