"""The y-websocket wire format, and a firewall that checks frames before pycrdt sees them.

A frame is `varUint(type)` then a payload: type 0 is sync (`varUint(step)` then
`varByteArray(payload)`; step 0 = SyncStep1 carrying a state vector, 1 = SyncStep2 and
2 = Update carrying a Yjs update), type 1 is awareness (`varByteArray` of
`varUint(n)` × (`varUint(clientID)`, `varUint(clock)`, `varString(json)`)), type 3 asks for
the awareness states. Types 100 and 101 are ours: the server acknowledges stored
updates (100) and tells the editor that its write access changed (101).

`parse_frame` validates everything the stack would otherwise trust: varint lengths,
declared lengths against the bytes really present, and element counts that would make
yrs allocate huge tables from a tiny frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

MAX_VARINT_BYTES = 8  # 56 bits: the protocol allows up to 53
MAX_STATE_VECTOR_ENTRIES = 100_000
MAX_UPDATE_CLIENTS = 100_000
MAX_AWARENESS_ENTRIES = 16
MAX_AWARENESS_JSON = 16 * 1024
EMPTY_UPDATE = b"\x00\x00"


class FrameType(IntEnum):
    SYNC = 0
    AWARENESS = 1
    QUERY_AWARENESS = 3
    ACK = 100
    ACCESS = 101
    COMMENTS = 102


class SyncStep(IntEnum):
    STEP1 = 0
    STEP2 = 1
    UPDATE = 2


class CloseCode(IntEnum):
    """Websocket close codes used by the live-editing endpoint."""

    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    UNSUPPORTED_DATA = 1003
    INVALID_PAYLOAD = 1007
    POLICY_VIOLATION = 1008
    TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    NOT_SIGNED_IN = 4401
    FORBIDDEN = 4403
    NOT_FOUND = 4404
    DOCUMENT_TOO_LARGE = 4413
    SLOW_CONSUMER = 4408


class ProtocolViolation(Exception):
    """A frame that breaks the protocol: the sender's socket is closed with `code`."""

    def __init__(self, reason: str, code: CloseCode = CloseCode.PROTOCOL_ERROR) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True, slots=True)
class Frame:
    """A validated incoming frame. `payload` is the state vector, update or awareness body."""

    type: FrameType
    step: SyncStep | None
    payload: bytes


class Reader:
    """A bounds-checked cursor over bytes."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def var_uint(self) -> int:
        value, self.pos = read_var_uint(self.data, self.pos)
        return value

    def var_bytes(self) -> bytes:
        length = self.var_uint()
        if length > self.remaining:
            raise ProtocolViolation("declared length exceeds the frame")
        start = self.pos
        self.pos += length
        return self.data[start : self.pos]


def read_var_uint(data: bytes, pos: int) -> tuple[int, int]:
    """The varint at `pos` of `data`, and the position after it."""
    if pos < len(data) and data[pos] < 0x80:  # one byte: most clocks, lengths, kinds
        return data[pos], pos + 1
    # Several bytes (client ids take 5 to 8): locals only, this runs for every struct.
    value = shift = 0
    end = min(len(data), pos + MAX_VARINT_BYTES)
    while pos < end:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
    if pos >= len(data):
        raise ProtocolViolation("truncated integer")
    raise ProtocolViolation("integer too long")


def write_var_uint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def parse_frame(data: bytes) -> Frame:
    """Validate one incoming frame; raise ProtocolViolation on anything malformed."""
    if data[:2] == _SYNC_UPDATE:  # what typing sends: no enum lookups on this path
        reader = Reader(data, 2)
        payload = reader.var_bytes()
        _expect_end(reader)
        _check_update_header(payload)
        return Frame(FrameType.SYNC, SyncStep.UPDATE, payload)
    reader = Reader(data)
    try:
        kind = FrameType(reader.var_uint())
    except ValueError:
        raise ProtocolViolation("unknown message type") from None
    if kind == FrameType.SYNC:
        try:
            step = SyncStep(reader.var_uint())
        except ValueError:
            raise ProtocolViolation("unknown sync step") from None
        payload = reader.var_bytes()
        _expect_end(reader)
        if step == SyncStep.STEP1:
            decode_state_vector(payload)
        else:
            _check_update_header(payload)
        return Frame(kind, step, payload)
    if kind == FrameType.AWARENESS:
        payload = reader.var_bytes()
        _expect_end(reader)
        decode_awareness(payload)
        return Frame(kind, None, payload)
    if kind == FrameType.QUERY_AWARENESS:
        return Frame(kind, None, b"")
    raise ProtocolViolation("clients may not send this message type")


_SYNC_UPDATE = bytes([FrameType.SYNC, SyncStep.UPDATE])


def _expect_end(reader: Reader) -> None:
    if reader.remaining:
        raise ProtocolViolation("trailing bytes after the message")


def decode_state_vector(payload: bytes) -> dict[int, int]:
    """clientID → clock, refusing counts the bytes cannot hold (an 8-byte frame claiming
    2^28 entries would make yrs allocate half a gigabyte)."""
    reader = Reader(payload)
    count = reader.var_uint()
    if count > MAX_STATE_VECTOR_ENTRIES or count * 2 > reader.remaining:
        raise ProtocolViolation("state vector claims more entries than it holds")
    state: dict[int, int] = {}
    for _ in range(count):
        client = reader.var_uint()
        state[client] = reader.var_uint()
    _expect_end(reader)
    return state


def _check_update_header(update: bytes) -> None:
    if len(update) < 2:
        raise ProtocolViolation("update too short", CloseCode.INVALID_PAYLOAD)
    reader = Reader(update)
    clients = reader.var_uint()
    # Each client block needs at least three bytes (struct count, client, clock).
    if clients > MAX_UPDATE_CLIENTS or clients * 3 > reader.remaining:
        raise ProtocolViolation("update claims more clients than it holds")


def decode_awareness(payload: bytes) -> list[tuple[int, int, str]]:
    """(clientID, clock, json) entries of an awareness update."""
    reader = Reader(payload)
    count = reader.var_uint()
    if count > MAX_AWARENESS_ENTRIES:
        raise ProtocolViolation("too many awareness entries", CloseCode.POLICY_VIOLATION)
    entries = []
    for _ in range(count):
        client = reader.var_uint()
        clock = reader.var_uint()
        raw = reader.var_bytes()
        if len(raw) > MAX_AWARENESS_JSON:
            raise ProtocolViolation("awareness state too large", CloseCode.TOO_BIG)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolViolation(
                "awareness state is not UTF-8", CloseCode.INVALID_PAYLOAD
            ) from None
        entries.append((client, clock, text))
    _expect_end(reader)
    return entries


def encode_awareness(entries: list[tuple[int, int, str]]) -> bytes:
    body = bytearray(write_var_uint(len(entries)))
    for client, clock, text in entries:
        raw = text.encode("utf-8")
        body += write_var_uint(client) + write_var_uint(clock) + write_var_uint(len(raw)) + raw
    return write_var_uint(FrameType.AWARENESS) + write_var_uint(len(body)) + bytes(body)


def encode_awareness_frames(entries: list[tuple[int, int, str]]) -> list[bytes]:
    """Awareness frames of at most MAX_AWARENESS_ENTRIES states each.

    y-websocket clients send back every presence change they receive, in one frame: a
    frame of ours with more states than a client may send would come back refused, and
    that client would be cut off (the 17th person to open a document, at every renewal).
    """
    return [
        encode_awareness(entries[start : start + MAX_AWARENESS_ENTRIES])
        for start in range(0, len(entries), MAX_AWARENESS_ENTRIES)
    ]


def encode_sync(step: SyncStep, payload: bytes) -> bytes:
    return bytes((FrameType.SYNC, step)) + write_var_uint(len(payload)) + payload


def encode_ack(state: dict[int, int]) -> bytes:
    """Our acknowledgement: every struct of these clients below these clocks is stored."""
    out = bytearray(write_var_uint(FrameType.ACK) + write_var_uint(len(state)))
    for client, clock in state.items():
        out += write_var_uint(client) + write_var_uint(clock)
    return bytes(out)


def encode_access(can_edit: bool) -> bytes:
    """Tell our editor that this connection's write access changed (1 = may edit)."""
    return write_var_uint(FrameType.ACCESS) + (b"\x01" if can_edit else b"\x00")
