"""Sets of IDs held compactly: sorted arrays of unsigned 64-bit integers, never a Python object
per ID.

numpy is the sweep's one extra dependency, and this is why: a dataset of hundreds of millions of
posts has hundreds of millions of distinct IDs. As a Python set of str they take about 80 bytes
each; as a sorted ``uint64`` array, 8 bytes, with membership answered for a whole batch at once
(``searchsorted``) at C speed. Every 1-19 digit ID fits in 64 unsigned bits (19 nines < 2**64).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Final, TypeGuard

import numpy as np
import numpy.typing as npt

from x_compliance.sweeps.decisions import SCRUB_GEO

IdArray = npt.NDArray[np.uint64]
CodeArray = npt.NDArray[np.uint8]
PositionArray = npt.NDArray[np.intp]

# IDs gathered into a plain buffer are folded into the sorted array when the buffer holds this
# many, or an eighth of the sorted array if that is more: folds stay few (each costs a pass over the
# sorted array), and the buffer at most 1 byte per distinct ID beside the array's 8.
FOLD_EVERY: Final = 1 << 18
FOLD_FRACTION: Final = 8
NO_REASON: Final = 0
MAX_DIGITS: Final = 19
WRITE_EVERY: Final = 1_000_000


def is_id(value: object) -> TypeGuard[str]:
    """Whether ``value`` is an ID as X writes it: a string of 1-19 ASCII digits."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS


def as_ids(ids: list[str]) -> IdArray | None:
    """The IDs as unsigned 64-bit integers, or None when any is not 1-19 ASCII digits: checked
    at C speed (one join, one conversion), not one regular expression per ID."""
    if not ids:  # a chunk without IDs of this kind (no author_id, empty pages) is not a bad one
        return np.empty(0, dtype=np.uint64)
    try:
        joined = "".join(ids)
    except TypeError:  # a number, a list, ...
        return None
    if not (joined.isascii() and joined.isdigit()) or (ids and max(map(len, ids)) > MAX_DIGITS):
        return None
    try:
        return np.array(ids, dtype=np.uint64)  # "" raises here
    except (ValueError, OverflowError):
        return None


class IdCollector:
    """Distinct IDs, added as they are read (``extend_array``) and read back sorted (``sorted``).

    Added IDs wait in a buffer; a full buffer is folded into one sorted array of distinct IDs, each
    new ID put in its place. The buffer is full at ``FOLD_EVERY`` IDs or an eighth of the array, so
    that folds stay few (each is a pass over the array) while the memory stays 8 bytes per distinct
    ID, and at most about 21 during a fold (the old array, the new one, a mask, the buffer and the
    new IDs' places): the sweep's bound is 24 (see the README's "Sweeps at scale").
    """

    def __init__(self) -> None:
        self._sorted: IdArray = np.empty(0, dtype=np.uint64)
        self._pending = array("Q")

    def extend_array(self, ids: IdArray) -> None:
        self._pending.frombytes(np.ascontiguousarray(ids, dtype=np.uint64).tobytes())
        self._maybe_fold()

    def sorted(self) -> IdArray:
        """Every distinct ID added so far, ascending."""
        self._fold()
        return self._sorted

    def _maybe_fold(self) -> None:
        if len(self._pending) >= max(FOLD_EVERY, len(self._sorted) // FOLD_FRACTION):
            self._fold()

    def _fold(self) -> None:
        """Merge the buffer into the sorted array: only IDs not in it yet, each put in its place."""
        if not self._pending:
            return
        pending = np.unique(np.frombuffer(self._pending, dtype=np.uint64))
        self._pending = array("Q")
        old = self._sorted
        if len(old):
            at = np.searchsorted(old, pending)
            known = old[np.minimum(at, len(old) - 1)] == pending
            pending, at = pending[~known], at[~known]
            del known
            if not len(pending):  # all seen before (a dataset that repeats itself): nothing to merge
                return
        else:
            at = np.zeros(len(pending), dtype=np.intp)
        merged = np.empty(len(old) + len(pending), dtype=np.uint64)
        new_places = at + np.arange(len(pending))  # its rank in old, plus the new IDs before it
        fresh = np.ones(len(merged), dtype=bool)
        fresh[new_places] = False
        merged[fresh] = old
        del fresh
        merged[new_places] = pending
        self._sorted = merged


def write_ids(ids: IdArray, file: BinaryIO) -> None:
    """``ids`` as an upload's text: one ID per line."""
    for start in range(0, len(ids), WRITE_EVERY):
        chunk = ids[start : start + WRITE_EVERY].tolist()
        file.write(("\n".join(map(str, chunk)) + "\n").encode())


class Verdicts:
    """What one job type's results say: a sorted array of the IDs with an event, the code of each
    one's reason beside it, and the reasons' names (code 0 is "no event")."""

    def __init__(self, ids: IdArray, codes: CodeArray, reasons: tuple[str, ...]) -> None:
        self.ids = ids
        self.codes = codes
        self.reasons = reasons  # reasons[code - 1] is the name of a code

    @classmethod
    def from_results(cls, results: Iterable[tuple[int, str]]) -> Verdicts:
        """From (id, reason) pairs. Results are events, so an id may come more than once: then its
        first reason other than ``scrub_geo`` wins (a post deleted after its geo was scrubbed goes),
        else its first reason.

        Memory: 9 bytes per result while reading, at most 26 while sorting, 9 once done."""
        names: dict[str, int] = {}
        ids = array("Q")
        codes = array("B")
        for id_, reason in results:
            code = names.setdefault(reason, len(names) + 1)
            if code > 255:
                raise ValueError("more than 255 different reasons in the results")
            ids.append(id_)
            codes.append(code)
        if not ids:
            return cls(np.empty(0, np.uint64), np.empty(0, np.uint8), tuple(names))
        scrubs = np.frombuffer(codes, dtype=np.uint8) == names.get(SCRUB_GEO, 0)
        # By id, then a scrub after any other reason; lexsort is stable: other ties keep their order.
        order = np.lexsort((scrubs, np.frombuffer(ids, dtype=np.uint64)))
        del scrubs
        sorted_ids = np.frombuffer(ids, dtype=np.uint64)[order]
        del ids
        sorted_codes = np.frombuffer(codes, dtype=np.uint8)[order]
        del order, codes
        first = np.ones(len(sorted_ids), dtype=bool)
        first[1:] = sorted_ids[1:] != sorted_ids[:-1]
        return cls(sorted_ids[first], sorted_codes[first], tuple(names))

    def __len__(self) -> int:
        return len(self.ids)

    def reason(self, code: int) -> str | None:
        """The name of a reason code (None for 0, no event)."""
        return self.reasons[code - 1] if code else None

    def lookup(self, ids: IdArray) -> CodeArray:
        """The reason code of each of ``ids`` (0 where there is no event)."""
        return self.find(ids)[0]

    def find(self, ids: IdArray) -> tuple[CodeArray, PositionArray]:
        """The reason code of each of ``ids`` (0: no event) and, where there is one, its position
        in ``self.ids`` (a number per ID with an event, for bitmaps such as ``RemovalLog``'s)."""
        if not len(self.ids):
            return np.zeros(len(ids), dtype=np.uint8), np.zeros(len(ids), dtype=np.intp)
        at = np.searchsorted(self.ids, ids)
        at[at >= len(self.ids)] = 0
        found = self.ids[at] == ids
        return np.where(found, self.codes[at], np.uint8(NO_REASON)).astype(np.uint8), at

    def hits_at(self, ids: list[str], codes: CodeArray, at: PositionArray) -> dict[str, tuple[str, int]]:
        """(reason, position) of each of ``ids`` whose code (from ``find``) says it has an event."""
        flagged = np.flatnonzero(codes)
        reasons = self.reasons
        return {
            ids[i]: (reasons[code - 1], position)
            for i, code, position in zip(
                flagged.tolist(), codes[flagged].tolist(), at[flagged].tolist(), strict=True
            )
        }

    def items(self) -> Iterator[tuple[int, str]]:
        for start in range(0, len(self.ids), WRITE_EVERY):  # a million Python objects at a time at most
            stop = start + WRITE_EVERY
            for id_, code in zip(self.ids[start:stop].tolist(), self.codes[start:stop].tolist(), strict=True):
                yield id_, self.reasons[code - 1]
