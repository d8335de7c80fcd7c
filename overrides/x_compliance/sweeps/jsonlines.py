"""JSON lines, in the two shapes X API v2 data is stored in.

- Response pages, as the API and ``twarc2`` write them: ``{"data": [posts], "includes": {"users":
  [...], "tweets": [...]}, "meta": ...}``. Posts are in ``data`` and ``includes.tweets``; users in
  ``includes.users`` and, as ``author_id``, on each post.
- Flat posts, as ``twarc2 flatten`` writes them: one post object per line (``id``, ``author_id``,
  maybe an embedded ``author`` user object).

A line with nothing to change is copied byte for byte; a changed line is written as compact JSON
with its keys in their order. A page whose every post is removed keeps its line, with
``"data": []`` and its ``meta`` (pagination tokens, twarc's own metadata): the file keeps one line
per request made, and readers that expect ``data`` on every page still find it. A flat post that is
removed loses its line.

Lines are read in batches (a megabyte of the file at a time), so that the sweep's own work per line
stays small beside parsing it: each line is parsed once and its IDs taken, unchecked; the batch's
IDs are checked all at once (one string test of the batch; only when it fails is each ID checked
alone, to name the line), looked up in the results at once (``Verdicts.lookup``), and only the lines
with a hit are parsed again and rewritten: the others go out untouched, as runs of lines. Parsed
objects are not kept beyond their line, so that Python's garbage collector has nothing to scan.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, Final

import numpy as np
import orjson

from x_compliance.sweeps.decisions import RemovalLog, for_post, for_user
from x_compliance.sweeps.errors import DatasetError
from x_compliance.sweeps.formats import Dataset, LineBatch, Lookups, Tally, writer
from x_compliance.sweeps.ids import IdCollector, Verdicts

_ID = re.compile(r"[0-9]{1,19}")
MAX_ID_DIGITS: Final = 19
JSONObject = dict[str, Any]


class BadRecord(Exception):
    """A line the shape cannot read; the message says why (the caller adds file and line)."""


def _loads(line: bytes) -> object:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        try:  # what orjson refuses and json reads (integers beyond 64 bits)
            return json.loads(line)
        except ValueError:
            raise BadRecord("not valid JSON") from None


def _id(value: object, what: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        if value is None:
            raise BadRecord(f"{what} has no id")
        raise BadRecord(f"{what} has an id that is not 1-19 digits in a string: {str(value)[:40]!r}")
    return value


def _objects(container: JSONObject, key: str, what: str) -> list[JSONObject]:
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(map(isinstance, value, itertools.repeat(dict))):
        raise BadRecord(f"{what} is not a list of objects")
    return value


class _Ids:
    """The post and user IDs of a batch of lines, as found (``_CheckedIds`` checks each one), and
    where each line's IDs end in the two lists."""

    def __init__(self) -> None:
        self.posts: list[Any] = []
        self.users: list[Any] = []
        self.post_ends: list[int] = []
        self.user_ends: list[int] = []

    def post(self, post: JSONObject, where: str, n: int) -> None:
        """Post ``n`` (from 1) of ``where``: its ``id`` and its ``author_id``."""
        self.posts.append(post.get("id"))
        author = post.get("author_id")
        if author is not None:
            self.users.append(author)

    def user(self, id_: object, where: str, n: int) -> None:
        self.users.append(id_)

    def posts_of(self, posts: list[JSONObject], where: str) -> None:
        """Every post of the list ``where``."""
        self.posts.extend([post.get("id") for post in posts])
        self.users.extend([author for post in posts if (author := post.get("author_id")) is not None])

    def users_of(self, users: list[JSONObject], where: str) -> None:
        """Every user of the list ``where``."""
        self.users.extend([user.get("id") for user in users])

    def end_line(self) -> None:
        self.post_ends.append(len(self.posts))
        self.user_ends.append(len(self.users))

    def all_valid(self) -> bool:
        """Whether every ID found is a string of 1-19 ASCII digits: one test of the whole batch."""
        for ids in (self.posts, self.users):
            if not ids:
                continue
            try:
                joined = "".join(ids)  # a TypeError unless every one is a str
            except TypeError:
                return False
            if not (joined.isascii() and joined.isdigit()):
                return False
            if min(map(len, ids)) < 1 or max(map(len, ids)) > MAX_ID_DIGITS:
                return False
        return True


class _CheckedIds(_Ids):
    """The same, each ID checked as it is found, the error saying which object it is."""

    def post(self, post: JSONObject, where: str, n: int) -> None:
        what = _what(where, n)
        self.posts.append(_id(post.get("id"), what))
        author = post.get("author_id")
        if author is not None:
            self.users.append(_id(author, f"the author_id of {what}"))

    def user(self, id_: object, where: str, n: int) -> None:
        self.users.append(_id(id_, _what(where, n)))

    def posts_of(self, posts: list[JSONObject], where: str) -> None:
        for n, post in enumerate(posts, 1):
            self.post(post, where, n)

    def users_of(self, users: list[JSONObject], where: str) -> None:
        for n, user in enumerate(users, 1):
            self.user(user.get("id"), where, n)


def _what(where: str, n: int) -> str:
    """How an error names the object: "post 2 of data", "user 1 of includes.users", "the post"."""
    if not n:
        return where
    return f"{'user' if where == 'includes.users' else 'post'} {n} of {where}"


class _Rewrite:
    """Decisions for the objects of one line, given the batch's hits; ``changed`` once any applies."""

    def __init__(self, post_hits: dict[str, str], user_hits: dict[str, str], log: RemovalLog) -> None:
        self.post_hits = post_hits
        self.user_hits = user_hits
        self.log = log
        self.changed = False

    def keeps_post(self, post: JSONObject) -> bool:
        """False when the post goes; a kept post loses ``geo`` when X scrubbed it."""
        own = self.post_hits.get(post["id"])
        author = post.get("author_id") or _embedded_author_id(post)
        by = self.user_hits.get(author) if author else None
        if own is None and by is None:  # most posts of a changed page: no decision to make
            return True
        decision = for_post(own, by)
        if decision is None:
            return True
        self.log.add(post["id"], "post", decision)  # a scrub too, for databases that hold geo elsewhere
        if decision.action == "remove":
            self.changed = True
            return False
        if "geo" in post:
            del post["geo"]
            self.changed = True
        return True

    def keeps_user(self, user: JSONObject) -> bool:
        own = self.user_hits.get(user["id"])
        if own is None:
            return True
        decision = for_user(own)
        if decision is None:
            return True
        self.changed = True
        self.log.add(user["id"], "user", decision)
        return False

    def posts(self, posts: list[JSONObject]) -> list[JSONObject]:
        return [post for post in posts if self.keeps_post(post)]


class _Shape:
    """One JSON shape: how to read its IDs (checking them) and how to rewrite a line."""

    name: str

    def sniff(self, first: bytes) -> bool:
        try:
            return self.is_shape(_loads(first))
        except BadRecord:
            return False

    def is_shape(self, record: object) -> bool:
        raise NotImplementedError

    def ids(self, record: JSONObject, into: _Ids) -> tuple[int, int]:
        """Add the record's IDs to ``into``; return how many (posts, users) objects it holds."""
        raise NotImplementedError

    def rewrite(self, record: JSONObject, rewrite: _Rewrite) -> JSONObject | None:
        """The record after the decisions (None: drop the line); ``rewrite.changed`` tells if any applied."""
        raise NotImplementedError

    def record(self, line: bytes) -> JSONObject:
        record = _loads(line)
        if not self.is_shape(record):
            raise BadRecord(f"not {self.name} like the file's first line (neither shape, or the other one)")
        assert isinstance(record, dict)
        return record

    def read_batch(
        self,
        dataset: Dataset,
        batch: LineBatch,
        tally: Tally,
        checked: bool = False,
        records: list[JSONObject | None] | None = None,
    ) -> _Ids:
        """The IDs of the batch's lines, all checked; a ``DatasetError`` names the first line that is
        not of the shape or holds an ID that is not one (found by reading the batch again, checking
        each ID as it comes, only when the test of the whole batch fails)."""
        ids = _CheckedIds() if checked else _Ids()
        number = batch.first
        posts = users = 0
        try:
            for number, line in enumerate(batch.lines, batch.first):  # noqa: B007 (in the error)
                record = None
                if line and not line.isspace():
                    record = self.record(line)
                    found = self.ids(record, ids)
                    posts += found[0]
                    users += found[1]
                if records is not None:
                    records.append(record)
                ids.end_line()
        except BadRecord as bad:
            raise DatasetError(dataset.path, number, str(bad)) from None
        if not checked and not ids.all_valid():
            return self.read_batch(dataset, batch, tally, checked=True)
        tally.lines += len(batch.lines)
        tally.posts += posts
        tally.users += users
        return ids

    def gather(self, dataset: Dataset, posts: IdCollector, users: IdCollector) -> Tally:
        tally = Tally()
        for batch in dataset.line_batches():
            with _collector_paused():
                ids = self.read_batch(dataset, batch, tally)
            posts.extend(map(int, ids.posts))
            users.extend(map(int, ids.users))
        return tally

    def apply(self, dataset: Dataset, out: BinaryIO, lookups: Lookups, log: RemovalLog) -> Tally:
        tally = Tally()
        with writer(dataset, out) as sink:
            for batch in dataset.line_batches():
                with _collector_paused():
                    self.apply_batch(dataset, batch, sink.write, lookups, log, tally)
        return tally

    def apply_batch(
        self,
        dataset: Dataset,
        batch: LineBatch,
        write: Callable[[bytes], object],
        lookups: Lookups,
        log: RemovalLog,
        tally: Tally,
    ) -> None:
        """Write the batch's lines: those without a hit as they were, in runs; the others rewritten."""
        records: list[JSONObject | None] = []
        ids = self.read_batch(dataset, batch, tally, records=records)
        post_hits, post_lines = _hits(lookups.posts, ids.posts, ids.post_ends)
        user_hits, user_lines = _hits(lookups.users, ids.users, ids.user_ends)
        start = 0
        for at in sorted({*post_lines, *user_lines}):
            write(batch.raw(start, at))
            rewrite = _Rewrite(post_hits, user_hits, log)
            record = records[at]
            assert record is not None
            changed = self.rewrite(record, rewrite)
            if not rewrite.changed:
                write(batch.raw(at, at + 1))
            elif changed is not None:
                write(orjson.dumps(changed) + b"\n")
            start = at + 1
        write(batch.raw(start))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while one batch's parsed objects are alive.

    Parsed JSON holds no reference cycles: reference counting frees it as soon as the batch is
    done. Left running, the collector would scan those objects again and again while the batch is
    parsed (it runs every 700 new objects), which costs a fifth of the time of an apply of response
    pages. It runs again between batches, as usual.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _hits(verdicts: Verdicts, ids: list[str], ends: list[int]) -> tuple[dict[str, str], list[int]]:
    """The reason of each of ``ids`` that has a result, and the lines (positions in the batch) they
    are on, given where each line's IDs end."""
    if not ids or not len(verdicts):
        return {}, []
    codes = verdicts.lookup(np.fromiter(map(int, ids), dtype=np.uint64, count=len(ids)))
    flagged = np.flatnonzero(codes)
    if not len(flagged):
        return {}, []
    hits = {ids[i]: verdicts.reasons[codes[i] - 1] for i in flagged.tolist()}
    return hits, np.searchsorted(np.asarray(ends), flagged, side="right").tolist()


class ResponsePages(_Shape):
    """JSON lines of API response pages (``data``, ``includes``, ``meta``)."""

    name = "response pages"

    def is_shape(self, record: object) -> bool:
        if not isinstance(record, dict):
            return False
        return isinstance(record.get("data"), list) or ("id" not in record and "meta" in record)

    def ids(self, record: JSONObject, into: _Ids) -> tuple[int, int]:
        data = _objects(record, "data", "data")
        includes = record.get("includes") or {}
        if not isinstance(includes, dict):
            raise BadRecord("includes is not an object")
        tweets = _objects(includes, "tweets", "includes.tweets")
        users = _objects(includes, "users", "includes.users")
        into.posts_of(data, "data")
        into.posts_of(tweets, "includes.tweets")
        into.users_of(users, "includes.users")
        return len(data) + len(tweets), len(users)

    def rewrite(self, record: JSONObject, rewrite: _Rewrite) -> JSONObject | None:
        if "data" in record:
            record["data"] = rewrite.posts(record["data"])
        includes = record.get("includes")
        if includes:
            if "tweets" in includes:
                includes["tweets"] = rewrite.posts(includes["tweets"])
            if "users" in includes:
                includes["users"] = [user for user in includes["users"] if rewrite.keeps_user(user)]
        return record


class FlatPosts(_Shape):
    """JSON lines of one post each (``twarc2 flatten``), maybe with an embedded ``author``."""

    name = "posts, one per line"

    def is_shape(self, record: object) -> bool:
        return isinstance(record, dict) and "id" in record and "data" not in record

    def ids(self, record: JSONObject, into: _Ids) -> tuple[int, int]:
        into.post(record, "the post", 0)
        author = record.get("author")
        if author is None:
            return 1, 0
        if not isinstance(author, dict):
            raise BadRecord("author is not an object")
        into.user(author.get("id"), "the embedded author", 0)
        return 1, 1

    def rewrite(self, record: JSONObject, rewrite: _Rewrite) -> JSONObject | None:
        author = record.get("author")
        if author is not None and not rewrite.keeps_user(author):
            del record["author"]
        return record if rewrite.keeps_post(record) else None


def _embedded_author_id(post: JSONObject) -> str | None:
    author = post.get("author")
    return author.get("id") if isinstance(author, dict) else None


FORMATS: Final = (ResponsePages(), FlatPosts())
