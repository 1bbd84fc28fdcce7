"""A heading names the topic of the text under it.

Under "(二)持续深入优化营商环境" the measures and figures report on the business
environment even where they do not repeat its words (将原其他权力事项7项,调整为各5项).
An evaluator reads them so; the matcher does too: when a criterion's own words
(not a general word capped at level 1) stand in a short heading, each clause of
the part under it earns what its words show, a figure (3) or a concrete measure
(2). A sub-part whose heading names another criterion belongs to that one, and a
clause that reports another criterion's hit is left to it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass

from .document import Document
from .levels import CLAUSE_END
from .structure import Part

HEADING_MAX = 30  # characters: a longer "heading" is an item's first sentence, not a title


@dataclass(frozen=True)
class Heading:
    part: Part
    start: int  # span of marker and heading in the normalised text
    end: int


def headings(doc: Document) -> list[Heading]:
    """Every short heading of the report, outermost first."""
    out = []
    for top in doc.parts:
        for part in top.walk():
            if part.heading and len(part.heading) <= HEADING_MAX:
                out.append(Heading(part, part.start, part.start + len(part.marker) + len(part.heading)))
    return out


def heading_at(heads: list[Heading], pos: int) -> Heading | None:
    """The heading whose text holds `pos`, if any."""
    for head in heads:
        if head.start <= pos < head.end:
            return head
    return None


def clauses_under(doc: Document, head: Heading, skip: list[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
    """(sentence index, clause start, clause end) for each clause of the part under a
    heading, leaving out the heading itself and the `skip` spans (sub-parts of others)."""
    text = doc.match_text
    starts = [s.start for s in doc.sentences]
    k = bisect.bisect_left(starts, head.end)
    while k < len(doc.sentences) and doc.sentences[k].start < head.part.end:
        s = doc.sentences[k]
        if not any(a <= s.start < b for a, b in skip):
            a = s.start
            while a < s.end:
                m = CLAUSE_END.search(text, a, s.end)
                b = m.start() if m else s.end
                if b > a:
                    yield k, a, b
                a = b + 1
        k += 1
