"""Which clients an incoming Yjs update writes under, and what it builds on, from its bytes.

A Yjs v1 update starts with its structs grouped by client: `varUint(clients)` then, per
client, `varUint(structs) varUint(client) varUint(clock)` and the structs themselves. To
check client-id ownership and to acknowledge stored clocks we need each client's
[start, end) clock range; asking pycrdt for the document's state vector before and after
costs O(clients of the document) per keystroke (1.3 ms with 1,000 past sessions), so the
structs are walked here instead, in O(size of the update). The delete set that follows the
structs writes nothing under any client and is not read.

The same walk collects what the update *needs*: per client, the clock the document must
already hold for every struct to integrate at once — the start of each run of content
(a Skip struct starts a new run) and every origin or parent id outside the update's own
runs. Yjs keeps an update whose needs are not met aside ("pending"), and pycrdt 0.14.13
can crash the process on such pending structs; the room checks `needs` first.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.sync.protocol import CloseCode, ProtocolViolation, Reader, read_var_uint

# Content kinds (Yjs `getRef()`) and their clock length.
_GC, _DELETED, _JSON, _BINARY, _STRING, _EMBED, _FORMAT, _TYPE, _ANY, _DOC, _SKIP = (
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
)
_XML_ELEMENT, _XML_HOOK = 3, 5  # type refs that carry a node name
_MAX_ANY_DEPTH = 64


def _bad(reason: str) -> ProtocolViolation:
    return ProtocolViolation(reason, CloseCode.INVALID_PAYLOAD)


def _skip_string(reader: Reader) -> None:
    reader.var_bytes()


def _read_string_units(reader: Reader) -> int:
    """Skip a string and return its length in UTF-16 code units (Yjs clock units)."""
    raw = reader.var_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad("string is not UTF-8") from None
    return len(text.encode("utf-16-le")) // 2


def _skip_var_int(reader: Reader) -> None:
    reader.var_uint()  # same byte layout as an unsigned varint for skipping purposes


def _skip_fixed(reader: Reader, size: int) -> None:
    if reader.remaining < size:
        raise _bad("truncated number")
    reader.pos += size


def _skip_any(reader: Reader, depth: int = 0) -> None:
    """Skip one lib0 `any` value."""
    if depth > _MAX_ANY_DEPTH:
        raise _bad("value nested too deeply")
    if reader.remaining < 1:
        raise _bad("truncated value")
    kind = reader.data[reader.pos]
    reader.pos += 1
    if kind in (127, 126, 121, 120):  # undefined, null, false, true
        return
    if kind == 125:
        _skip_var_int(reader)
    elif kind == 124:
        _skip_fixed(reader, 4)
    elif kind in (123, 122):
        _skip_fixed(reader, 8)
    elif kind in (119, 116):  # string, bytes
        reader.var_bytes()
    elif kind == 118:  # object
        for _ in range(_count(reader)):
            _skip_string(reader)
            _skip_any(reader, depth + 1)
    elif kind == 117:  # array
        for _ in range(_count(reader)):
            _skip_any(reader, depth + 1)
    else:
        raise _bad("unknown value type")


def _count(reader: Reader) -> int:
    count = reader.var_uint()
    if count > reader.remaining:
        raise _bad("count larger than the update")
    return count


def _content_length(reader: Reader, ref: int) -> int:
    """Skip an Item's content (after its origins and parent) and return its clock length."""
    if ref == _DELETED:
        return reader.var_uint()
    if ref == _JSON:
        count = _count(reader)
        for _ in range(count):
            _skip_string(reader)
        return count
    if ref == _BINARY:
        reader.var_bytes()
        return 1
    if ref == _STRING:
        return _read_string_units(reader)
    if ref == _EMBED:
        _skip_string(reader)
        return 1
    if ref == _FORMAT:
        _skip_string(reader)
        _skip_string(reader)
        return 1
    if ref == _TYPE:
        if reader.var_uint() in (_XML_ELEMENT, _XML_HOOK):
            _skip_string(reader)
        return 1
    if ref == _ANY:
        count = _count(reader)
        for _ in range(count):
            _skip_any(reader)
        return count
    if ref == _DOC:
        _skip_string(reader)
        _skip_any(reader)
        return 1
    raise _bad("unknown content type")


@dataclass(frozen=True, slots=True)
class UpdateShape:
    """What an update writes and what it builds on."""

    ranges: dict[int, tuple[int, int]]  # client → (first clock, end clock) it writes
    needs: dict[int, int]  # client → clock the document must hold up to, beforehand

    def fits(self, held: dict[int, int]) -> bool:
        """Whether every struct integrates at once into a document holding `held`."""
        return all(held.get(client, 0) >= clock for client, clock in self.needs.items())


def read_update(update: bytes) -> UpdateShape:
    try:
        return _read_update(update)
    except IndexError:
        raise _bad("truncated update") from None


def _read_update(data: bytes) -> UpdateShape:
    # The walk runs for every update received: the position is kept in a local, and the
    # common struct (typed text after an origin) is read without leaving this loop.
    ranges: dict[int, tuple[int, int]] = {}
    runs: dict[int, list[tuple[int, int]]] = {}  # client → [start, end) runs of content
    refs: list[tuple[int, int]] = []  # ids the structs refer to (origins, parents)
    size = len(data)
    reader = Reader(data)
    groups = _count(reader)
    pos = reader.pos
    for _ in range(groups):
        structs, pos = read_var_uint(data, pos)
        if structs > size - pos:
            raise _bad("count larger than the update")
        client, pos = read_var_uint(data, pos)
        start, pos = read_var_uint(data, pos)
        clock = run_start = start
        client_runs = runs.setdefault(client, [])
        for _ in range(structs):
            info = data[pos]
            pos += 1
            ref = info & 0x1F
            if ref == _SKIP:  # content left out: what follows needs it
                if clock > run_start:
                    client_runs.append((run_start, clock))
                length, pos = read_var_uint(data, pos)
                clock += length
                run_start = clock
                continue
            if ref == _GC:
                length, pos = read_var_uint(data, pos)
                clock += length
                continue
            if info & 0x80:  # left origin id
                other, pos = read_var_uint(data, pos)
                other_clock, pos = read_var_uint(data, pos)
                refs.append((other, other_clock))
            if info & 0x40:  # right origin id
                other, pos = read_var_uint(data, pos)
                other_clock, pos = read_var_uint(data, pos)
                refs.append((other, other_clock))
            if ref == _STRING and info & 0xC0:  # typed text: the common case, inline
                at = pos
                length, pos = read_var_uint(data, pos)
                if length > size - pos:
                    raise _bad("declared length exceeds the frame")
                if data[pos : pos + length].isascii():  # one clock unit per byte
                    pos += length
                    clock += length
                    continue
                reader.pos = at
                clock += _read_string_units(reader)
                pos = reader.pos
                continue
            reader.pos = pos
            if not info & 0xC0:  # no origin: the parent (and map key) is written
                if reader.var_uint() == 1:
                    _skip_string(reader)  # root type name
                else:
                    refs.append((reader.var_uint(), reader.var_uint()))  # parent item id
                if info & 0x20:
                    _skip_string(reader)  # parentSub (map key)
            clock += _content_length(reader, ref)
            pos = reader.pos
        if clock > run_start:
            client_runs.append((run_start, clock))
        if structs:
            _widen(ranges, client, start, clock)
    needs: dict[int, int] = {}
    for client, client_runs in runs.items():
        for run_start, _ in client_runs:
            needs[client] = max(needs.get(client, 0), run_start)
    for client, clock in refs:
        for run_start, run_end in runs.get(client, ()):
            if run_start <= clock < run_end:
                break  # refers to a struct of this very update
        else:
            needs[client] = max(needs.get(client, 0), clock + 1)
    return UpdateShape(ranges, needs)


def _widen(ranges: dict[int, tuple[int, int]], client: int, start: int, end: int) -> None:
    """Extend the range of `client` in `ranges` to cover [start, end)."""
    old = ranges.get(client)
    ranges[client] = (min(start, old[0]), max(end, old[1])) if old else (start, end)


def combined_ranges(shapes: list[UpdateShape]) -> dict[int, tuple[int, int]]:
    """client → (first clock, end clock) written by any of several updates."""
    ranges: dict[int, tuple[int, int]] = {}
    for shape in shapes:
        for client, (start, end) in shape.ranges.items():
            _widen(ranges, client, start, end)
    return ranges


def written_ranges(update: bytes) -> dict[int, tuple[int, int]]:
    """client → (first clock, end clock) of the structs this update carries."""
    return read_update(update).ranges
