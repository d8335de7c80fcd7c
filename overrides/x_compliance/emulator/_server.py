"""HTTP: routing each request to the API or to storage, injecting faults, writing replies.

A ``ThreadingHTTPServer`` speaking HTTP/1.1 with keep-alive, one thread per connection. The
server remembers its open connections so that ``close`` can end them: a stopped emulator must
not go on answering on a connection a client kept alive.
"""

from __future__ import annotations

import contextlib
import logging
import math
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

from x_compliance.emulator import _problems as problems
from x_compliance.emulator._api import MAX_CREATE_BODY, Api
from x_compliance.emulator._clock import Clock
from x_compliance.emulator._faults import Fault, Faults
from x_compliance.emulator._state import RateLimit
from x_compliance.emulator._storage import DOWNLOAD_PATH, UPLOAD_PATH, Storage
from x_compliance.emulator._wire import (
    CHUNK,
    ConnectionDropped,
    MalformedBody,
    Reply,
    RequestBody,
    html_reply,
    problem_reply,
    xml_reply,
)

logger = logging.getLogger("x_compliance.emulator")

JOBS_PATH: Final = "/2/compliance/jobs"
STATUS_PHRASES: Final = {308: "Resume Incomplete", 499: "Client Closed Request"}


class EmulatorServer(ThreadingHTTPServer):
    """The emulator's HTTP server: the API, storage and the faults to inject, on one port."""

    daemon_threads = True
    # Set by the Emulator once the port is bound (the signed URLs need it).
    api: Api
    storage: Storage
    faults: Faults
    clock: Clock
    rate_limit: int

    def __init__(self, address: tuple[str, int]) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open connection (their threads then finish)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer is routine here (faults, tests); anything else is
        # logged, never printed over the user's terminal.
        logger.debug("error while answering %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: EmulatorServer
    protocol_version = "HTTP/1.1"
    timeout = 60  # seconds a kept-alive connection may stay silent
    disable_nagle_algorithm = True  # headers and body go in separate writes: no 40 ms stalls
    server_version = "x-compliance-emulator"
    sys_version = ""

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header, on the clock of the rate-limit resets and expiries (tests move it), as
        # X's Date and resets are on one clock: clients judge a reset's distance from that Date.
        return super().date_time_string(self.server.clock.now() if timestamp is None else timestamp)

    def __getattr__(self, name: str) -> Callable[[], None]:
        # http.server looks up do_<METHOD>; every method, known or not, goes to one dispatcher,
        # so an undocumented one gets 405 rather than http.server's 501 page.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        try:
            body = RequestBody(self.rfile, self.headers)
        except MalformedBody:
            self._reject_malformed()
            return
        target, answer = self._route(url.path, url.query, body)
        fault = self.server.faults.take(target) if target is not None else None
        try:
            if fault is not None and fault.delay:
                time.sleep(fault.delay)
            if fault is not None and fault.status is not None and not fault.after:
                body.drain()
                self._send(self._fault_reply(fault))
                return
            if fault is not None and fault.reset_after_bytes is not None and target == "upload":
                for _ in body.chunks(limit=fault.reset_after_bytes):
                    pass
                self._drop()
                return
            reply = answer()
            if reply is None:  # the client went away in the middle of its body
                self._drop()
                return
            if not body.finished:  # whatever is left of the body would corrupt the next request
                self.close_connection = True
            if fault is not None and fault.status is not None:
                reply = self._fault_reply(fault)
            self._send(reply, cut=fault.reset_after_bytes if fault is not None else None)
        except ConnectionDropped:
            self._drop()
        except MalformedBody:
            self._reject_malformed()

    def _reject_malformed(self) -> None:
        """A body whose framing is broken: what follows it cannot be read as the next request."""
        self.close_connection = True
        self._send(problem_reply(400, problems.about_blank(400)))

    def _route(
        self, path: str, query: str, body: RequestBody
    ) -> tuple[str | None, Callable[[], Reply | None]]:
        """(fault target or None, a function that answers) for this request."""
        method = self.command
        api = self.server.api
        if path == JOBS_PATH and method in ("GET", "POST"):
            params = parse_qsl(query, keep_blank_values=True)
            if method == "GET":
                return "list", lambda: _drained(body, api.answer("list", self.headers, params))
            return "create", lambda: api.answer(
                "create", self.headers, params, body=body.read_all(MAX_CREATE_BODY)
            )
        if path.startswith(JOBS_PATH + "/") and "/" not in path[len(JOBS_PATH) + 1 :]:
            if method != "GET":
                return None, lambda: _not_allowed(body, "GET")
            job_id = unquote(path[len(JOBS_PATH) + 1 :])
            params = parse_qsl(query, keep_blank_values=True)
            return "get", lambda: _drained(body, api.answer("get", self.headers, params, job_id))
        if path == JOBS_PATH:
            return None, lambda: _not_allowed(body, "GET, POST")
        storage = self.server.storage
        fields = parse_qs(query, keep_blank_values=True)
        if _is_object(path, UPLOAD_PATH):
            return "upload", lambda: storage.upload(method, path, fields, self.headers, body)
        if _is_object(path, DOWNLOAD_PATH):
            return "download", lambda: storage.download(method, path, fields, self.headers, body)
        return None, lambda: _drained(body, problem_reply(404, problems.PAGE_NOT_FOUND))

    def _fault_reply(self, fault: Fault) -> Reply:
        status = fault.status
        assert status is not None
        if status in (502, 503):
            return html_reply(status, problems.html_page(status))
        if fault.target in ("upload", "download"):
            return xml_reply(status, problems.storage_fault(status))
        if status == 429:
            reset = math.ceil(self.server.clock.now() + fault.reset_in)
            state = RateLimit(self.server.rate_limit, 0, reset)
            return problem_reply(429, problems.TOO_MANY_REQUESTS, state.headers())
        return problem_reply(status, problems.about_blank(status))

    def _send(self, reply: Reply, cut: int | None = None) -> None:
        """Write ``reply``; with ``cut``, only that many bytes of its body, then hang up."""
        self.send_response(reply.status, STATUS_PHRASES.get(reply.status))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(reply.length))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            limit = reply.length if cut is None else min(cut, max(reply.length - 1, 0))
            self._write_body(reply, limit)
            if reply.sent is not None and limit == reply.length:
                reply.sent()
        if cut is not None:
            self._drop()

    def _write_body(self, reply: Reply, limit: int) -> None:
        if reply.file is None:
            self.wfile.write(reply.body[:limit])
            return
        with reply.file.path.open("rb") as source:
            source.seek(reply.file.start)
            while limit > 0:
                piece = source.read(min(CHUNK, limit))
                if not piece:
                    break
                self.wfile.write(piece)
                limit -= len(piece)

    def _drop(self) -> None:
        """Hang up without (finishing) an answer."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # One line per answer, at INFO: what ``--verbose`` shows. Never the query string: it holds
        # the signatures of storage URLs.
        logger.info("%s %s %s", self.command, urlsplit(self.path).path, code)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(format, *args)


def _is_object(path: str, prefix: str) -> bool:
    name = path.removeprefix(prefix)
    return name != path and bool(name) and "/" not in name


def _drained(body: RequestBody, reply: Reply) -> Reply:
    body.drain()
    return reply


def _not_allowed(body: RequestBody, allow: str) -> Reply:
    body.drain()
    return problem_reply(405, problems.about_blank(405), [("Allow", allow)])
