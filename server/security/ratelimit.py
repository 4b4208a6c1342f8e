"""Sliding-window rate limits: in this process, or in Redis when several processes serve
the same users (a limit per process would multiply the allowance by their number)."""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol


class Limiter(Protocol):
    async def hit(self, key: str) -> bool:
        """Record an event; False when the key is over its limit (the event is not counted)."""
        ...

    async def retry_after(self, key: str) -> int: ...


class RateLimiter:
    """At most `limit` events per `window` seconds for each key."""

    def __init__(self, limit: int, window: float = 60.0, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._events: dict[str, deque[float]] = {}

    async def hit(self, key: str) -> bool:
        """Record an event; False when the key is over its limit (the event is not counted)."""
        now = time.monotonic()
        events = self._events.get(key)
        if events is None:
            if len(self._events) >= self.max_keys:
                self._prune(now)
            events = self._events[key] = deque()
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True

    async def retry_after(self, key: str) -> int:
        events = self._events.get(key)
        if not events:
            return 0
        return max(1, int(events[0] + self.window - time.monotonic()) + 1)

    def _prune(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
            del self._events[key]


# Atomic sliding window on a sorted set of event times: drop old events, count, record.
_HIT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(ARGV[2] * 1000))
return 1
"""


class RedisRateLimiter:
    """The same limits, shared by every process through Redis."""

    def __init__(self, redis: Any, name: str, limit: int, window: float = 60.0) -> None:
        self.redis = redis
        self.name = name
        self.limit = limit
        self.window = window
        self._script = redis.register_script(_HIT)

    def _key(self, key: str) -> str:
        return f"{self.name}:{key}"

    async def hit(self, key: str) -> bool:
        now = time.time()
        member = f"{now:.6f}:{secrets.token_hex(4)}"
        args = [now, self.window, self.limit, member]
        return bool(await self._script(keys=[self._key(key)], args=args))

    async def retry_after(self, key: str) -> int:
        oldest = await self.redis.zrange(self._key(key), 0, 0, withscores=True)
        if not oldest:
            return 0
        return max(1, int(oldest[0][1] + self.window - time.time()) + 1)


def limiter_factory(redis_url: str, prefix: str) -> Callable[[str, int, float], Limiter]:
    """Make limiters in Redis when it is configured, else in this process."""
    if not redis_url:
        return lambda name, limit, window: RateLimiter(limit, window)
    import redis.asyncio as aioredis

    client = aioredis.from_url(redis_url)
    return lambda name, limit, window: RedisRateLimiter(
        client, f"{prefix}:limit:{name}", limit, window
    )
