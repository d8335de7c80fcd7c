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
from typing import BinaryIO, Final

import numpy as np
import numpy.typing as npt

IdArray = npt.NDArray[np.uint64]
CodeArray = npt.NDArray[np.uint8]
PositionArray = npt.NDArray[np.intp]

# IDs gathered into a plain buffer are folded into the sorted array this many at a time: the
# buffer is the only part that grows with the dataset before the fold removes its duplicates.
FOLD_EVERY: Final = 4_000_000
NO_REASON: Final = 0
MAX_DIGITS: Final = 19
WRITE_EVERY: Final = 1_000_000


class IdCollector:
    """Distinct IDs, added as they are read (``extend_array``) and read back sorted (``sorted``).

    Added IDs wait in a buffer; each full buffer becomes a sorted run of distinct IDs, and runs of
    like size are merged as they pile up (as a log-structured merge does), so that the work stays
    N log N and there are never more than a few dozen runs, nor much memory beyond the IDs.
    """

    def __init__(self) -> None:
        self._runs: list[IdArray] = []
        self._pending = array("Q")

    def extend_array(self, ids: IdArray) -> None:
        self._pending.frombytes(ids.astype(np.uint64, copy=False).tobytes())
        if len(self._pending) >= FOLD_EVERY:
            self._fold()

    def sorted(self) -> IdArray:
        """Every distinct ID added so far, ascending."""
        self._fold(everything=True)
        return self._runs[0] if self._runs else np.empty(0, dtype=np.uint64)

    def _fold(self, everything: bool = False) -> None:
        if self._pending:
            self._runs.append(np.unique(np.frombuffer(self._pending, dtype=np.uint64)))
            self._pending = array("Q")
        runs = self._runs
        while len(runs) > 1 and (everything or 2 * len(runs[-1]) >= len(runs[-2])):
            last = runs.pop()
            runs[-1] = np.union1d(runs[-1], last).astype(np.uint64, copy=False)


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
        """From (id, reason) pairs; the first reason of an id that appears twice wins."""
        names: dict[str, int] = {}
        ids = array("Q")
        codes = array("B")
        for id_, reason in results:
            code = names.setdefault(reason, len(names) + 1)
            if code > 255:
                raise ValueError("more than 255 different reasons in the results")
            ids.append(id_)
            codes.append(code)
        id_array = np.frombuffer(ids, dtype=np.uint64) if ids else np.empty(0, np.uint64)
        code_array = np.frombuffer(codes, dtype=np.uint8) if codes else np.empty(0, np.uint8)
        unique, first = np.unique(id_array, return_index=True)
        return cls(unique.astype(np.uint64), code_array[first], tuple(names))

    def __len__(self) -> int:
        return len(self.ids)

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
        for id_, code in zip(self.ids.tolist(), self.codes.tolist(), strict=True):
            yield id_, self.reasons[code - 1]
