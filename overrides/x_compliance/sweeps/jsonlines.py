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

Lines are read in batches, so that the IDs of a whole batch are looked up in the results at once
(``Verdicts.hits``): most batches have no hit, and their lines go out untouched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, Final

import orjson

from x_compliance.sweeps.decisions import RemovalLog, for_post, for_user
from x_compliance.sweeps.errors import DatasetError
from x_compliance.sweeps.formats import Dataset, Lookups, Tally, writer
from x_compliance.sweeps.ids import IdCollector

BATCH_LINES: Final = 4096
_ID = re.compile(r"[0-9]{1,19}")
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
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise BadRecord(f"{what} is not a list of objects")
    return value


class _Ids:
    """The post and user IDs of one batch of lines."""

    def __init__(self) -> None:
        self.posts: list[str] = []
        self.users: list[str] = []

    def post(self, post: JSONObject, what: str) -> None:
        self.posts.append(_id(post.get("id"), what))
        author = post.get("author_id")
        if author is not None:
            self.users.append(_id(author, f"the author_id of {what}"))


class _Rewrite:
    """Decisions for the objects of one line, given the batch's hits; ``changed`` once any applies."""

    def __init__(self, post_hits: dict[str, str], user_hits: dict[str, str], log: RemovalLog) -> None:
        self.post_hits = post_hits
        self.user_hits = user_hits
        self.log = log
        self.changed = False

    def keeps_post(self, post: JSONObject) -> bool:
        """False when the post goes; a kept post loses ``geo`` when X scrubbed it."""
        author = post.get("author_id") or _embedded_author_id(post)
        decision = for_post(self.post_hits.get(post["id"]), self.user_hits.get(author) if author else None)
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
        decision = for_user(self.user_hits.get(user["id"]))
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

    def batches(self, dataset: Dataset) -> Iterator[list[tuple[int, bytes]]]:
        batch: list[tuple[int, bytes]] = []
        for number, line in dataset.lines():
            batch.append((number, line))
            if len(batch) == BATCH_LINES:
                yield batch
                batch = []
        if batch:
            yield batch

    def read_batch(
        self, dataset: Dataset, batch: list[tuple[int, bytes]], tally: Tally
    ) -> tuple[list[JSONObject | None], _Ids]:
        records: list[JSONObject | None] = []
        ids = _Ids()
        for number, line in batch:
            tally.lines += 1
            if not line.strip():
                records.append(None)
                continue
            try:
                record = self.record(line)
                posts, users = self.ids(record, ids)
            except BadRecord as bad:
                raise DatasetError(dataset.path, number, str(bad)) from None
            tally.posts += posts
            tally.users += users
            records.append(record)
        return records, ids

    def gather(self, dataset: Dataset, posts: IdCollector, users: IdCollector) -> Tally:
        tally = Tally()
        for batch in self.batches(dataset):
            _, ids = self.read_batch(dataset, batch, tally)
            posts.extend(map(int, ids.posts))
            users.extend(map(int, ids.users))
        return tally

    def apply(self, dataset: Dataset, out: BinaryIO, lookups: Lookups, log: RemovalLog) -> Tally:
        tally = Tally()
        with writer(dataset, out) as sink:
            write: Callable[[bytes], object] = sink.write
            for batch in self.batches(dataset):
                records, ids = self.read_batch(dataset, batch, tally)
                post_hits = lookups.posts.hits(ids.posts)
                user_hits = lookups.users.hits(ids.users)
                if not post_hits and not user_hits:
                    for _, line in batch:
                        write(line)
                    continue
                for (_, line), record in zip(batch, records, strict=True):
                    if record is None:
                        write(line)
                        continue
                    rewrite = _Rewrite(post_hits, user_hits, log)
                    changed = self.rewrite(record, rewrite)
                    if not rewrite.changed:
                        write(line)
                    elif changed is not None:
                        write(orjson.dumps(changed) + b"\n")
        return tally


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
        for n, post in enumerate(data, 1):
            into.post(post, f"post {n} of data")
        for n, post in enumerate(tweets, 1):
            into.post(post, f"post {n} of includes.tweets")
        for n, user in enumerate(users, 1):
            into.users.append(_id(user.get("id"), f"user {n} of includes.users"))
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
        into.post(record, "the post")
        author = record.get("author")
        if author is None:
            return 1, 0
        if not isinstance(author, dict):
            raise BadRecord("author is not an object")
        into.users.append(_id(author.get("id"), "the embedded author"))
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
