"""Presence: the awareness states of a room's clients (names, carets), relayed in batches.

Each state belongs to the connection that set it (no client may change another's), shows
the signed-in user's name whatever the client claims, and is relayed to every client of
the room (the sender too: y-websocket clients reconnect after 30 s of silence) and to the
other server processes.

Two paces. A *change* (a caret moved, someone arrived or left) goes out at most
`CHANGE_INTERVAL_S` after the previous frame, with every change of that interval. A
*renewal* (a client re-sending an unchanged state, which y-websocket does every 15 s so
that others do not drop it after 30 s) is spread out: clients that joined together renew
together, and 200 renewals in the same second reach 200 clients as 40,000 states to apply,
in the middle of the text they are typing. Renewals wait in a backlog sent a slice at a
time (an eighth of it every quarter second, 16 at least): 200 renewals go out over about
2.5 s, 1,000 over about 5 s, well inside the 30-s timeout.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable

from server.sync.connection import Connection
from server.sync.protocol import decode_awareness, encode_awareness_frames, parse_frame

CHANGE_INTERVAL_S = 0.05
RENEWAL_TICK_S = 0.25
RENEWAL_SPREAD_S = 2.0
RENEWALS_PER_TICK = 16  # at least: one frame's worth

Entry = tuple[int, int, str]  # awareness client id, clock, state (JSON text or "null")
Relay = Callable[[bytes], None]


class Presence:
    """The presence states of one room and their relay."""

    def __init__(self, broadcast: Relay, publish: Relay) -> None:
        self._broadcast = broadcast  # to this process's clients of the room
        self._publish = publish  # to the other processes
        # Awareness client id → (clock, state, owning connection; None: another process's).
        self.states: dict[int, tuple[int, str, Connection | None]] = {}
        self._changes: dict[int, tuple[int, str]] = {}
        self._change_due = False
        self._change_sent_at = 0.0
        self._renewals: dict[int, tuple[int, str]] = {}  # oldest first
        self._renewal_due = False

    def frames(self) -> list[bytes]:
        """Every state, for a client that just joined or asked."""
        entries = [(c, clock, text) for c, (clock, text, _) in self.states.items()]
        return encode_awareness_frames(entries) if entries else []

    def from_client(self, conn: Connection, payload: bytes) -> None:
        changed: list[Entry] = []
        for client, clock, text in decode_awareness(payload):
            known = self.states.get(client)
            if known is not None and known[2] is not conn:
                continue  # another connection's presence: not this one's to change
            if text == "null":
                self.states.pop(client, None)
                changed.append((client, clock, text))
                continue
            state = _sanitize(conn, text)
            if state is None:
                continue
            self.states[client] = (clock, state, conn)
            if known is not None and known[1] == state and client not in self._changes:
                self._renewals[client] = (clock, state)
            else:
                changed.append((client, clock, state))
        if changed:
            self._queue_changes(changed)
        if self._renewals and not self._renewal_due:
            self._renewal_due = True
            asyncio.get_running_loop().call_later(RENEWAL_TICK_S, self._flush_renewals)

    def from_process(self, message: bytes) -> None:
        """States of clients connected to another process (paced there already)."""
        accepted: list[Entry] = []
        for client, clock, text in decode_awareness(parse_frame(message).payload):
            known = self.states.get(client)
            if known is not None and known[2] is not None:
                continue  # one of our own connections
            if text == "null":
                self.states.pop(client, None)
            else:
                self.states[client] = (clock, text, None)
            accepted.append((client, clock, text))
        for frame in encode_awareness_frames(accepted) if accepted else []:
            self._broadcast(frame)

    def forget(self, conn: Connection) -> None:
        """A connection left: its clients' states are removed, for everyone."""
        gone = [
            (client, clock + 1, "null")
            for client, (clock, _, owner) in list(self.states.items())
            if owner is conn
        ]
        for client, _, _ in gone:
            del self.states[client]
        if gone:
            self._queue_changes(gone)

    def _queue_changes(self, entries: list[Entry]) -> None:
        """Send changes now, or with the next frame if one went out just before."""
        for client, clock, text in entries:
            self._changes[client] = (clock, text)
            self._renewals.pop(client, None)  # superseded
        if self._change_due:
            return
        self._change_due = True
        loop = asyncio.get_running_loop()
        wait = self._change_sent_at + CHANGE_INTERVAL_S - loop.time()
        if wait > 0:
            loop.call_later(wait, self._flush_changes)
        else:
            loop.call_soon(self._flush_changes)  # changes of this turn go out together

    def _flush_changes(self) -> None:
        self._change_due = False
        self._change_sent_at = asyncio.get_running_loop().time()
        entries = [(client, clock, text) for client, (clock, text) in self._changes.items()]
        self._changes = {}
        self._relay(entries)

    def _flush_renewals(self) -> None:
        self._renewal_due = False
        backlog = len(self._renewals)
        ticks = RENEWAL_SPREAD_S / RENEWAL_TICK_S
        count = max(RENEWALS_PER_TICK, math.ceil(backlog / ticks))
        clients = list(self._renewals)[:count]
        self._relay([(c, *self._renewals.pop(c)) for c in clients])
        if self._renewals:
            self._renewal_due = True
            asyncio.get_running_loop().call_later(RENEWAL_TICK_S, self._flush_renewals)

    def _relay(self, entries: list[Entry]) -> None:
        # Frames of a few states each: clients send them back, and other processes take
        # our frames as they take a client's.
        for frame in encode_awareness_frames(entries) if entries else []:
            self._broadcast(frame)
            self._publish(frame)


def _sanitize(conn: Connection, text: str) -> str | None:
    """Parse a presence state and pin its displayed name to the signed-in user."""
    try:
        state = json.loads(text)
    except ValueError:
        return None
    if not isinstance(state, dict):
        return None
    user = state.get("user")
    if isinstance(user, dict):
        user["name"] = conn.identity.user_name
        user["id"] = conn.identity.user_id
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"))
