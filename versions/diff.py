"""Compare two versions of a document: leaf block by leaf block, then word by word.

The units compared are the leaf blocks of `flatten()`, each identified by its
context, kind, attributes and styled text. Equal blocks are aligned first;
among the rest, near-identical blocks found at another place are moves and
similar blocks in place are changes (see `moves.py`). A changed or moved
block carries a word-level diff computed by diff-match-patch over word
tokens, so an edited sentence shows whole words.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, TypeAlias

from diff_match_patch import diff_match_patch

from .blocks import Block, FlatBlock, Marks, flatten
from .moves import Hunk, Matches, align, is_word, match_blocks, tokenize
from .values import Attrs, thaw

Op: TypeAlias = Literal["equal", "insert", "delete", "change", "move"]
WordOp: TypeAlias = Literal["equal", "insert", "delete"]
Words: TypeAlias = tuple[tuple[WordOp, str], ...]
Style: TypeAlias = tuple[Marks, str | None, Attrs]
"""What a character looks like: its marks, and the inline node it stands for."""

TEXT, FORMAT, KIND = "text", "format", "kind"
"""What differs in a changed or moved block: words, inline formatting or block type."""

KIND_ATTRS = frozenset({"level"})
"""Block attributes that are part of the block type (a heading's level)."""


@dataclass(frozen=True)
class Entry:
    """One step of the diff, in the order of the new version.

    Indexes are positions in `flatten()` of each version. A move stands at its
    new position, with `moved_from` (old index) and `moved_to` (new index).
    `words` is the word-level diff of a change or a move; `changed` says what
    differs: `"text"`, `"format"` (marks, inline nodes, other attributes) and
    `"kind"` (block kind, heading level, or enclosing lists, tables, quotes).
    """

    op: Op
    old_index: int | None = None
    new_index: int | None = None
    old_block: FlatBlock | None = None
    new_block: FlatBlock | None = None
    words: Words = ()
    moved_from: int | None = None
    moved_to: int | None = None
    changed: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "old_index": self.old_index,
            "new_index": self.new_index,
            "old_block": block_json(self.old_block),
            "new_block": block_json(self.new_block),
            "words": [[op, text] for op, text in self.words],
            "moved_from": self.moved_from,
            "moved_to": self.moved_to,
            "changed": sorted(self.changed),
        }


@dataclass(frozen=True)
class Summary:
    """Counts of paragraphs (leaf blocks) and of words."""

    added: int = 0
    removed: int = 0
    changed: int = 0
    moved: int = 0
    words_added: int = 0
    words_removed: int = 0

    def to_json(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Diff:
    """The entries comparing two versions, and their summary."""

    entries: tuple[Entry, ...]
    summary: Summary

    @property
    def unchanged(self) -> bool:
        return all(entry.op == "equal" for entry in self.entries)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (`json.dumps` ready)."""
        return {
            "entries": [entry.to_json() for entry in self.entries],
            "summary": self.summary.to_json(),
        }


def block_json(flat: FlatBlock | None) -> dict[str, Any] | None:
    """A leaf block as plain JSON data."""
    if flat is None:
        return None
    spans = [
        {
            "text": span.text,
            "marks": {key: json.loads(attrs) for key, attrs in span.marks},
            "node": span.node,
            "node_attrs": {key: thaw(value) for key, value in span.node_attrs},
        }
        for span in flat.block.inlines
    ]
    return {
        "path": list(flat.path),
        "context": list(flat.context),
        "kind": flat.block.kind,
        "attrs": flat.block.attrs_dict(),
        "text": flat.text,
        "spans": spans,
    }


def diff_blocks(old: Sequence[Block], new: Sequence[Block]) -> Diff:
    """Compare two versions given as block lists."""
    olds, news = flatten(old), flatten(new)
    ids: dict[Hashable, int] = {}
    old_keys = [ids.setdefault(identity(flat), len(ids)) for flat in olds]
    new_keys = [ids.setdefault(identity(flat), len(ids)) for flat in news]
    steps = align(old_keys, new_keys)
    hunks: list[Hunk] = [(o, n) for o, n in steps if isinstance(o, range) and isinstance(n, range)]
    matches = match_blocks([f.text for f in olds], [f.text for f in news], hunks)
    builder = _Builder(olds, news, matches)
    entries: list[Entry] = []
    for old_step, new_step in steps:
        if isinstance(old_step, range) and isinstance(new_step, range):
            entries.extend(builder.hunk(old_step, new_step))
        elif isinstance(old_step, int) and isinstance(new_step, int):
            entries.append(Entry("equal", old_step, new_step, olds[old_step], news[new_step]))
    return Diff(tuple(entries), summarize(entries))


def identity(flat: FlatBlock) -> Hashable:
    """What makes two leaf blocks equal: context, kind, attributes and styled text runs."""
    runs: list[tuple[str, Marks, str | None, Attrs]] = []
    for span in flat.block.inlines:
        if span.node is None and not span.text:
            continue
        last = runs[-1] if runs else None
        if last and last[2] is None and span.node is None and last[1] == span.marks:
            runs[-1] = (last[0] + span.text, span.marks, None, ())
        else:
            runs.append((span.text, span.marks, span.node, span.node_attrs))
    return (flat.context, flat.block.kind, flat.block.attrs, tuple(runs))


class _Builder:
    """Entries of the hunks, given the changes and moves found in them."""

    def __init__(self, olds: list[FlatBlock], news: list[FlatBlock], matches: Matches) -> None:
        self.olds, self.news, self.matches = olds, news, matches
        self.moved_in = {j: i for i, j in matches.moves.items()}

    def hunk(self, old_range: range, new_range: range) -> list[Entry]:
        """Deletions first, then insertions and moves, around each changed pair."""
        olds = [i for i in old_range if i not in self.matches.moves]
        news = list(new_range)
        pairs = [(i, self.matches.changes[i]) for i in olds if i in self.matches.changes]
        entries: list[Entry] = []
        p = q = 0
        for i, j in [*pairs, (old_range.stop, new_range.stop)]:
            while p < len(olds) and olds[p] < i:
                entries.append(Entry("delete", olds[p], None, self.olds[olds[p]]))
                p += 1
            while q < len(news) and news[q] < j:
                entries.append(self.arrival(news[q]))
                q += 1
            if i < old_range.stop:
                entries.append(self.paired("change", i, j))
                p, q = p + 1, q + 1
        return entries

    def arrival(self, j: int) -> Entry:
        i = self.moved_in.get(j)
        if i is None:
            return Entry("insert", None, j, None, self.news[j])
        return self.paired("move", i, j)

    def paired(self, op: Literal["change", "move"], i: int, j: int) -> Entry:
        old, new = self.olds[i], self.news[j]
        words = word_diff(old.text, new.text)
        source, target = (i, j) if op == "move" else (None, None)
        return Entry(op, i, j, old, new, words, source, target, what_changed(old, new, words))


def what_changed(old: FlatBlock, new: FlatBlock, words: Words) -> frozenset[str]:
    """The `TEXT`, `FORMAT` and `KIND` flags of a paired block."""
    flags: set[str] = set()
    if old.text != new.text:
        flags.add(TEXT)
    a, b = old.block, new.block
    kind_a = [pair for pair in a.attrs if pair[0] in KIND_ATTRS]
    kind_b = [pair for pair in b.attrs if pair[0] in KIND_ATTRS]
    if old.context != new.context or a.kind != b.kind or kind_a != kind_b:
        flags.add(KIND)
    other_a = [pair for pair in a.attrs if pair[0] not in KIND_ATTRS]
    other_b = [pair for pair in b.attrs if pair[0] not in KIND_ATTRS]
    if other_a != other_b or not _same_styles(styles(a), styles(b), words):
        flags.add(FORMAT)
    if not flags and identity(old) != identity(new):
        flags.add(FORMAT)  # inline nodes without text, such as images
    return frozenset(flags)


def styles(block: Block) -> list[Style]:
    """The style of each character of the block's text."""
    result: list[Style] = []
    for span in block.inlines:
        result.extend([(span.marks, span.node, span.node_attrs)] * len(span.text))
    return result


def _same_styles(old: list[Style], new: list[Style], words: Words) -> bool:
    """True when the text kept by `words` looks the same on both sides."""
    a = b = 0
    for op, text in words:
        size = len(text)
        if op == "equal" and old[a : a + size] != new[b : b + size]:
            return False
        a += size if op != "insert" else 0
        b += size if op != "delete" else 0
    return True


_DMP = diff_match_patch()
_OPS: dict[int, WordOp] = {-1: "delete", 0: "equal", 1: "insert"}


def word_diff(old: str, new: str) -> Words:
    """Word-level diff: each token is one character for diff-match-patch."""
    if old == new:
        return (("equal", old),) if old else ()
    codes: dict[str, str] = {}

    def encode(text: str) -> str:
        chars = []
        for token in tokenize(text):
            char = codes.get(token)
            if char is None:
                point = 0x100 + len(codes)  # clear of control characters and surrogates
                char = codes[token] = chr(point + 0x800 if point >= 0xD800 else point)
            chars.append(char)
        return "".join(chars)

    old_chars, new_chars = encode(old), encode(new)
    decode = {char: token for token, char in codes.items()}
    diffs = _DMP.diff_main(old_chars, new_chars, False)
    _DMP.diff_cleanupSemantic(diffs)
    return tuple((_OPS[op], "".join(decode[char] for char in chars)) for op, chars in diffs)


def count_words(text: str) -> int:
    return sum(1 for token in tokenize(text) if is_word(token))


def summarize(entries: Iterable[Entry]) -> Summary:
    counts = {"insert": 0, "delete": 0, "change": 0, "move": 0}
    added = removed = 0
    for entry in entries:
        if entry.op == "equal":
            continue
        counts[entry.op] += 1
        if entry.op == "insert" and entry.new_block:
            added += count_words(entry.new_block.text)
        elif entry.op == "delete" and entry.old_block:
            removed += count_words(entry.old_block.text)
        for op, text in entry.words:
            added += count_words(text) if op == "insert" else 0
            removed += count_words(text) if op == "delete" else 0
    return Summary(
        counts["insert"], counts["delete"], counts["change"], counts["move"], added, removed
    )
