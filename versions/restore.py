"""Restore a version as a forward edit: turn the live document into the target blocks
with ordinary Yjs operations, touching only what differs.

Never replace the document or write an old state into storage: reconnecting clients would
bring the reverted content back ("zombie" content). Instead the live fragment is edited in
one transaction, like a very fast typist would: unchanged blocks are left alone (comment
anchors in them survive), containers with the same kind are patched child by child, and a
paragraph whose kind and attributes are unchanged is patched character by character, so
that concurrent typing elsewhere in it is kept. Offsets given to pycrdt are UTF-8 bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from pycrdt import XmlElement, XmlFragment, XmlText

from .blocks import Block, read_blocks
from .build import insert_block


@dataclass
class RestoreStats:
    """How much the restore touched (for the version record and the tests)."""

    blocks_kept: int = 0
    blocks_inserted: int = 0
    blocks_deleted: int = 0
    blocks_patched: int = 0
    chars_inserted: int = 0
    chars_deleted: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.blocks_inserted or self.blocks_deleted or self.blocks_patched)


def restore_blocks(
    fragment: XmlFragment, target: Sequence[Block], origin: object = None
) -> RestoreStats:
    """Edit `fragment` (integrated in a live Doc) until it reads as `target`."""
    stats = RestoreStats()
    with fragment.doc.transaction(origin=origin):
        current = read_blocks(fragment)
        _patch_children(fragment, current, list(target), stats)
    return stats


def _patch_children(
    parent: XmlFragment | XmlElement, current: list[Block], target: list[Block], stats: RestoreStats
) -> None:
    matcher = SequenceMatcher(None, current, target, autojunk=False)
    # Right to left, so earlier indexes stay valid while later ones change.
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            stats.blocks_kept += i2 - i1
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for offset in reversed(range(i2 - i1)):
                _patch_block(parent, i1 + offset, current[i1 + offset], target[j1 + offset], stats)
            continue
        if i2 > i1:
            del parent.children[i1:i2]
            stats.blocks_deleted += i2 - i1
        for position, block in enumerate(target[j1:j2]):
            insert_block(parent, i1 + position, block)
            stats.blocks_inserted += 1


def _patch_block(
    parent: XmlFragment | XmlElement, index: int, old: Block, new: Block, stats: RestoreStats
) -> None:
    node = parent.children[index]
    if not isinstance(node, XmlElement) or old.kind != new.kind or old.attrs != new.attrs:
        _replace(parent, index, new, stats)
        return
    if old.children or new.children:
        if old.inlines or new.inlines:
            _replace(parent, index, new, stats)
            return
        _patch_children(node, list(old.children), list(new.children), stats)
        return
    text = _single_text(node, old)
    if text is None or any(span.node for span in new.inlines):
        _replace(parent, index, new, stats)
        return
    _patch_text(text, old, new, stats)
    stats.blocks_patched += 1


def _replace(
    parent: XmlFragment | XmlElement, index: int, block: Block, stats: RestoreStats
) -> None:
    del parent.children[index : index + 1]
    insert_block(parent, index, block)
    stats.blocks_deleted += 1
    stats.blocks_inserted += 1


def _single_text(node: XmlElement, block: Block) -> XmlText | None:
    """The element's only child when it is one XmlText (no inline nodes), else None."""
    children = list(node.children)
    if any(span.node for span in block.inlines):
        return None
    if len(children) == 1 and isinstance(children[0], XmlText):
        return children[0]
    if not children:
        return node.children.append(XmlText())
    return None


def _patch_text(text: XmlText, old: Block, new: Block, stats: RestoreStats) -> None:
    before = old.text
    after = new.text
    if before != after:
        matcher = SequenceMatcher(None, before, after, autojunk=False)
        for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
            if tag == "equal":
                continue
            start = len(before[:i1].encode("utf-8"))
            if i2 > i1:
                stop = start + len(before[i1:i2].encode("utf-8"))
                del text[start:stop]
                stats.chars_deleted += i2 - i1
            if j2 > j1:
                text.insert(start, after[j1:j2])
                stats.chars_inserted += j2 - j1
    _apply_marks(text, old, new)


def _apply_marks(text: XmlText, old: Block, new: Block) -> None:
    """Give every run of `text` exactly the marks of the target spans."""
    keys = {key for span in (*old.inlines, *new.inlines) for key, _ in span.marks}
    if not keys:
        return
    offset = 0
    for span in new.inlines:
        size = len(span.text.encode("utf-8"))
        if size:
            wanted = dict(span.marks)
            attrs = {key: (json.loads(wanted[key]) if key in wanted else None) for key in keys}
            text.format(offset, offset + size, attrs)
        offset += size
