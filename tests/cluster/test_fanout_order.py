"""What a process tells its own clients after publishing, the other processes already hold.

A sender's acknowledgement ("Enregistré") runs behind the fan-out's queue
(`FanOut.after_published`). These tests use two fan-outs on the real Redis, as two
processes would, and check that once the callback has run, the other one receives the
update even if the first dies at that very moment.
"""

from __future__ import annotations

import asyncio
import os
import secrets

import pytest
from support.live import run_async

from server.sync.fanout import Event, Kind, RedisFanOut

REDIS = os.environ.get("WIKIMARCHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DOCUMENT = 41


async def _fanout(prefix: str) -> RedisFanOut:
    fanout = RedisFanOut(REDIS, prefix=prefix)
    try:
        await fanout.start(on_control=lambda event: None, on_gap=lambda document: None)
    except Exception as exc:  # no Redis on this machine
        await fanout.close()
        pytest.skip(f"these tests need Redis at {REDIS}: {exc}")
    return fanout


async def _die(fanout: RedisFanOut) -> None:
    """End a fan-out the way a killed process does: nothing queued gets out."""
    for task in fanout._tasks:
        task.cancel()
    await asyncio.gather(*fanout._tasks, return_exceptions=True)
    await fanout.redis.aclose()


def test_an_update_acknowledged_after_publishing_reaches_the_other_process():
    run_async(_acknowledged_update_reaches_the_other_process())


async def _acknowledged_update_reaches_the_other_process() -> None:
    prefix = f"wikimarche-test:{secrets.token_hex(4)}"
    sender, other = await _fanout(prefix), await _fanout(prefix)
    received: asyncio.Queue[Event] = asyncio.Queue()
    await other.subscribe(DOCUMENT, received.put_nowait)
    acknowledged = asyncio.Event()
    try:
        for n in range(20):
            sender.publish(Event(Kind.UPDATE, DOCUMENT, b"update %d" % n, author_id=7))
        sender.after_published(acknowledged.set)
        await asyncio.wait_for(acknowledged.wait(), 5)
        await _die(sender)  # right after telling its client "stored"
        got = [await asyncio.wait_for(received.get(), 5) for _ in range(20)]
        assert [event.payload for event in got] == [b"update %d" % n for n in range(20)]
    finally:
        await other.close()


def test_callbacks_run_in_order_with_what_was_published_before_them():
    run_async(_callbacks_run_in_order())


async def _callbacks_run_in_order() -> None:
    prefix = f"wikimarche-test:{secrets.token_hex(4)}"
    sender = await _fanout(prefix)
    order: list[str] = []
    done = asyncio.Event()
    try:
        sender.after_published(lambda: order.append("nothing before"))
        sender.publish(Event(Kind.UPDATE, DOCUMENT, b"first"))
        sender.after_published(lambda: order.append("after first"))
        sender.publish(Event(Kind.UPDATE, DOCUMENT, b"second"))
        sender.after_published(lambda: order.append("after second"))
        sender.after_published(done.set)
        await asyncio.wait_for(done.wait(), 5)
        assert order == ["nothing before", "after first", "after second"]
        assert sender.published == 2
    finally:
        await sender.close()
