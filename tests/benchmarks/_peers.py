"""Other Python clients of X's compliance endpoints, each pointed at the benchmark's local server.

Installed by the ``bench`` extra (``pip install -e '.[bench]'``); a peer that is not installed is
left out. Only their job reads are measured: none of them has a helper that uploads IDs or streams
results (the table says "n/a").

- xdk (X's own SDK) takes ``base_url``.
- tweepy and twarc have ``https://api.twitter.com`` written into their code, so each gets a
  ``requests.Session`` that sends those URLs to the local server instead (tweepy's ``Client.session``,
  twarc's ``Twarc2.client``): a session swap, not a patch of their code. Everything else they do per
  call (headers, logging, response parsing) runs as it would against X.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

PEERS = ("tweepy", "xdk", "twarc")
REAL_HOST = "https://api.twitter.com"

Calls = dict[str, Callable[[], object]]
"""A peer's way to do each case, by case name ("get_job", "list_jobs")."""


def installed() -> list[str]:
    return [name for name in PEERS if importlib.util.find_spec(name) is not None]


def _redirecting_session(base_url: str) -> Any:
    import requests

    class Redirecting(requests.Session):
        """A session that sends requests for X's API host to the local server."""

        def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
            if isinstance(url, str) and url.startswith(REAL_HOST):
                url = base_url + url.removeprefix(REAL_HOST)
            return super().request(method, url, *args, **kwargs)

    return Redirecting()


def calls(peer: str, base_url: str, token: str, job_id: str) -> Calls:
    """How ``peer`` gets one job and lists a page of jobs, against ``base_url``."""
    if peer == "tweepy":
        import tweepy

        client = tweepy.Client(bearer_token=token)
        client.session = _redirecting_session(base_url)
        return {
            "get_job": lambda: client.get_compliance_job(job_id),
            "list_jobs": lambda: client.get_compliance_jobs("tweets"),
        }
    if peer == "xdk":
        import xdk

        x = xdk.Client(base_url=base_url, bearer_token=token)
        return {
            "get_job": lambda: x.compliance.get_jobs_by_id(job_id),
            "list_jobs": lambda: x.compliance.get_jobs(type="tweets"),
        }
    if peer == "twarc":
        import twarc

        t = twarc.Twarc2(bearer_token=token)
        session = _redirecting_session(base_url)
        session.headers.update(t.client.headers)  # its bearer token and User-Agent
        t.client = session
        return {
            "get_job": lambda: t.compliance_job_get(job_id),
            "list_jobs": lambda: t.compliance_job_list("tweets", None),
        }
    raise ValueError(f"unknown peer {peer!r}")
