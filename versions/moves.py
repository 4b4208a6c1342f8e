"""Which old block became which new block: kept, changed in place, or moved.

`align` pairs equal blocks, anchored on blocks that occur once in each version
(patience diff) and finished with `difflib`; what it leaves are hunks, a run
of old blocks replaced by a run of new blocks (either may be empty). A block
removed in one hunk and found again, identical or nearly so, in another hunk
has moved. Inside a hunk, similar old and new blocks are paired in order as
one changed block. Similarity is `difflib`'s ratio over word tokens (spaces
left out), computed only when cheap upper bounds on it reach the threshold.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from math import ceil, sqrt

CHANGE_RATIO = 0.5  # least similarity for two blocks of a hunk to be one changed block
MOVE_RATIO = 0.9  # least similarity for a removed and an inserted block to be a move
MOVE_MIN_CHARS = 20  # blocks with fewer non-space characters never count as moved
MOVE_CANDIDATES = 32  # most removed blocks compared with one inserted block for moves
MAX_CELLS = 1024  # most pairs compared per piece of a hunk (cut along its diagonal)
MAX_DEPTH = 24  # nesting of patience anchoring after which `difflib` does the rest

Hunk = tuple[range, range]
"""Old positions and new positions of one replaced run."""

Step = tuple[int, int] | Hunk
"""Equal blocks (old index, new index), or a hunk."""


def align(old: Sequence[Hashable], new: Sequence[Hashable]) -> list[Step]:
    """Equal pairs and hunks, in order, covering both sequences."""
    patience = _Patience(old, new)
    patience.run(0, len(old), 0, len(new), 0)
    steps: list[Step] = []
    i = j = 0
    for x, y in [*patience.pairs, (len(old), len(new))]:
        if i < x or j < y:
            steps.append((range(i, x), range(j, y)))
        if x < len(old):
            steps.append((x, y))
        i, j = x + 1, y + 1
    return steps


class _Patience:
    """Equal pairs of two sequences, anchored on items found once on each side."""

    def __init__(self, a: Sequence[Hashable], b: Sequence[Hashable]) -> None:
        self.a, self.b = a, b
        self.pairs: list[tuple[int, int]] = []

    def run(self, alo: int, ahi: int, blo: int, bhi: int, depth: int) -> None:
        """Append the equal pairs of `a[alo:ahi]` and `b[blo:bhi]`, in order."""
        a, b, pairs = self.a, self.b, self.pairs
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            pairs.append((alo, blo))
            alo, blo = alo + 1, blo + 1
        tail = 0
        while alo < ahi - tail and blo < bhi - tail and a[ahi - tail - 1] == b[bhi - tail - 1]:
            tail += 1
        ahi, bhi = ahi - tail, bhi - tail
        anchors = self.anchors(alo, ahi, blo, bhi) if depth < MAX_DEPTH else []
        for i, j in anchors:
            self.run(alo, i, blo, j, depth + 1)
            pairs.append((i, j))
            alo, blo = i + 1, j + 1
        if anchors:
            self.run(alo, ahi, blo, bhi, depth + 1)
        elif alo < ahi and blo < bhi:
            matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            for x, y, size in matcher.get_matching_blocks():
                pairs.extend((alo + x + k, blo + y + k) for k in range(size))
        pairs.extend((ahi + k, bhi + k) for k in range(tail))

    def anchors(self, alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
        """Longest increasing run of pairs of items found once on each side."""
        a, b = self.a, self.b
        counts_a, counts_b = Counter(a[alo:ahi]), Counter(b[blo:bhi])
        where = {b[j]: j for j in range(blo, bhi) if counts_b[b[j]] == 1}
        pairs = [(i, where[a[i]]) for i in range(alo, ahi) if counts_a[a[i]] == 1 and a[i] in where]
        tops: list[int] = []  # patience piles: least new index ending a run of each length
        ends: list[int] = []  # the pair holding it
        back = [-1] * len(pairs)
        for index, (_, j) in enumerate(pairs):
            pile = bisect_left(tops, j)
            back[index] = ends[pile - 1] if pile else -1
            tops[pile : pile + 1] = [j]  # replace that pile's top, or open a new pile
            ends[pile : pile + 1] = [index]
        run: list[tuple[int, int]] = []
        index = ends[-1] if ends else -1
        while index >= 0:
            run.append(pairs[index])
            index = back[index]
        return run[::-1]


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|\s+|.", re.DOTALL)
_CJK_CHAR = re.compile(f"[{_CJK}]")
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")


def tokenize(text: str) -> list[str]:
    """Split text into words, runs of spaces and single other characters.

    Han and kana characters are one token each. Combining marks, variation
    selectors, skin tones and zero-width joiners stay attached to their base,
    so an accent or an emoji sequence is never cut in two.
    """
    tokens: list[str] = []
    for token in _TOKEN.findall(text):
        if tokens and max(token[0], tokens[-1][-1]) >= "\u0300" and _continues(tokens[-1], token):
            tokens[-1] += token
        else:
            tokens.append(token)
    return tokens


def is_word(token: str) -> bool:
    """True for a token that counts as a word (letters or digits)."""
    return token[:1].isalnum()


def _is_mark(char: str) -> bool:
    return (
        char in _JOINERS
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or unicodedata.category(char)[0] == "M"
    )


def _continues(previous: str, token: str) -> bool:
    """True for a mark, a joined emoji, or a word resumed after a combining mark."""
    if _is_mark(token[0]) or previous[-1] == "\u200d":
        return True
    resumed = _is_mark(previous[-1]) and is_word(previous) and is_word(token)
    return resumed and not _CJK_CHAR.match(token)


@dataclass(frozen=True)
class Profile:
    """What similarity looks at in a block's text."""

    tokens: tuple[str, ...]
    distinct: frozenset[str]
    chars: int

    @classmethod
    def of(cls, text: str) -> Profile:
        tokens = tuple(token for token in tokenize(text) if not token.isspace())
        return cls(tokens, frozenset(tokens), sum(map(len, tokens)))


def similarity(a: Profile, b: Profile, floor: float) -> float:
    """Ratio of matching tokens, or 0.0 when it cannot reach `floor`."""
    total = len(a.tokens) + len(b.tokens)
    if not total:
        return 1.0
    shared = min(
        len(a.tokens) - len(a.distinct - b.distinct),
        len(b.tokens) - len(b.distinct - a.distinct),
    )
    if 2 * shared < floor * total:
        return 0.0
    ratio = SequenceMatcher(None, a.tokens, b.tokens, autojunk=False).ratio()
    return ratio if ratio >= floor else 0.0


@dataclass(frozen=True)
class Matches:
    """Pairs of old and new positions: changed in place, and moved."""

    changes: dict[int, int]
    moves: dict[int, int]


def match_blocks(old: Sequence[str], new: Sequence[str], hunks: Sequence[Hunk]) -> Matches:
    """Pair the old and new texts of the hunks: moves first, then changes.

    A move is kept only when it is more similar than anything its two ends
    could be paired with in place (so never inside one piece of a hunk).
    """
    olds = {i: Profile.of(old[i]) for old_range, _ in hunks for i in old_range}
    news = {j: Profile.of(new[j]) for _, new_range in hunks for j in new_range}
    pieces = [piece for hunk in hunks for piece in _pieces(*hunk)]
    scores: dict[tuple[int, int], float] = {}
    local: dict[tuple[bool, int], float] = {}  # best score in place of each old and new block
    for old_range, new_range in pieces:
        for i in old_range:
            for j in new_range:
                score = similarity(olds[i], news[j], CHANGE_RATIO)
                if score:
                    scores[i, j] = score
                    local[False, i] = max(local.get((False, i), 0.0), score)
                    local[True, j] = max(local.get((True, j), 0.0), score)
    moves = _moves(olds, news, local)
    moved_in = set(moves.values())
    changes: dict[int, int] = {}
    for old_range, new_range in pieces:
        kept_old = [i for i in old_range if i not in moves]
        kept_new = [j for j in new_range if j not in moved_in]
        changes.update(_align(kept_old, kept_new, scores))
    return Matches(changes, moves)


def _pieces(old: range, new: range) -> list[Hunk]:
    """The hunk itself, or slices of it along its diagonal when it is large."""
    n, m = len(old), len(new)
    if n * m <= MAX_CELLS:
        return [(old, new)]
    count = min(max(n, m), ceil(sqrt(n * m / MAX_CELLS)))
    old_cuts = [old.start + round(k * n / count) for k in range(count + 1)]
    new_cuts = [new.start + round(k * m / count) for k in range(count + 1)]
    return [
        (range(old_cuts[k], old_cuts[k + 1]), range(new_cuts[k], new_cuts[k + 1]))
        for k in range(count)
    ]


def _moves(
    olds: dict[int, Profile], news: dict[int, Profile], local: dict[tuple[bool, int], float]
) -> dict[int, int]:
    """Near-identical removed and inserted blocks, most similar (then nearest) first."""
    found: list[tuple[float, int, int, int]] = []
    for i, j in _candidates(olds, news):
        score = similarity(olds[i], news[j], MOVE_RATIO)
        if score > max(local.get((False, i), 0.0), local.get((True, j), 0.0)):
            found.append((-score, abs(i - j), i, j))
    moves: dict[int, int] = {}
    taken: set[int] = set()
    for _, _, i, j in sorted(found):
        if i not in moves and j not in taken:
            moves[i] = j
            taken.add(j)
    return moves


def _candidates(olds: dict[int, Profile], news: dict[int, Profile]) -> list[tuple[int, int]]:
    """Pairs that may be near-identical: the old block holds one of the new block's
    rarest tokens, enough of them that a near-identical block must hold one
    (at most `MOVE_CANDIDATES` per new block, from the rarest tokens on)."""
    postings: dict[str, list[int]] = {}
    for i, profile in olds.items():
        if profile.chars >= MOVE_MIN_CHARS:
            for token in profile.distinct:
                postings.setdefault(token, []).append(i)
    slack = 1 - MOVE_RATIO / (2 - MOVE_RATIO)  # share of distinct tokens a match may lack
    pairs: list[tuple[int, int]] = []
    for j, profile in news.items():
        if profile.chars < MOVE_MIN_CHARS:
            continue
        rare = sorted(profile.distinct, key=lambda token: (len(postings.get(token, ())), token))
        found: dict[int, None] = {}
        for token in rare[: int(slack * len(profile.tokens) + 1e-9) + 1]:
            found.update(dict.fromkeys(postings.get(token, ())))
            if len(found) >= MOVE_CANDIDATES:
                break
        pairs.extend((i, j) for i in list(found)[:MOVE_CANDIDATES])
    return pairs


def _align(
    olds: list[int], news: list[int], scores: dict[tuple[int, int], float]
) -> list[tuple[int, int]]:
    """Order-preserving pairs of `olds` and `news` with the greatest total similarity."""
    n, m = len(olds), len(news)
    if not n or not m:
        return []
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(n):
        row, above = best[a + 1], best[a]
        for b in range(m):
            score = scores.get((olds[a], news[b]), 0.0)
            row[b + 1] = max(above[b + 1], row[b], above[b] + score if score else 0.0)
    pairs: list[tuple[int, int]] = []
    a, b = n, m
    while a and b:
        score = scores.get((olds[a - 1], news[b - 1]), 0.0)
        if score and best[a][b] == best[a - 1][b - 1] + score:
            pairs.append((olds[a - 1], news[b - 1]))
            a, b = a - 1, b - 1
        elif best[a][b] == best[a - 1][b]:
            a -= 1
        else:
            b -= 1
    return pairs[::-1]
