"""Rubric rules → evidence. Finds where each criterion is reported and judges each hit.

Each hit is judged in `judge.py` (does it count, at what level: `levels.py`),
never in flagged text (masked in `Document.match_text`). A whole named as one
(三项制度) gives each member level 1, unless the part around it reports members on
their own: then it is the breakdown, and a member left out gets nothing. Clauses
under a heading that names a criterion report on it (`headings.py`). The best
evidence is the passage most about the criterion, quoted as written.
"""

from __future__ import annotations

import dataclasses
from array import array
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from sys import intern

from .clauses import CLAUSE_END, clause_span
from .document import Document
from .headings import Headings, heading_at, headings, inherit_from_headings
from .hygiene import MASK
from .judge import Judged, basis_of, judge_hit
from .levels import FIGURE_NEXT, LevelWords, level_words
from .occurrences import Occurrences, rubric_words
from .rubric import Criterion, Rubric
from .rules import applies
from .spans import any_within

QUOTE_MAX = 120


@dataclass(frozen=True)
class Evidence:
    """A quote that backs a criterion's level, as written in the original."""

    quote: str
    start: int  # offsets in the original text
    end: int
    part_path: str
    role: str
    terms: tuple[str, ...]
    level: int
    why: str


@dataclass(frozen=True)
class Rejected:
    """A hit that does not count, and why."""

    quote: str
    start: int
    end: int
    part_path: str
    role: str
    terms: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class CriterionMatch:
    criterion_id: str
    level: int
    evidence: tuple[Evidence, ...]
    rejected: tuple[Rejected, ...]
    searched: tuple[str, ...]  # the words looked for
    summary: str  # why this level, in one line
    applies: bool = True  # False when the report's covered year lies outside the criterion's years


@lru_cache(maxsize=16)
def matching_key(rubric: Rubric) -> tuple:
    """What matching reads of a rubric: its criteria less what only scores or shows them
    (points, area, title, message, source, examples, description), its wholes and its level
    words. Rubrics with one key find the same evidence at the same levels in any report, as
    a what-if that moves points between criteria: a report is matched once for all of them."""
    shown_only = {"title": "", "area": "", "points": 0.0, "message": "", "source": "", "examples": (),
                  "description": ""}
    return (tuple(dataclasses.replace(c, **shown_only) for c in rubric.criteria), rubric.wholes,
            rubric.language)


def match_document(doc: Document, rubric: Rubric) -> dict[str, CriterionMatch]:
    """Judge every criterion of the rubric on a document."""
    ctx = Occurrences(doc, rubric_words(rubric))
    lang = level_words(rubric)
    parts_by_path = {p.path: p for top in doc.parts for p in top.walk()}
    judged: dict[str, list[Judged]] = {}
    # Where each member of a whole reports on its own: the starts of all its counted hits,
    # sorted, taken before thinning, which keeps one of alike hits in a clause that may run
    # across two inline items (a space before 三是 ends no clause).
    members = {m for whole in rubric.wholes for m in whole.members}
    own: dict[str, array] = {}
    results: dict[str, CriterionMatch] = {}
    year = doc.metadata.year
    heads = headings(doc)
    for criterion in rubric.criteria:
        if not applies(criterion.years, year):
            results[criterion.id] = _not_applicable(criterion, year)
            continue
        document_rule = criterion.document_rule
        if document_rule is not None:  # part, metadata: the rule judges the document itself
            results[criterion.id] = document_rule.judge(doc, criterion.id)
            continue
        cands = [c for rule in criterion.rules if applies(rule.years, year) for c in rule.candidates(ctx)]
        items = [judge_hit(doc, criterion, c, lang) for c in cands]
        if criterion.id in members:
            own[criterion.id] = _starts(items)
        judged[criterion.id] = _kept(items, doc, heads)
    for whole in rubric.wholes:
        _apply_whole(doc, rubric, whole, ctx, lang, judged, parts_by_path, own)
    inherit_from_headings(doc, heads, rubric, judged, lang)
    topics = array("i", [0]) * len(doc.sentences)  # how many criteria each sentence reports
    for items in judged.values():
        for k in _reported(items):
            topics[k] += 1
    for criterion in rubric.criteria:
        if criterion.id in judged:
            results[criterion.id] = _result(doc, criterion, judged[criterion.id], lang, ctx, topics, heads)
    return results


def _reported(items: list[Judged]) -> set[int]:
    """The sentences where a criterion's own words count (not a heading's)."""
    return {j.sentence for j in items if j.reason is None and not j.inherited}


SHOWN_REJECTED = 10  # rejected hits a result lists, one a sentence and reason, the first in the text


def _kept(items: list[Judged], doc: Document, heads: Headings) -> list[Judged]:
    """The hits of a criterion that matching can still use, in their order. A long report has
    hundreds of thousands; keeping them all until the end of matching cost more memory than
    its text, and the choice of quotes and the headings read the same from these. (The wholes
    read where their members stand from all counted hits: a clause can run into an inline
    item, so alike hits in it may stand in two parts.)

    - Of the rejected, those a result can show: the first of each sentence and reason up to
      SHOWN_REJECTED of them, and the first of each reason (the summary names the reasons);
      the rejected added later (by a whole) take their place among these by where they stand.
    - Of the counted, those that differ by sentence, clause, level, the heading they stand in or
      rule: of each such kind the first, which a heading above it takes the rule of, and the
      first of those that start first, which the choice of quotes takes (it quotes one hit a
      sentence, the first in the text of its level). The sentences and clauses that report the
      criterion stay the same for the headings and the other criteria."""
    keep = _rejected_shown(items) | _counted_kinds(items, doc, heads)
    return [j for j in items if id(j) in keep]


def _counted_kinds(items: list[Judged], doc: Document, heads: Headings) -> set[int]:
    first: dict[tuple, int] = {}
    earliest: dict[tuple, tuple[int, int]] = {}
    text = doc.match_text
    for j in items:
        if j.reason is not None:
            continue
        s = doc.sentences[j.sentence]
        clause = clause_span(text, s.start, s.end, j.start, j.start)[0]
        head = heading_at(heads, j.start)  # which one: two item headings may share a clause (一是… 二是…)
        kind = (j.sentence, clause, j.level, head.start if head else -1, id(j.rule))
        first.setdefault(kind, id(j))
        if kind not in earliest or j.start < earliest[kind][0]:
            earliest[kind] = (j.start, id(j))
    return set(first.values()) | {i for _, i in earliest.values()}


def _rejected_shown(items: list[Judged]) -> set[int]:
    rejected = sorted((j for j in items if j.reason is not None), key=lambda j: j.start)
    shown: set[tuple[int, str | None]] = set()
    reasons: set[str | None] = set()
    keep: set[int] = set()
    for j in rejected:
        key = (j.sentence, j.reason)
        first_of_key = key not in shown and len(shown) < SHOWN_REJECTED
        if first_of_key:
            shown.add(key)
        if first_of_key or j.reason not in reasons:
            keep.add(id(j))
        reasons.add(j.reason)
    return keep


def _apply_whole(doc, rubric, whole, ctx, lang, judged, parts_by_path, own) -> None:
    """A whole named as one (三项制度) speaks for its members, unless broken down."""
    from .rules import TermsRule

    rule = TermsRule("terms", terms=whole.terms, max_level=1)
    # Whether a member reports on its own in a part, before this whole adds anything, is a
    # binary search in its own hits' starts (a long report names the whole and its members
    # thousands of times).
    own_starts = {m: own[m] for m in whole.members}
    cands = rule.candidates(ctx)  # one for all members: a long report names the whole thousands of times
    for member_id in whole.members:
        member = rubric.criterion(member_id)
        counted = []
        for cand in cands:
            j = judge_hit(doc, member, cand, lang)
            if j.reason is None:
                part = parts_by_path.get(doc.sentences[cand.sentence].part_path)
                span = (part.start, part.end) if part else doc.paragraphs[doc.sentences[cand.sentence].paragraph]
                siblings = [m for m in whole.members if m != member_id and any_within(own_starts[m], *span)]
                if siblings and not any_within(own_starts[member_id], *span):
                    j = Judged.of(cand, 0, "", intern(f"{whole.name}在此分项列举，未涉及本项"))
                else:
                    j = Judged.of(cand, 1, intern(f"仅笼统提及{whole.name}"), None)
                    counted.append(cand.start)
            judged[member_id].append(j)
        own[member_id] = array("i", sorted([*own[member_id], *counted]))  # a whole after this one sees them


def _starts(items: list[Judged]) -> array:
    """The starts of the counted hits among `items`, sorted."""
    return array("i", sorted(j.start for j in items if j.reason is None))


def _result(doc: Document, criterion: Criterion, judged: list[Judged], lang: LevelWords,
            ctx: Occurrences, topics: array, heads: Headings) -> CriterionMatch:
    searched = tuple(dict.fromkeys(w for r in criterion.rules for w in r.words()))

    about_cache: dict[int, int] = {}

    wanted = set(searched)
    mine = _reported(judged)

    def about(k: int) -> int:
        """How many of the criterion's words the sentence holds as words."""
        if k not in about_cache:
            about_cache[k] = sum(ctx.in_sentence(w, k) for w in ctx.words_at(k) & wanted)
        return about_cache[k]

    def group(j: Judged):
        in_heading = heading_at(heads, j.start) is not None
        return -j.level, j.inherited, in_heading

    def rank(j: Judged):
        """Within a group, the passage most about the criterion: one whose figure is in its
        own sentence, in a sentence naming more of its words and fewer other criteria, then
        the first."""
        k = j.sentence
        others = topics[k] - (k in mine)
        return j.why.startswith(FIGURE_NEXT), others - about(k), j.start

    # The best evidence first: the highest level, then found by the criterion's own words
    # rather than under a heading, in the body rather than a heading, then by `rank`,
    # which is costly: it is worked out only for the groups that supply the evidence.
    groups: dict[tuple, list[Judged]] = defaultdict(list)
    for j in judged:
        if j.reason is None:
            groups[group(j)].append(j)
    rejected = [j for j in judged if j.reason is not None]
    evidence: list[Evidence] = []
    used_sentences: set[int] = set()
    for key in sorted(groups):
        for j in sorted(groups[key], key=rank):
            if len(evidence) == 3 or j.sentence in used_sentences:
                continue
            ev = _evidence(doc, j, lang)
            if any(ev.start < e.end and e.start < ev.end for e in evidence):
                continue  # a quote running into the next sentence for its figure: that passage is shown
            used_sentences.add(j.sentence)
            evidence.append(ev)
        if len(evidence) == 3:
            break
    level = evidence[0].level if evidence else 0
    rej = []
    seen = set()
    for j in sorted(rejected, key=lambda j: j.start):
        if len(rej) == SHOWN_REJECTED:  # the others are not shown: not quoted either
            break
        if (j.sentence, j.reason) in seen:
            continue
        seen.add((j.sentence, j.reason))
        rej.append(_rejected(doc, j))
    if evidence:
        summary = evidence[0].why
    elif rejected:
        reasons = sorted({j.reason for j in rejected})
        summary = "未计分：" + "；".join(reasons[:3])
    else:
        summary = "报告中未找到相关表述"
    return CriterionMatch(criterion.id, level, tuple(evidence), tuple(rej), searched, summary)


def _quote_span(doc: Document, k: int, start: int, end: int,
                basis: tuple[int, int] | None = None) -> tuple[int, int]:
    """The sentence around a hit, trimmed to QUOTE_MAX characters and to unflagged text.
    A long sentence is cut at clause ends, always keeping the hit and the words its level
    rests on (its figure, action or named document)."""
    s = doc.sentences[k]
    text = doc.match_text
    a, b = s.start, s.end
    if basis and basis[1] > b:  # a figure the next sentence gives (…培训。全年共举办培训班12期): to its clause's end
        m = CLAUSE_END.search(text, basis[1])
        b = m.start() if m else len(text)
    while b > a and text[b - 1] in "。;!?,":
        b -= 1
    lo, hi = (min(start, basis[0]), max(end, basis[1])) if basis else (start, end)
    if b - a > QUOTE_MAX:
        a2, b2 = clause_span(text, a, b, lo, hi)
        while b2 < b and b2 - a2 < QUOTE_MAX * 0.6:
            m = CLAUSE_END.search(text, b2 + 1, b)
            nxt = m.start() if m else b
            if nxt - a2 > QUOTE_MAX:  # the next clause would be cut: stop at a clause end
                break
            b2 = nxt
        if b2 - a2 > QUOTE_MAX:  # one clause too long: cut at its last pause (、) after the hit
            pause = text.rfind("、", hi, a2 + QUOTE_MAX)
            b2 = pause if pause > hi else max(a2 + QUOTE_MAX, hi)
        a, b = a2, b2
    return _unflagged(text, a, b, start, end)




def _unflagged(text: str, a: int, b: int, start: int, end: int) -> tuple[int, int]:
    """Shrink [a, b) to the unflagged stretch around [start, end): flagged text is never quoted."""
    if MASK in text[a:b]:
        lo = text.rfind(MASK, a, start)
        hi = text.find(MASK, end, b)
        a = lo + 1 if lo >= 0 else a
        b = hi if hi >= 0 else b
    return a, b


def _evidence(doc: Document, j: Judged, lang) -> Evidence:
    s = doc.sentences[j.sentence]
    a, b = _quote_span(doc, j.sentence, j.start, j.end, basis_of(doc, j, lang))
    oa, ob = doc.original_span(a, b)
    return Evidence(doc.original[oa:ob].strip(), oa, ob, s.part_path, s.role.value, j.terms, j.level, j.why)


def _rejected(doc: Document, j: Judged) -> Rejected:
    s = doc.sentences[j.sentence]
    a, b = _quote_span(doc, j.sentence, j.start, j.end)
    oa, ob = doc.original_span(a, b)
    return Rejected(doc.original[oa:ob].strip(), oa, ob, s.part_path, s.role.value, j.terms, j.reason or "")


def years_text(years: tuple[int | None, int | None]) -> str:
    first, last = years
    if first and last:
        return f"{first}—{last}年" if first != last else f"{first}年"
    return f"{first}年起" if first else f"{last}年及以前"


def _not_applicable(criterion: Criterion, year: int | None) -> CriterionMatch:
    return CriterionMatch(criterion.id, 0, (), (), (), f"不适用：本项适用于{years_text(criterion.years)}的报告，"
                                                      f"本报告为{year}年度", applies=False)
