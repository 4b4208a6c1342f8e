"""Updates received together from one client are written as one, and checked one by one.

A fast typist's frames arrive many to a socket read; the room merges the updates of one
sender read before the event loop yields (`Intake.integrate_received`). These tests feed a
real room (real SQLite change log) several frames at once, as the endpoint does, and check
what a user would notice: the text, the acknowledgement, what is stored, and that a bad
update in the group changes nothing.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from pycrdt import Doc, Text
from reliability.test_malformed_frames import FRAMES
from support.inprocess import InProcessRoom

from server.db.changes import SqlChangeLog
from server.sync.protocol import FrameType, Reader, SyncStep, encode_sync


def _typist(doc: Doc) -> list[bytes]:
    """The update of every transaction of `doc`, in order, as the client would send it."""
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    return updates


def _type(doc: Doc, text: str) -> None:
    notes = doc.get("notes", type=Text)
    for character in text:
        with doc.transaction():
            notes.insert(len(notes), character)


def _frames(updates: list[bytes]) -> list[bytes]:
    return [encode_sync(SyncStep.UPDATE, update) for update in updates]


def _acks(room: InProcessRoom) -> list[dict[int, int]]:
    """The acknowledgements sent to the connection: client → clock stored below."""
    acks = []
    for message in room.sent:
        reader = Reader(message)
        if reader.var_uint() != FrameType.ACK:
            continue
        acks.append({reader.var_uint(): reader.var_uint() for _ in range(reader.var_uint())})
    return acks


def _stored_rows(room: InProcessRoom) -> int:
    stored = room.call(SqlChangeLog(room.db).load(room.document_id))
    return len(stored.changes)


def test_keystrokes_received_together_are_stored_once_and_acknowledged_once(tmp_path):
    room = InProcessRoom(tmp_path)
    room.keep_sent = True
    try:
        client = Doc()
        updates = _typist(client)
        _type(client, "Délai d'exécution : 30 jours.")
        rows_before = _stored_rows(room)
        assert room.feed_together(_frames(updates)) == "accepted"
        room.flush()
        assert str(room.room.doc.get("notes", type=Text)) == "Délai d'exécution : 30 jours."
        # One row for the whole group, and one acknowledgement naming the last clock.
        assert _stored_rows(room) == rows_before + 1
        assert _acks(room) == [{client.client_id: len("Délai d'exécution : 30 jours.")}]
    finally:
        room.close()


def test_an_update_under_another_clients_id_refuses_the_whole_group(tmp_path):
    room = InProcessRoom(tmp_path)
    try:
        # Another user's client wrote first: its id is taken.
        other = Doc()
        _type(other, "A")
        room.call(_claim(room, other.client_id, user_id=room.user_id + 1000))

        client = Doc()
        updates = _typist(client)
        _type(client, "bon ")
        forged = Doc(client_id=other.client_id)
        forged.apply_update(other.get_update())
        forged_updates = _typist(forged)
        _type(forged, "faux")
        text_before = str(room.room.doc.get("notes", type=Text))
        frames = _frames(updates[:2] + forged_updates[:1] + updates[2:])
        assert room.feed_together(frames) == "refused"
        room.flush()
        assert str(room.room.doc.get("notes", type=Text)) == text_before
    finally:
        room.close()


async def _claim(room: InProcessRoom, client_id: int, user_id: int) -> None:
    room.room.intake.owners[client_id] = user_id


def test_an_update_that_builds_on_a_missing_one_waits_and_the_rest_is_written(tmp_path):
    room = InProcessRoom(tmp_path)
    try:
        client = Doc()
        updates = _typist(client)
        _type(client, "abcdef")
        # The third keystroke is lost on the way, then arrives with a later read.
        assert room.feed_together(_frames(updates[:2] + updates[3:])) == "accepted"
        room.flush()
        assert str(room.room.doc.get("notes", type=Text)) == "ab"
        assert room.feed_together(_frames(updates[2:3])) == "accepted"
        room.flush()
        assert str(room.room.doc.get("notes", type=Text)) == "abcdef"
    finally:
        room.close()


def test_fuzzed_frames_received_together_are_refused_or_written_never_crash(tmp_path):
    room = InProcessRoom(tmp_path)
    outcomes = {"accepted": 0, "refused": 0}

    def one(frames: list[bytes]) -> None:
        outcomes[room.feed_together(frames)] += 1

    try:
        seed(20261130)(
            settings(
                max_examples=1500,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )(given(frames=st.lists(FRAMES, min_size=2, max_size=8))(one))
        )()
        room.flush()
        assert outcomes["accepted"] and outcomes["refused"]
        _assert_still_works(room)
    finally:
        room.close()


def test_a_corrupted_keystroke_among_good_ones_never_reaches_yrs_unchecked(tmp_path):
    """Real keystrokes with one of them corrupted (1–3 bytes), fed together: yrs merges only
    updates our reader accepted, and whatever comes of it the room keeps working."""
    room = InProcessRoom(tmp_path)
    rng = random.Random(20261130)
    outcomes = {"accepted": 0, "refused": 0}
    try:
        for _ in range(300):
            client = Doc()
            updates = _typist(client)
            _type(client, "Prix révisé 😀 ")
            group = list(updates)
            index = rng.randrange(len(group))
            corrupted = bytearray(group[index])
            for _ in range(rng.randint(1, 3)):
                corrupted[rng.randrange(len(corrupted))] = rng.randrange(256)
            group[index] = bytes(corrupted)
            outcomes[room.feed_together(_frames(group))] += 1
        room.flush()
        assert outcomes["accepted"] and outcomes["refused"]
        _assert_still_works(room)
    finally:
        room.close()


def _assert_still_works(room: InProcessRoom) -> None:
    """An honest client's burst is still stored, and the document can still be encoded."""
    client = Doc()
    updates = _typist(client)
    _type(client, "toujours vivant")
    assert room.feed_together(_frames(updates)) == "accepted"
    room.flush()
    assert "toujours vivant" in str(room.room.doc.get("notes", type=Text))
    room.room.doc.get_update()
