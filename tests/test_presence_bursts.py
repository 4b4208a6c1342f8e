"""Presence (who is here, where their cursor is) under bursts: clients that joined together
renew their presence together. Everyone still ends up seeing everyone's latest state, and
the server sends a few frames carrying many states instead of one frame per change to
every client (which delayed the text itself behind 40,000 presence frames with 200 readers).
"""

from __future__ import annotations

import asyncio
import json

from support.live import run_async, wait_until
from support.rawws import PyClient
from support.typists import wait_for

from server.sync.connection import Connection, Identity
from server.sync.presence import Presence
from server.sync.protocol import (
    FrameType,
    Reader,
    decode_awareness,
    encode_awareness,
    parse_frame,
)

CLIENTS = 20
CHANGES_EACH = 5


def test_a_burst_of_presence_changes_arrives_whole_in_few_frames(server, make_user, add_member):
    claire = make_user()
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    others = [make_user(name=f"Élue {i}") for i in range(CLIENTS)]
    for other in others:
        add_member(tender_id, other.user_id, "observer")
    url = f"{server.ws_url}/{doc_id}"

    async def scenario() -> tuple[dict[int, tuple[int, dict]], int]:
        observer = await PyClient.connect(url, claire.ws_headers)
        await asyncio.wait_for(observer.synced.wait(), 10)
        seen: dict[int, tuple[int, dict]] = {}
        frames = [0]

        async def watch() -> None:
            async for message in observer.ws:
                reader = Reader(bytes(message))
                if reader.var_uint() != FrameType.AWARENESS:
                    continue
                frames[0] += 1
                for client, clock, text in decode_awareness(reader.var_bytes()):
                    seen[client] = (clock, json.loads(text))

        observer._task.cancel()  # this test reads the frames itself
        watcher = asyncio.create_task(watch())
        sockets = [await PyClient.connect(url, other.ws_headers) for other in others]
        for client in sockets:
            await asyncio.wait_for(client.synced.wait(), 10)
        for index, client in enumerate(sockets):
            for clock in range(1, CHANGES_EACH + 1):
                state = json.dumps({"user": {"name": "x"}, "cursor": clock})
                await client.ws.send(encode_awareness([(1000 + index, clock, state)]))
        expected = {1000 + i: CHANGES_EACH for i in range(CLIENTS)}
        await wait_for(
            lambda: {c: clock for c, (clock, _) in seen.items()} == expected, 10, "every state"
        )
        watcher.cancel()
        for client in [observer, *sockets]:
            await client.close()
        return seen, frames[0]

    seen, frames = run_async(scenario())
    # Everyone's latest state, with the signed-in user's name in place of the claimed one.
    names = {state["user"]["name"] for _, state in seen.values()}
    assert names == {f"Élue {i}" for i in range(CLIENTS)}
    assert all(state["cursor"] == CHANGES_EACH for _, state in seen.values())
    # 100 changes; one frame per change would be 100 frames for the observer alone.
    assert frames <= CLIENTS * CHANGES_EACH // 2, frames


def test_the_seventeenth_person_in_a_document_stays_connected(server, make_user, add_member, yjs):
    """y-websocket clients send back every presence change they receive, in one frame, and
    a client may send at most 16 states: with 20 people present, a newcomer (who receives
    everyone's presence) and everyone at a presence renewal must not be cut off."""
    claire = make_user()
    tender_id = claire.create_tender()["id"]
    doc_id = claire.create_document(tender_id)
    people = [make_user(name=f"Agent {i}") for i in range(21)]
    for person in people:
        add_member(tender_id, person.user_id, "observer")
    names = [f"p{i}" for i in range(21)]
    for name, person in zip(names[:20], people[:20], strict=True):
        yjs.connect(name, server.ws_url, doc_id, person.ws_headers)
        yjs.call("awareness", name=name, state={"user": {"name": name}, "cursor": None})
    yjs.connect(names[20], server.ws_url, doc_id, people[20].ws_headers)
    yjs.call("awareness", name=names[20], state={"user": {"name": "new"}, "cursor": None})
    for name in names[:20]:  # a renewal by everyone at once
        yjs.call("awareness", name=name, state={"user": {"name": name}, "cursor": 1})
    wait_until(
        lambda: all(len(yjs.call("peers", name=name)["peers"]) == 20 for name in names),
        20,
        "everyone to see the 20 others",
    )
    codes = [yjs.call("close_codes", name=name)["codes"] for name in names]
    assert codes == [[] for _ in names]


def test_text_goes_out_before_presence_already_waiting():
    """When a room's presence renewals fall due together, a client's queue fills with
    presence frames; an edit made then is sent ahead of them, not after."""

    async def scenario() -> list[bytes]:
        sent: list[bytes] = []
        drained = asyncio.Event()

        async def send_bytes(data: bytes) -> None:
            sent.append(data)
            if len(sent) == 4:
                drained.set()

        async def close(code: int, reason: str) -> None:
            return None

        conn = Connection(
            Identity(1, "Claire", "h", 1, 1),
            can_edit=True,
            wants_ack=False,
            send_bytes=send_bytes,
            close=close,
            queue_limit=1 << 20,
        )
        for index in range(3):
            conn.send_presence(b"presence %d" % index)
        conn.send(b"edit")
        conn.start()
        await asyncio.wait_for(drained.wait(), 5)
        await conn.stop()
        return sent

    assert run_async(scenario()) == [b"edit", b"presence 0", b"presence 1", b"presence 2"]


def test_renewals_falling_due_together_are_spread_and_changes_are_not_held_back():
    """120 clients renew an unchanged presence in the same instant: everyone still gets
    every renewal, a slice at a time instead of all at once; a caret moved meanwhile goes
    out at once, ahead of the backlog."""

    async def scenario() -> tuple[list[tuple[float, list[int]]], float]:
        loop = asyncio.get_running_loop()
        relayed: list[tuple[float, list[int]]] = []  # (time, clients) of each frame
        everyone = asyncio.Event()  # every client's state was relayed

        def broadcast(frame: bytes) -> None:
            states = decode_awareness(parse_frame(frame).payload)
            relayed.append((loop.time(), [client for client, _, _ in states]))
            if len(_clients(relayed)) == 120:
                everyone.set()

        presence = Presence(broadcast, lambda frame: None)
        people = []
        for index in range(120):

            async def ignore(*_: object) -> None:
                return None

            conn = Connection(
                Identity(index + 1, f"Agent {index}", "h", 1, 1),
                can_edit=False,
                wants_ack=False,
                send_bytes=ignore,
                close=ignore,
                queue_limit=1 << 20,
            )
            state = json.dumps({"user": {"name": f"Agent {index}"}})
            people.append((conn, 1000 + index, state))
            presence.from_client(conn, _payload([(1000 + index, 1, state)]))
        await asyncio.wait_for(everyone.wait(), 5)
        relayed.clear()
        everyone.clear()
        started = loop.time()
        for conn, client, state in people:  # fifteen seconds later: all renew at once
            presence.from_client(conn, _payload([(client, 2, state)]))
        moved = json.dumps({"user": {"name": "Agent 0"}, "cursor": 42})
        presence.from_client(people[0][0], _payload([(1000, 3, moved)]))
        await asyncio.wait_for(everyone.wait(), 10)
        return relayed, started

    relayed, started = run_async(scenario())
    first_time, first_clients = relayed[0]
    assert first_clients == [1000] and first_time - started < 0.2  # the moved caret
    renewals = [(at, clients) for at, clients in relayed[1:]]
    assert sorted(c for _, clients in renewals for c in clients) == list(range(1001, 1120))
    # Spread: no quarter second carries more than an eighth of the backlog (16 at least).
    per_instant: dict[float, int] = {}
    for at, clients in renewals:
        per_instant[round(at, 2)] = per_instant.get(round(at, 2), 0) + len(clients)
    assert max(per_instant.values()) <= 16
    assert len(per_instant) >= 6 and renewals[-1][0] - started < 4


def _payload(entries: list[tuple[int, int, str]]) -> bytes:
    return parse_frame(encode_awareness(entries)).payload


def _clients(relayed: list[tuple[float, list[int]]]) -> set[int]:
    return {client for _, clients in relayed for client in clients}
