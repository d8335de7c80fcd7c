"""The benchmark's local server: X's three job reads and a signed-URL storage, on 127.0.0.1.

Run in its own process (``python _server.py DATA_DIR``; it prints its port, then serves until its
standard input closes or ``MAX_LIFETIME`` passes), so that its work runs on the other core and
costs every client measured against it the same. It is a raw-socket HTTP/1.1 server, one thread
per keep-alive connection, with every API body prepared in advance (only the rate-limit headers
are written per request): http.server's per-request parsing would cost as much as the client
overhead this benchmark is looking for.

- ``GET /2/compliance/jobs/ID``: one job, as X sends it (long signed URLs, rate-limit headers
  counting down as X's do, from a window large enough for the whole run).
- ``GET /2/compliance/jobs?...``: a page of ``LIST_PAGE`` jobs.
- ``GET /download/NAME``: the file ``DATA_DIR/NAME``, with ``Content-Length``, by ``sendfile``.
- ``PUT /upload/NAME``: a body with ``Content-Length`` (411 without), read and dropped; 200.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import socketserver
import sys
import threading
import time
from pathlib import Path
from typing import Any

LIST_PAGE = 100
RATE_LIMIT = 10_000_000
"""Requests per endpoint in the server's one window: more than any run makes."""
MAX_LIFETIME = 30 * 60
"""Seconds after which the server stops by itself, whatever its parent does."""
RECEIVE = 1024 * 1024

SIGNED = (
    "?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=complianceapi-public-svc-acct%40"
    "twttr-compliance-public-prod.iam.gserviceaccount.com%2F20211007%2Fauto%2Fstorage%2Fgoog4_request"
    "&X-Goog-Date=20211007T074118Z&X-Goog-Expires=900&X-Goog-SignedHeaders=content-type%3Bhost"
    "&X-Goog-Signature=" + "73fed859d21c4c43" * 32
)


def job(n: int) -> dict[str, Any]:
    """The n-th of a page of complete jobs shaped like the ones X sends: every job's id, URLs and
    timestamps its own (its URLs point at Cloud Storage, unused here)."""
    job_id = str(1446017776678801409 + n * 104729)
    storage = f"https://storage.googleapis.com/twttr-tweet-compliance/{job_id}"
    day, minute = 1 + n % 28, n % 60
    return {
        "upload_url": f"{storage}/submission/1168916625673924610_{job_id}{SIGNED}",
        "download_expires_at": f"2099-11-{day:02d}T07:{minute:02d}:18.000Z",
        "created_at": f"2021-10-{day:02d}T07:{minute:02d}:18.{n:03d}Z",
        "upload_expires_at": f"2099-10-{day:02d}T07:{minute:02d}:18.000Z",
        "type": "tweets",
        "resumable": False,
        "download_url": f"{storage}/delivery/1168916625673924610_{job_id}{SIGNED}",
        "status": "complete",
        "id": job_id,
        "name": f"stored-posts-{n}",
    }


JOB_BODY = json.dumps({"data": job(0)}, separators=(",", ":")).encode()
LIST_BODY = json.dumps(
    {"data": [job(n) for n in range(LIST_PAGE)], "meta": {"result_count": LIST_PAGE}}, separators=(",", ":")
).encode()


def answer(status: str, headers: dict[str, str], body_length: int) -> bytes:
    lines = [
        f"HTTP/1.1 {status}",
        f"content-length: {body_length}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def api_head(body_length: int, remaining: int, reset: int) -> bytes:
    headers = {
        "content-type": "application/json; charset=utf-8",
        "x-rate-limit-limit": str(RATE_LIMIT),
        "x-rate-limit-remaining": str(remaining),
        "x-rate-limit-reset": str(reset),
    }
    return answer("200 OK", headers, body_length)


class Connection(socketserver.BaseRequestHandler):
    """One keep-alive connection: requests in, prepared answers out."""

    data_dir: Path
    reset: int
    served: dict[str, itertools.count[int]]
    """Requests answered so far, per endpoint (the bucket's count)."""

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = b""
        while True:
            while b"\r\n\r\n" not in pending:
                data = sock.recv(65536)
                if not data:
                    return
                pending += data
            head, _, pending = pending.partition(b"\r\n\r\n")
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            method, target, _ = request_line.split(" ", 2)
            headers = {}
            for line in header_lines:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            path = target.split("?", 1)[0]
            if method == "PUT" and path.startswith("/upload/"):
                pending = self.upload(sock, headers, pending)
            elif method == "GET" and path.startswith("/download/"):
                self.download(sock, path.removeprefix("/download/"))
            elif method == "GET" and path.startswith("/2/compliance/jobs/"):
                self.api(sock, "get_job", JOB_BODY)
            elif method == "GET" and path == "/2/compliance/jobs":
                self.api(sock, "list_jobs", LIST_BODY)
            else:
                sock.sendall(answer("404 Not Found", {}, 0))

    def api(self, sock: socket.socket, endpoint: str, body: bytes) -> None:
        """A prepared body under headers that count the endpoint's bucket down, as X's do: a client
        that counts its own requests must see the server agree."""
        remaining = max(0, RATE_LIMIT - next(self.served[endpoint]))
        sock.sendall(api_head(len(body), remaining, self.reset) + body)

    def upload(self, sock: socket.socket, headers: dict[str, str], pending: bytes) -> bytes:
        """Read and drop a body of Content-Length bytes; what follows it stays pending."""
        if "content-length" not in headers:
            sock.sendall(answer("411 Length Required", {"connection": "close"}, 0))
            sock.close()
            return b""
        left = int(headers["content-length"])
        taken = min(left, len(pending))
        left -= taken
        pending = pending[taken:]
        buffer = bytearray(RECEIVE)
        while left:
            received = sock.recv_into(buffer, min(left, RECEIVE))
            if not received:
                return b""  # the client gave up mid-body: storage commits nothing
            left -= received
        sock.sendall(answer("200 OK", {"etag": '"bench"'}, 0))
        return pending

    def download(self, sock: socket.socket, name: str) -> None:
        path = self.data_dir / name
        if "/" in name or not path.is_file():
            sock.sendall(answer("404 Not Found", {}, 0))
            return
        size = path.stat().st_size
        sock.sendall(answer("200 OK", {"content-type": "application/octet-stream"}, size))
        with path.open("rb") as file:
            sock.sendfile(file)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(data_dir: Path) -> None:
    Connection.data_dir = data_dir
    Connection.reset = int(time.time()) + MAX_LIFETIME
    # next() on itertools.count is atomic under the GIL: connection threads may share one
    Connection.served = {"get_job": itertools.count(1), "list_jobs": itertools.count(1)}
    with Server(("127.0.0.1", 0), Connection) as server:
        print(server.server_address[1], flush=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        # Stop when the parent closes our stdin (or dies), or at the latest after MAX_LIFETIME.
        watcher = threading.Thread(target=sys.stdin.read, daemon=True)
        watcher.start()
        watcher.join(MAX_LIFETIME)
        server.shutdown()


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
    os._exit(0)  # connection threads may still be blocked in recv: do not wait for them
