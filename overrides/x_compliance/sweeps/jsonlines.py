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

Speed is bound by parsing (orjson): the work per line on top of it is a few list comprehensions.
Lines go a chunk (about a megabyte) at a time: the chunk's IDs are checked at once (one join,
one conversion to 64-bit integers) and looked up in the results at once (``Verdicts.lookup``);
only the lines that hold an ID with an event are walked object by object, and a chunk with none
is written out as it came. A chunk that fails the quick check is read again line by line, to name
the line and what is wrong with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, BinaryIO, Final, NoReturn, cast

import numpy as np
import numpy.typing as npt
import orjson

from x_compliance.sweeps.decisions import RemovalLog, for_post, for_user
from x_compliance.sweeps.errors import DatasetError
from x_compliance.sweeps.formats import Dataset, Lookups, Tally, writer
from x_compliance.sweeps.ids import IdArray, IdCollector, as_ids, is_id

JSONObject = dict[str, Any]
Hits = dict[str, tuple[str, int]]  # id -> (reason, position in the results)


class BadRecord(Exception):
    """A line the shape cannot read; the message says why (the caller adds file and line)."""


def _loads(line: bytes) -> object:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        try:  # what orjson refuses and json reads (NaN, 1e400, a lone surrogate escape)
            return _exact_loads(line)
        except ValueError:
            raise BadRecord("not valid JSON") from None


class Number(str):
    """A number that is not an integer (or NaN, Infinity), kept as written: a line read this way
    is written back with the same token, not a double's shortest form (or null, for what a double
    cannot hold)."""

    __slots__ = ()


def _exact_loads(line: bytes) -> Any:
    """The line's JSON with every number as written: integers of any size, others as ``Number``."""
    return json.loads(line, parse_float=Number, parse_constant=Number)


def _may_hold_long_number(line: bytes) -> bool:
    """Whether ``line`` may hold a number of 17 digits or more, which orjson may not read as it was
    written: an integer beyond 64 bits (read as a float), a fraction with more digits than a double
    holds. Such a line is read and written the exact way (a string that looks like one only costs
    that line some speed). A map and a substring search: a regular expression took four times as
    long as parsing the line."""
    return _LONG_NUMBER in line.translate(_NUMBER_SHAPE)


# What may stand before a number (":", ",", "[", white space) becomes ":", what a number begins
# with (digits, ".", "-") "0", anything else "x": a long number is ":" and 17 "0"s.
_NUMBER_SHAPE = bytes(
    ord("0") if chr(b) in "0123456789.-" else ord(":") if chr(b) in ":,[ \t\r\n" else ord("x")
    for b in range(256)
)
_LONG_NUMBER = b":" + b"0" * 17


def _dumps(record: JSONObject) -> bytes:
    """A rewritten record as a compact line: orjson's, or, for a record that holds what orjson
    cannot write as it was read (a ``Number``, an integer beyond 64 bits, a lone surrogate), the
    standard library's, value by value."""
    try:
        return orjson.dumps(record, option=orjson.OPT_PASSTHROUGH_SUBCLASS)
    except orjson.JSONEncodeError:
        return _exact_dumps(record).encode()


def _exact_dumps(value: object) -> str:
    if isinstance(value, Number):
        return str.__str__(value)
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if text.isascii() or _encodes(text) else json.dumps(value)  # a lone surrogate: escaped
    if isinstance(value, dict):
        return "{" + ",".join(f"{_exact_dumps(k)}:{_exact_dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(map(_exact_dumps, value)) + "]"
    return json.dumps(value)  # an integer, true, false, null


def _encodes(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _checked(value: object, what: str) -> str:
    if not is_id(value):
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


class _Chunk:
    """The records of one chunk of lines, their IDs, and the record each ID belongs to."""

    def __init__(self, first: int, lines: list[bytes]) -> None:
        self.first = first
        self.lines = lines  # the chunk split at its newlines (``Dataset.chunks``), then:
        self.newline = self.lines[-1] == b""  # the chunk ends with a newline
        if self.newline:
            self.lines.pop()
        self.records: list[JSONObject | None] = []  # None for a blank line
        self.posts: list[str] = []
        self.users: list[str] = []
        self.post_owner: list[int] = []  # the index of each ID's record in ``records``
        self.user_owner: list[int] = []
        self.user_objects = 0


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

    def take_ids(self, record: JSONObject, posts: list[str], users: list[str]) -> int:
        """Append the record's post and user IDs, unchecked; return how many user objects it holds.
        Raises KeyError, TypeError or AttributeError on anything unexpected (then ``check`` says what)."""
        raise NotImplementedError

    def take_all(self, chunk: _Chunk) -> None:
        """Take the IDs of every record of the chunk, with the record each belongs to."""
        posts, users = chunk.posts, chunk.users
        for index, record in enumerate(chunk.records):
            if record is not None:
                post_count, user_count = len(posts), len(users)
                chunk.user_objects += self.take_ids(record, posts, users)
                chunk.post_owner += [index] * (len(posts) - post_count)
                chunk.user_owner += [index] * (len(users) - user_count)

    def check(self, record: JSONObject) -> None:
        """Raise ``BadRecord`` saying what is wrong with the record's IDs, if anything."""
        raise NotImplementedError

    def rewrite(self, record: JSONObject, rewrite: _Rewrite) -> JSONObject | None:
        """The record after the decisions (None: drop the line); ``rewrite.changed`` tells if any applied."""
        raise NotImplementedError

    # Reading --------------------------------------------------------------------------------

    def _record(self, line: bytes) -> JSONObject | None:
        """The line's record; None for a blank line."""
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            if not line.strip():
                return None
            record = _loads(line)
        if not self.is_shape(record):
            raise BadRecord(f"not {self.name} like the file's first line (neither shape, or the other one)")
        assert isinstance(record, dict)
        return record

    def _read(self, dataset: Dataset, chunk: _Chunk, tally: Tally) -> None:
        lines = chunk.lines
        try:  # the common case, at orjson's speed: every line is a record of this shape
            chunk.records = [orjson.loads(line) for line in lines]
            if not all(map(self.is_shape, chunk.records)):
                raise BadRecord
        except (orjson.JSONDecodeError, BadRecord):  # a blank line, or one to name
            chunk.records = []
            for number, line in enumerate(lines, chunk.first):
                try:
                    chunk.records.append(self._record(line))
                except BadRecord as bad:
                    raise DatasetError(dataset.path, number, str(bad)) from None
        try:
            self.take_all(chunk)
        except (KeyError, TypeError, AttributeError):
            self._find_bad(dataset, chunk)
        tally.lines += len(lines)
        tally.posts += len(chunk.posts)
        tally.users += chunk.user_objects

    def _find_bad(self, dataset: Dataset, chunk: _Chunk) -> NoReturn:
        """Raise the ``DatasetError`` of the first record whose IDs fail the full check."""
        for number, record in enumerate(chunk.records, chunk.first):
            if record is not None:
                try:
                    self.check(record)
                except BadRecord as bad:
                    raise DatasetError(dataset.path, number, str(bad)) from None
        raise DatasetError(dataset.path, chunk.first, "the IDs of these lines cannot be read")

    def _ids(self, dataset: Dataset, chunk: _Chunk, ids: list[str]) -> IdArray:
        """The chunk's IDs as uint64, checked: a bad one names its line."""
        values = as_ids(ids)
        if values is None:
            self._find_bad(dataset, chunk)
        return values

    def gather(self, dataset: Dataset, posts: IdCollector, users: IdCollector) -> Tally:
        tally = Tally()
        for first, _, lines in dataset.chunks():
            chunk = _Chunk(first, lines)
            self._read(dataset, chunk, tally)
            posts.extend_array(self._ids(dataset, chunk, chunk.posts))
            users.extend_array(self._ids(dataset, chunk, chunk.users))
        return tally

    # Writing --------------------------------------------------------------------------------

    def apply(self, dataset: Dataset, out: BinaryIO, lookups: Lookups, log: RemovalLog) -> Tally:
        tally = Tally()
        with writer(dataset, out) as sink:
            write: Callable[[bytes], object] = sink.write
            for first, data, lines in dataset.chunks():
                chunk = _Chunk(first, lines)
                self._read(dataset, chunk, tally)
                post_codes, post_at = lookups.posts.find(self._ids(dataset, chunk, chunk.posts))
                user_codes, user_at = lookups.users.find(self._ids(dataset, chunk, chunk.users))
                touched = np.zeros(len(chunk.lines), dtype=np.bool_)
                touched[np.asarray(chunk.post_owner, dtype=np.intp)[post_codes != 0]] = True
                touched[np.asarray(chunk.user_owner, dtype=np.intp)[user_codes != 0]] = True
                if not touched.any():
                    write(data)
                    continue
                post_hits = lookups.posts.hits_at(chunk.posts, post_codes, post_at)
                user_hits = lookups.users.hits_at(chunk.users, user_codes, user_at)
                write(self._rewrite_chunk(chunk, touched, _Rewrite(post_hits, user_hits, log)))
        return tally

    def _rewrite_chunk(self, chunk: _Chunk, touched: npt.NDArray[np.bool_], rewrite: _Rewrite) -> bytes:
        lines: list[bytes | None] = list(chunk.lines)
        for n in np.flatnonzero(touched).tolist():
            line = chunk.lines[n]
            record = chunk.records[n]
            assert record is not None
            if _may_hold_long_number(line):  # orjson may have changed a number: read it exactly
                record = _exact_loads(line)
            rewrite.changed = False
            changed = self.rewrite(record, rewrite)
            if rewrite.changed:
                lines[n] = None if changed is None else _dumps(changed) + (b"\r" * line.endswith(b"\r"))
        kept = [line for line in lines if line is not None]
        if not kept:
            return b""
        # A last line without a newline that was dropped leaves the line before it with its own.
        ends_with_newline = chunk.newline or lines[-1] is None
        return b"\n".join(kept) + (b"\n" if ends_with_newline else b"")


class _Rewrite:
    """Decisions for the objects of one line, given the chunk's hits; ``changed`` once any applies."""

    def __init__(self, post_hits: Hits, user_hits: Hits, log: RemovalLog) -> None:
        self.post_hits = post_hits
        self.user_hits = user_hits
        self.log = log
        self.changed = False

    def keeps_post(self, post: JSONObject) -> bool:
        """False when the post goes; a kept post loses ``geo`` when X scrubbed it."""
        own = self.post_hits.get(post["id"])
        author_id = post.get("author_id") or _embedded_author_id(post)
        author = self.user_hits.get(author_id) if author_id else None
        if own is None and author is None:
            return True
        decision = for_post(own[0] if own else None, author[0] if author else None)
        assert decision is not None
        # A scrub is logged too, for databases that hold geo elsewhere; a post's own decision once.
        if decision.via == "author" or (own is not None and self.log.first("post", own[1])):
            self.log.add(post["id"], "post", decision)
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
        self.changed = True
        if self.log.first("user", own[1]):
            decision = for_user(own[0])
            assert decision is not None
            self.log.add(user["id"], "user", decision)
        return False

    def posts(self, posts: list[JSONObject]) -> list[JSONObject]:
        # Most posts have no event: they are kept without a call (a page's authors are author_ids).
        post_hits, user_hits = self.post_hits, self.user_hits
        return [
            post
            for post in posts
            if (post["id"] not in post_hits and post.get("author_id") not in user_hits)
            or self.keeps_post(post)
        ]

    def users(self, users: list[JSONObject]) -> list[JSONObject]:
        hits = self.user_hits
        return [user for user in users if user["id"] not in hits or self.keeps_user(user)]


def _embedded_author_id(post: JSONObject) -> str | None:
    author = post.get("author")
    return author.get("id") if isinstance(author, dict) else None


class ResponsePages(_Shape):
    """JSON lines of API response pages (``data``, ``includes``, ``meta``)."""

    name = "response pages"

    def is_shape(self, record: object) -> bool:
        if not isinstance(record, dict):
            return False
        return isinstance(record.get("data"), list) or ("id" not in record and "meta" in record)

    def take_ids(self, record: JSONObject, posts: list[str], users: list[str]) -> int:
        data = record.get("data") or ()
        includes = record.get("includes") or {}
        tweets = includes.get("tweets") or ()
        included_users = includes.get("users") or ()
        for group in (data, tweets):
            posts += [post["id"] for post in group]
            authors = [post.get("author_id") for post in group]
            users += [a for a in authors if a is not None] if None in authors else authors
        users += [user["id"] for user in included_users]
        return len(included_users)

    def check(self, record: JSONObject) -> None:
        data = _objects(record, "data", "data")
        includes = record.get("includes") or {}
        if not isinstance(includes, dict):
            raise BadRecord("includes is not an object")
        for name, group in (
            ("data", data),
            ("includes.tweets", _objects(includes, "tweets", "includes.tweets")),
        ):
            for n, post in enumerate(group, 1):
                _checked(post.get("id"), f"post {n} of {name}")
                if post.get("author_id") is not None:
                    _checked(post["author_id"], f"the author_id of post {n} of {name}")
        for n, user in enumerate(_objects(includes, "users", "includes.users"), 1):
            _checked(user.get("id"), f"user {n} of includes.users")

    def rewrite(self, record: JSONObject, rewrite: _Rewrite) -> JSONObject | None:
        if "data" in record:
            record["data"] = rewrite.posts(record["data"])
        includes = record.get("includes")
        if includes:
            if "tweets" in includes:
                includes["tweets"] = rewrite.posts(includes["tweets"])
            if "users" in includes:
                includes["users"] = rewrite.users(includes["users"])
        return record


class FlatPosts(_Shape):
    """JSON lines of one post each (``twarc2 flatten``), maybe with an embedded ``author``."""

    name = "posts, one per line"

    def is_shape(self, record: object) -> bool:
        return isinstance(record, dict) and "id" in record and "data" not in record

    def take_ids(self, record: JSONObject, posts: list[str], users: list[str]) -> int:
        posts.append(record["id"])
        author_id = record.get("author_id")
        if author_id is not None:
            users.append(author_id)
        author = record.get("author")
        if author is None:
            return 0
        users.append(author["id"])
        return 1

    def take_all(self, chunk: _Chunk) -> None:
        if None in chunk.records:  # blank lines: record by record
            super().take_all(chunk)
            return
        # One comprehension per field: a flat file has a line per post, so per-line Python counts.
        records = cast("list[JSONObject]", chunk.records)
        chunk.posts = [record["id"] for record in records]
        chunk.post_owner = list(range(len(records)))
        authors: list[Any] = [record.get("author_id") for record in records]
        if None in authors:
            chunk.user_owner = [i for i, author_id in enumerate(authors) if author_id is not None]
            chunk.users = [authors[i] for i in chunk.user_owner]
        else:
            chunk.user_owner = list(range(len(records)))
            chunk.users = authors
        embedded = [i for i, record in enumerate(records) if record.get("author") is not None]
        chunk.users += [records[i]["author"]["id"] for i in embedded]
        chunk.user_owner += embedded
        chunk.user_objects = len(embedded)

    def check(self, record: JSONObject) -> None:
        _checked(record.get("id"), "the post")
        if record.get("author_id") is not None:
            _checked(record["author_id"], "the author_id of the post")
        author = record.get("author")
        if author is not None:
            if not isinstance(author, dict):
                raise BadRecord("author is not an object")
            _checked(author.get("id"), "the embedded author")

    def rewrite(self, record: JSONObject, rewrite: _Rewrite) -> JSONObject | None:
        keeps = rewrite.keeps_post(record)  # first: the post's author may be only its embedded one
        author = record.get("author")
        if author is not None and not rewrite.keeps_user(author):
            del record["author"]
        return record if keeps else None


FORMATS: Final = (ResponsePages(), FlatPosts())
