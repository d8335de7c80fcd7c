"""What the sync client does where the async one awaits: the same names as ``_async_io``, each
doing its work in the calling thread. See ``_async_io`` for why the two modules exist.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Generator, Iterator
from typing import Any, Generic, TypeAlias, TypeVar

T = TypeVar("T")

Stream: TypeAlias = Generator[T, None, None]
"""What the client yields as it goes: an upload's body, a download's chunks, results."""

Sleep: TypeAlias = Callable[[float], None]
"""A function that waits that many seconds."""

sleep = time.sleep
"""What waits between retries and polls, unless the caller passes its own."""


def run_in_thread(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)``, here: the sync client's caller owns the thread."""
    return function(*args)


def run_owned_in_thread(function: Callable[..., T], *args: Any, release: Callable[[T], None]) -> T:
    """``function(*args)``, here (``release`` serves the async twin, whose caller may be cancelled)."""
    return function(*args)


def iterate_in_thread(items: Iterator[T]) -> Generator[T, None, None]:
    """``items`` as they come; closing this closes ``items``."""
    yield from items


class ClosingIterator(Generic[T]):
    """An iterator that is also a context manager, so that a caller who stops early releases what
    it holds (a connection) at once, without relying on garbage collection: ``with
    client.iter_results(job) as results: for result in results: ...``. Iterating it to the end
    releases it too."""

    def __init__(self, items: Generator[T, None, None]) -> None:
        self._items = items

    def __iter__(self) -> Generator[T, None, None]:
        # The generator itself, so that a for loop takes each item from it directly: a __next__
        # of this class would cost a Python call per result.
        return self._items

    def __next__(self) -> T:
        return self._items.__next__()

    def close(self) -> None:
        self._items.close()

    def __enter__(self) -> ClosingIterator[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


closing = contextlib.closing
