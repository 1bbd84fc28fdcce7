"""A heading names the topic of the text under it.

Under "(二)持续深入优化营商环境" the measures and figures report on the business
environment even where they do not repeat its words (将原其他权力事项7项,调整为各5项).
An evaluator reads them so; the matcher does too: when a criterion's own words
(not a general word capped at level 1) stand in a short heading, each clause of
the part under it earns what its words show, a figure (3) or a concrete measure
(2). A sub-part whose heading names another criterion belongs to that one, and a
clause that reports another criterion's hit is left to it, with the clauses after it
in its sentence that are bare counts naming no criterion (…全年收到行政复议申请96件,受理
88件 counts cases, under a heading on the reconsideration reform).
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from .clauses import CLAUSE_END
from .document import Document
from .hygiene import MASK
from .judge import Judged, capped, unless_word
from .levels import LevelWords, formula, hit_level, negated_by_next_clause
from .rubric import Rubric
from .rules import Candidate
from .spans import span_index
from .structure import Part

_UNFLAGGED = re.compile(f"[^{MASK}]+")
LIST_COUNT = 8  # characters of a bare count that goes on with the clause before (受理88件, 审结81件)
HEADING_MAX = 30  # characters: a longer "heading" is an item's first sentence, not a title


@dataclass(frozen=True)
class Heading:
    part: Part
    start: int  # span of marker and heading in the normalised text
    end: int


@dataclass(frozen=True)
class Headings:
    """A report's short headings, outermost first, indexed once: each question is a binary
    search, so that a long report with many headings and hits costs in proportion to them."""

    heads: tuple[Heading, ...]
    by_start: tuple[Heading, ...]  # the same, by position (heading lines never overlap)
    starts: tuple[int, ...]  # by_start's starts
    sentence_starts: tuple[int, ...]

    def __iter__(self) -> Iterator[Heading]:
        return iter(self.heads)

    def __bool__(self) -> bool:
        return bool(self.heads)


def headings(doc: Document) -> Headings:
    """Every short heading of the report, outermost first."""
    out = []
    for top in doc.parts:
        for part in top.walk():
            if part.heading and len(part.heading) <= HEADING_MAX:
                out.append(Heading(part, part.start, part.start + len(part.marker) + len(part.heading)))
    by_start = tuple(sorted(out, key=lambda h: h.start))
    return Headings(tuple(out), by_start, tuple(h.start for h in by_start),
                    tuple(s.start for s in doc.sentences))


def heading_at(heads: Headings, pos: int) -> Heading | None:
    """The heading whose text holds `pos`, if any."""
    k = bisect.bisect_right(heads.starts, pos) - 1
    if k >= 0 and pos < heads.by_start[k].end:
        return heads.by_start[k]
    return None


def clauses_under(doc: Document, heads: Headings, head: Heading,
                  skip: list[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
    """(sentence index, clause start, clause end) for each clause of the part under a
    heading, leaving out the heading itself and the `skip` spans (sub-parts of others)."""
    text = doc.match_text
    skipped = span_index(skip)
    k = bisect.bisect_left(heads.sentence_starts, head.end)
    while k < len(doc.sentences) and doc.sentences[k].start < head.part.end:
        s = doc.sentences[k]
        if not skipped.holds(s.start):
            a = s.start
            while a < s.end:
                m = CLAUSE_END.search(text, a, s.end)
                b = m.start() if m else s.end
                for piece in _UNFLAGGED.finditer(text, a, b):  # flagged text is never a clause's
                    yield k, piece.start(), piece.end()
                a = b + 1
        k += 1


def inherit_from_headings(doc: Document, heads: Headings, rubric: Rubric,
                          judged: dict[str, list[Judged]], lang: LevelWords) -> None:
    """Clauses under a heading that names a criterion report on it (see headings.py)."""
    if not heads:
        return
    named: dict[str, dict[str, Judged]] = defaultdict(dict)  # part path -> criterion -> hit
    hits = _CountedHits(judged)
    for cid, items in judged.items():
        for j in items:
            if j.reason is None and j.rule.max_level >= 2:
                head = heading_at(heads, j.start)
                if head is not None:
                    named[head.part.path].setdefault(cid, j)
    # By the clause's start (it ends where its piece does): a heading naming several criteria,
    # and the headings above it, ask once per clause.
    verdicts: dict[int, tuple[int, str, bool] | None] = {}
    for head in heads:
        for cid, hit in sorted(named.get(head.part.path, {}).items()):
            criterion = rubric.criterion(cid)
            skip = [(d.start, d.end) for d in head.part.walk()
                    if d is not head.part and named.get(d.path) and cid not in named[d.path]]
            unless = hit.rule.unless + criterion.unless
            best: dict[int, Judged] = {}
            left = -1  # the sentence whose clause was left to another criterion
            for k, a, b in clauses_under(doc, heads, head, skip):
                if hits.only_others(a, b, cid):
                    left = k
                    continue
                if k == left and b - a <= LIST_COUNT and not hits.any(a, b):
                    continue  # a count that goes on with that one's report (…复议申请96件,受理88件)
                left = -1
                if doc.sentences[k].role not in criterion.scope:  # StrEnum
                    continue
                if unless_word(doc, k, unless):  # read as the criterion's own hits are
                    continue
                if a not in verdicts:
                    verdicts[a] = _clause_verdict(doc, k, a, b, lang)
                verdict = verdicts[a]
                if verdict is None:
                    continue
                level, why, based = verdict
                if k not in best or level > best[k].level:
                    best[k] = Judged(k, a, b, (), hit.rule, level, why, None, based, inherited=True)
            judged[cid].extend(best[k] for k in sorted(best))


class _CountedHits:
    """Where the counted hits start, and whose they are, by position: a long report has
    hundreds of thousands, so two arrays rather than a tuple each."""

    def __init__(self, judged: dict[str, list[Judged]]) -> None:
        ids = sorted(judged)
        self.index = {cid: i for i, cid in enumerate(ids)}
        n = len(ids)
        packed = sorted(j.start * n + i for i, cid in enumerate(ids)
                        for j in judged[cid] if j.reason is None)
        self.starts = array("i", (p // n for p in packed))
        self.owners = array("i", (p % n for p in packed))

    def any(self, a: int, b: int) -> bool:
        """Whether counted hits start in [a, b)."""
        return bisect.bisect_left(self.starts, a) < bisect.bisect_left(self.starts, b)

    def only_others(self, a: int, b: int, cid: str) -> bool:
        """Whether hits start in [a, b) and none of them is the criterion's."""
        lo, hi = bisect.bisect_left(self.starts, a), bisect.bisect_left(self.starts, b)
        return lo < hi and self.index[cid] not in self.owners[lo:hi]


def _clause_verdict(doc: Document, k: int, a: int, b: int,
                    lang: LevelWords) -> tuple[int, str, bool] | None:
    """What a clause under a heading earns on its own words (a level of 2 or 3, why, and
    whether it rests on words `judge.basis_of` finds again), or None: whatever the
    criterion, the clause says the same."""
    text, s = doc.match_text, doc.sentences[k]
    clause = text[a:b]
    if (lang.negation.search(clause) or lang.future.search(clause) or formula(clause, lang)
            or negated_by_next_clause(text, b, s.end, lang)):
        return None
    level, why, basis = hit_level(text, a, b, a, b, lang)  # the clause's own words
    if level < 2 or capped(doc, Candidate(k, a, b, (), None), a, b, level == 3, lang):  # where, not which rule
        return None
    return level, why, basis is not None
