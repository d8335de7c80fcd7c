"""The decisions: what X's results mean for each post and user object of a dataset.

DESIGN.md's rules, as pure functions:

- a post is removed when its own result has any reason but ``scrub_geo`` (a reason X adds later
  counts as a removal: keeping a post X wants gone is the worse mistake), or when its author has
  any result of a users job (deleted, suspended, protected, deactivated, or anything else);
- a post that is kept but whose own reason is ``scrub_geo`` loses its geo data;
- a user object (``includes.users`` or an embedded ``author``) is removed when that user has any
  result.

``RemovalLog`` records each decision once per object, compactly, for ``removals.jsonl``.
"""

from __future__ import annotations

import functools
from array import array
from collections import Counter
from collections.abc import Iterator
from typing import Final, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import orjson
from attrs import define, field, frozen

SCRUB_GEO: Final = "scrub_geo"
YIELD_EVERY: Final = 1_000_000
COMPACT_EVERY: Final = 1 << 18

Kind = Literal["post", "user"]
Action = Literal["remove", "scrub_geo"]
Via = Literal["self", "author"]


class Decision(NamedTuple):
    """What happens to one object, and why. (A NamedTuple, not an attrs class: one is looked up
    per removed object, and a tuple's hash is computed in C.)"""

    action: Action
    reason: str
    via: Via


# A handful of reasons make a handful of decisions: each is made once, then reused.
@functools.cache
def for_post(own: str | None, author: str | None) -> Decision | None:
    """The decision for a post whose own result has reason ``own`` and whose author's has
    ``author`` (None: no result); None when the post stays as it is."""
    if own is not None and own != SCRUB_GEO:
        return Decision("remove", own, "self")
    if author is not None:
        return Decision("remove", author, "author")
    if own == SCRUB_GEO:
        return Decision("scrub_geo", own, "self")
    return None


@functools.cache
def for_user(own: str | None) -> Decision | None:
    """The decision for a user object whose result has reason ``own`` (None: no result)."""
    return Decision("remove", own, "self") if own is not None else None


@frozen
class Removal:
    """One line of ``removals.jsonl``."""

    id: str
    kind: Kind
    action: Action
    reason: str
    via: Via

    def to_json(self) -> bytes:
        """The record as one line of compact JSON, fields in the documented order."""
        fields = {
            "id": self.id,
            "kind": self.kind,
            "action": self.action,
            "reason": self.reason,
            "via": self.via,
        }
        return orjson.dumps(fields) + b"\n"


class RemovalLog:
    """Each object's decision, once: 8 bytes of ID and 2 of tag per record, de-duplicated as it goes.

    An object seen twice (a post in two pages, an author of many posts) is logged each time and
    kept once: a removal before a geo scrub, a post's own reason before its author's. Its size
    follows the distinct objects, not how often they recur: JSON lines log an object's own decision
    the ``first`` time only, and the log is compacted to one record per object whenever it has
    doubled since the last time (CSV and Parquet rows, posts removed for their author).
    """

    def __init__(self) -> None:
        self._ids = array("Q")
        self._tags = array("H")
        # A byte per ID with an event (by its position in the results): its own decision is logged
        # once, so the log grows with the distinct IDs, not with how often the datasets repeat them.
        self._seen: dict[Kind, bytearray] = {"post": bytearray(), "user": bytearray()}
        self._tag_of: dict[tuple[Kind, Decision], int] = {}
        self._compact_at = COMPACT_EVERY

    def add(self, id_: str, kind: Kind, decision: Decision) -> None:
        key = (kind, decision)
        tag = self._tag_of.get(key)
        if tag is None:
            tag = self._tag_of[key] = len(self._tag_of)
        self._ids.append(int(id_))
        self._tags.append(tag)
        if len(self._ids) >= self._compact_at:
            ids, tags = self._distinct()
            self._ids, self._tags = array("Q", ids.tobytes()), array("H", tags.tobytes())
            self._compact_at = max(COMPACT_EVERY, 2 * len(self._ids))

    def __len__(self) -> int:
        """Records held (before the de-duplication that ``removals`` does)."""
        return len(self._ids)

    def first(self, kind: Kind, position: int) -> bool:
        """True the first time it is asked about the ID at ``position`` of ``kind``'s results."""
        seen = self._seen[kind]
        if position >= len(seen):
            seen.extend(bytes(position + 1 - len(seen)))
        if seen[position]:
            return False
        seen[position] = 1
        return True

    def removals(self) -> Iterator[Removal]:
        """Posts then users, each by ascending ID, one record per object."""
        if not self._ids:
            return
        keys = list(self._tag_of)
        ids, tags = self._distinct()
        for start in range(0, len(ids), YIELD_EVERY):  # Python objects for a slice at a time, not all
            stop = start + YIELD_EVERY
            for id_, tag in zip(ids[start:stop].tolist(), tags[start:stop].tolist(), strict=True):
                k, decision = keys[tag]
                yield Removal(str(id_), k, decision.action, decision.reason, decision.via)

    def _distinct(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint16]]:
        """One record per object, the preferred one: users after posts, each kind by ascending ID."""
        keys = list(self._tag_of)
        ids = np.frombuffer(self._ids, dtype=np.uint64)
        tags = np.frombuffer(self._tags, dtype=np.uint16)
        kind = np.array([k == "user" for k, _ in keys], dtype=np.uint8)[tags]
        rank = np.array([(d.action == SCRUB_GEO) * 2 + (d.via == "author") for _, d in keys], dtype=np.uint8)[
            tags
        ]
        order = np.lexsort((rank, ids, kind))  # by kind, then id, then the preferred record first
        ids, tags, kind = ids[order], tags[order], kind[order]
        first = np.ones(len(ids), dtype=bool)
        first[1:] = (ids[1:] != ids[:-1]) | (kind[1:] != kind[:-1])
        return ids[first], tags[first]


@define
class RemovalCounts:
    """The report's counts, each object once (fed the de-duplicated removals)."""

    posts_removed: Counter[str] = field(factory=Counter)  # by the post's own reason
    posts_removed_via_author: Counter[str] = field(factory=Counter)  # by the author's reason
    posts_geo_scrubbed: int = 0
    users_removed: Counter[str] = field(factory=Counter)

    def add(self, removal: Removal) -> None:
        if removal.kind == "user":
            self.users_removed[removal.reason] += 1
        elif removal.action == SCRUB_GEO:
            self.posts_geo_scrubbed += 1
        elif removal.via == "author":
            self.posts_removed_via_author[removal.reason] += 1
        else:
            self.posts_removed[removal.reason] += 1
