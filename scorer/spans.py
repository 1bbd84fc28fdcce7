"""Questions about many spans asked many times, each answered in O(log n).

Lines, sentences and hits are checked against the flagged spans of a report;
comparing each with every span made the cost grow with the square of the
report. Here the spans are sorted once, with the furthest end reached by any
span that starts at or before each one, and every question is a binary search.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

Span = tuple[int, int]


@dataclass(frozen=True)
class Spans(Sequence):
    """Spans (a, b) in a fixed order, read as a tuple of pairs, kept as two arrays of 4-byte
    integers: a long report has tens of thousands of paragraphs, and a pair of Python ints
    costs 128 bytes where this costs 8."""

    starts: array
    ends: array

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i):  # an index, as a tuple's; a slice gives Spans
        if isinstance(i, slice):
            return Spans(self.starts[i], self.ends[i])
        return self.starts[i], self.ends[i]

    def __iter__(self) -> Iterator[Span]:
        return zip(self.starts, self.ends, strict=True)


def spans_of(pairs: Iterable[Span]) -> Spans:
    starts, ends = array("i"), array("i")
    for a, b in pairs:
        starts.append(a)
        ends.append(b)
    return Spans(starts, ends)


@dataclass(frozen=True)
class SpanIndex:
    """Spans [a, b), in any order, overlapping or not."""

    starts: tuple[int, ...]  # span starts, sorted
    reach: tuple[int, ...]  # reach[k]: the furthest end among the spans sorted up to k

    def covers(self, start: int, end: int) -> bool:
        """Whether one span holds all of [start, end]: a <= start and end <= b."""
        k = bisect_right(self.starts, start)
        return k > 0 and self.reach[k - 1] >= end

    def holds(self, pos: int) -> bool:
        """Whether a span holds the position: a <= pos < b."""
        k = bisect_right(self.starts, pos)
        return k > 0 and self.reach[k - 1] > pos


def span_index(spans) -> SpanIndex:
    """Index spans for `covers` and `holds`.

    A span that starts at or before a position and reaches past it holds it; the
    furthest reach among all spans starting at or before the position says
    whether any does, so one search answers for all of them."""
    ordered = sorted(spans)
    return SpanIndex(tuple(a for a, _ in ordered), tuple(accumulate((b for _, b in ordered), max)))


def any_within(positions: Sequence[int], start: int, end: int) -> bool:
    """Whether a position of `positions` (sorted) lies in [start, end)."""
    i = bisect_left(positions, start)
    return i < len(positions) and positions[i] < end


def merge_spans(spans: Iterable[Span], gap: int = 0) -> list[Span]:
    """The spans sorted and joined where one starts at most `gap` after the last one ended."""
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a - out[-1][1] <= gap:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


_NOT_LINE_END = re.compile(r"[^\n]+")


def blank(text: str, spans, fill: str) -> str:
    """The text with every character of the spans but line ends replaced by `fill`.

    Built from slices of the text, span by merged span: one string object per
    character (a list of the text's characters) would cost ~80 bytes a character."""
    pieces: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if end <= start:
            continue
        pieces += [text[pos:start], _NOT_LINE_END.sub(lambda m: fill * len(m.group()), text[start:end])]
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)
