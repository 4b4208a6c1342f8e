"""Reads gathered: many callers asking for different keys at once share a few queries.

While one read runs, the keys asked for wait for the next, which reads them all together.
A lone request is read at once. A reconnecting office (hundreds of websockets arriving in
the same second) thus costs a few reads for their admissions and for their rooms, not
one or two per socket.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class GatheredReads(Generic[K, V]):
    """`get(key)` answered by `read_many(keys)`, the keys of concurrent calls together."""

    def __init__(
        self, read_many: Callable[[list[K]], Awaitable[dict[K, V]]], max_batch: int = 500
    ) -> None:
        self.read_many = read_many
        self.max_batch = max_batch
        self._waiting: dict[K, list[asyncio.Future[V]]] = {}
        self._reading: asyncio.Task[None] | None = None

    async def get(self, key: K) -> V:
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(future)
        self._next()
        return await future

    def _next(self) -> None:
        if self._reading is not None or not self._waiting:
            return
        keys = list(self._waiting)[: self.max_batch]
        batch = {key: self._waiting.pop(key) for key in keys}
        self._reading = asyncio.get_running_loop().create_task(self._read(batch))

    async def _read(self, batch: dict[K, list[asyncio.Future[V]]]) -> None:
        try:
            values = await self.read_many(list(batch))
        except Exception as exc:
            for futures in batch.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(exc)
        else:
            for key, futures in batch.items():
                for future in futures:
                    if not future.done():
                        future.set_result(values[key])
        finally:
            self._reading = None
            self._next()
