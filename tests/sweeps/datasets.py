"""Hand-written datasets for the sweep's tests, and what the emulator's results rule (n % 10: 0
deleted, 1 suspended, 2 protected, 3 scrub_geo for posts / deactivated for users) says about them,
worked out here independently of the sweep's code (``tests.emulated.expected_results``)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from tests.emulated import expected_results

# (post id, author id): one pair for every kind of decision, by the ids' last digits.
CASES = {
    "own deleted": ("1000", "2004"),
    "own suspended": ("1011", "2014"),
    "own protected": ("1022", "2024"),
    "own scrub_geo, author clean: geo goes": ("1033", "2034"),
    "own scrub_geo, author suspended: removed via author": ("1043", "2041"),
    "clean, author deactivated: removed via author": ("1054", "2053"),
    "clean, author deleted: removed via author": ("1064", "2060"),
    "clean, author protected: removed via author": ("1074", "2072"),
    "clean, author clean: untouched": ("1085", "2085"),
}


def post(id: str, author_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": id,
        "author_id": author_id,
        "text": f"post {id} ✓",
        "geo": {"place_id": "01a9a39529b27f36"},
        **extra,
    }


def user(id: str) -> dict[str, Any]:
    return {"id": id, "username": f"user{id}", "name": "Ünïcode name"}


def page(
    posts: list[dict[str, Any]], users: list[dict[str, Any]], tweets: list[dict[str, Any]] = ()
) -> dict[str, Any]:  # type: ignore[assignment]
    document: dict[str, Any] = {"data": posts, "includes": {"users": users}}
    if tweets:
        document["includes"]["tweets"] = list(tweets)
    document["meta"] = {"result_count": len(posts), "next_token": "b26v89c19zqg8o3fpzbkk"}
    document["__twarc"] = {"url": "https://api.twitter.com/2/tweets/search/all?query=x", "version": "2.14.0"}
    return document


def line(record: Any) -> bytes:
    """A line as the API and twarc2 write it (spaces after separators, non-ASCII as is)."""
    return (json.dumps(record, ensure_ascii=False) + "\n").encode()


def write(path: Path, lines: list[bytes], compressed: bool = False) -> Path:
    body = b"".join(lines)
    path.write_bytes(gzip.compress(body) if compressed else body)
    return path


def read(path: Path) -> bytes:
    body = path.read_bytes()
    return gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body


def pages_dataset(path: Path, compressed: bool = False) -> Path:
    """Every case as a post in ``data`` (authors in includes.users), one page per case, plus a page
    whose every post goes and a page holding a quoted post in includes.tweets."""
    lines = [line(page([post(p, a)], [user(a)])) for p, a in CASES.values()]
    lines.append(line(page([post("1100", "2085"), post("1111", "2085")], [user("2085")])))  # all removed
    lines.append(line(page([post("1125", "2085")], [user("2085"), user("2091")], [post("1130", "2091")])))
    return write(path, lines, compressed)


def flat_dataset(path: Path, compressed: bool = False) -> Path:
    """Every case as one post per line, each with its embedded author."""
    lines = [line(post(p, a, author=user(a))) for p, a in CASES.values()]
    return write(path, lines, compressed)


def expected_post(post_id: str, author: str | None) -> tuple[str, str, str] | None:
    """(action, reason, via) for a post by DESIGN.md's rules on the emulator's results."""
    own = expected_results([post_id], "tweets").get(post_id)
    by = expected_results([author], "users").get(author) if author else None
    if own is not None and own[0] != "scrub_geo":
        return ("remove", own[0], "self")
    if by is not None:
        return ("remove", by[0], "author")
    if own is not None:
        return ("scrub_geo", "scrub_geo", "self")
    return None


def expected_user(user_id: str) -> str | None:
    found = expected_results([user_id], "users").get(user_id)
    return found[0] if found else None
