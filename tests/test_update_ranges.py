"""The update reader agrees with pycrdt about which clients an update writes under."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st
from pycrdt import Array, Doc, Map, Text, XmlElement, XmlFragment, XmlText

from server.sync.protocol import ProtocolViolation, decode_state_vector
from server.sync.updates import written_ranges


def _edit_all_kinds(doc: Doc, word: str) -> None:
    fragment = doc.get("content", type=XmlFragment)
    with doc.transaction():
        paragraph = fragment.children.append(XmlElement("paragraph", {"level": 2}))
        text = paragraph.children.append(XmlText())
        text.insert(0, word, {"bold": {}, "link": {"href": "https://x.fr", "n": [1, 2.5, None]}})
        text.insert(0, "😀é字")
        text.insert_embed(0, {"image": "x"})
        text.format(0, 2, {"italic": {}})
        del text[0:1]
        doc.get("meta", type=Map)["clé"] = {"a": [1, True, None, 3.5, "é"], "b": b"\x00\x01"}
        doc.get("list", type=Array).extend([1, "deux", {"trois": 3}, 2**40, -7])
        doc.get("plain", type=Text).insert(0, word * 3)


@settings(max_examples=60, deadline=None, database=None)
@given(words=st.lists(st.text(max_size=20), min_size=1, max_size=5))
def test_ranges_match_the_state_pycrdt_computes(words):
    doc = Doc()
    for word in words:
        before = doc.get_state()
        _edit_all_kinds(doc, word)
        update = doc.get_update(before)
        ranges = written_ranges(update)
        after = decode_state_vector(doc.get_state())
        old = decode_state_vector(before)
        assert ranges == {
            c: (old.get(c, 0), clock) for c, clock in after.items() if old.get(c, 0) != clock
        }


def test_a_full_history_from_several_clients_is_read():
    a, b = Doc(client_id=11), Doc(client_id=22)
    _edit_all_kinds(a, "un")
    b.apply_update(a.get_update())
    _edit_all_kinds(b, "deux")
    ranges = written_ranges(b.get_update())
    state = decode_state_vector(b.get_state())
    assert ranges == {11: (0, state[11]), 22: (0, state[22])}


def test_garbage_raises_only_protocol_violations():
    doc = Doc()
    _edit_all_kinds(doc, "texte")
    seed = doc.get_update()
    for i in range(3000):
        data = bytearray(seed if i % 2 else os.urandom(40))
        for _ in range(1 + i % 4):
            data[i * 7 % len(data)] = (i * 31) % 256
        try:
            written_ranges(bytes(data[: max(1, len(data) - i % 9)]))
        except ProtocolViolation:
            pass


@settings(max_examples=30, deadline=None, database=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_updates_that_fit_integrate_whole_and_the_others_wait(seed):
    """Shuffled edits of three writers are delivered the way the room does it: an update
    is applied only when its `needs` are held. Each one applied is integrated whole (the
    state reaches its end), the held ones all fit eventually, and the copy equals the
    original."""
    import random

    rng = random.Random(seed)
    writers = [Doc(client_id=c) for c in (101, 202, 303)]
    updates = []
    for step in range(24):
        writer = writers[rng.randrange(3)]
        for other in writers:  # the writer has seen everything so far: origins cross clients
            if other is not writer:
                writer.apply_update(other.get_update(writer.get_state()))
        before = writer.get_state()
        text = writer.get("notes", type=Text)
        position = rng.randrange(len(text) + 1)
        if len(text) > 3 and rng.random() < 0.3:
            del text[max(0, position - 1) : max(1, position)]
        else:
            text.insert(position, f"{step}-")
        updates.append(writer.get_update(before))
    rng.shuffle(updates)
    copy, waiting = Doc(), list(updates)
    while waiting:
        held = decode_state_vector(copy.get_state())
        fitting = [u for u in waiting if _fits(u, held)]
        assert fitting, "an update never fits although all its predecessors were delivered"
        for update in fitting:
            waiting.remove(update)
            copy.apply_update(update)
            state = decode_state_vector(copy.get_state())
            assert all(state.get(c, 0) >= end for c, (_, end) in written_ranges(update).items())
    everything = Doc()
    for writer in writers:
        everything.apply_update(writer.get_update())
    assert str(copy.get("notes", type=Text)) == str(everything.get("notes", type=Text))


def _fits(update: bytes, held: dict[int, int]) -> bool:
    from server.sync.updates import read_update

    return read_update(update).fits(held)
