"""What the async client does with ``async``/``await``: sleeping, threads for disk work, closing.

The clients' control flow is written once, in ``_async_client.py``; ``_sync_client.py`` is made
from it by ``overrides/scripts/unasync.py``, which turns this module's name into ``_sync_io``.
The two modules hold the same names, each for its kind of client, and are all that differs.
Disk work (reading upload blocks, waiting on the read-ahead queue, writing results, the final
``fsync``) runs in worker threads here, so that the event loop never blocks on it. asyncio is
imported where it is used, not with the module: ``import x_compliance`` (for the sync client) need
not pay for loading it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")

Stream: TypeAlias = AsyncGenerator[T, None]
"""What the client yields as it goes: an upload's body, a download's chunks, results."""

Sleep: TypeAlias = Callable[[float], Awaitable[None]]
"""A function that waits that many seconds."""


async def sleep(seconds: float) -> None:
    """What waits between retries and polls, unless the caller passes its own."""
    import asyncio

    await asyncio.sleep(seconds)


_END = object()


async def run_in_thread(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a worker thread."""
    import asyncio

    return await asyncio.to_thread(function, *args)


async def run_owned_in_thread(function: Callable[..., T], *args: Any, release: Callable[[T], None]) -> T:
    """``function(*args)`` in a worker thread, for work whose result owns something (a spool file).
    If the caller is cancelled meanwhile, the thread still finishes: ``release`` its result then,
    rather than leave what it owns behind."""
    import asyncio

    work = asyncio.ensure_future(asyncio.to_thread(function, *args))
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        work.add_done_callback(lambda done: _release(done, release))
        raise


def _release(done: asyncio.Future[T], release: Callable[[T], None]) -> None:
    if not done.cancelled() and done.exception() is None:
        release(done.result())


async def iterate_in_thread(items: Iterator[T]) -> AsyncGenerator[T, None]:
    """``items``, each step taken in a worker thread (a disk read, a wait on a queue). One thread
    takes every step, so closing ``items`` waits for a step still in flight."""
    import asyncio
    import concurrent.futures

    steps = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="x-compliance-io")
    loop = asyncio.get_running_loop()
    try:
        while (item := await loop.run_in_executor(steps, next, items, _END)) is not _END:
            yield item  # type: ignore[misc]  # not _END: a T
    finally:
        steps.submit(_close, items)
        steps.shutdown(wait=False)


def _close(items: Iterator[Any]) -> None:
    close = getattr(items, "close", None)
    if close is not None:
        close()


class ClosingIterator(Generic[T]):
    """An async iterator that is also an async context manager, so that a caller who stops early
    releases what it holds (a connection) at once: ``async with client.iter_results(job) as
    results: async for result in results: ...``. Iterating it to the end releases it too."""

    def __init__(self, items: AsyncGenerator[T, None]) -> None:
        self._items = items

    def __aiter__(self) -> AsyncGenerator[T, None]:
        # The generator itself, so that an async for loop takes each item from it directly.
        return self._items

    async def __anext__(self) -> T:
        return await self._items.__anext__()

    async def aclose(self) -> None:
        await self._items.aclose()

    async def __aenter__(self) -> ClosingIterator[T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


closing = contextlib.aclosing
