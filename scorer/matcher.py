"""Rubric rules → evidence. Finds where each criterion is reported and judges each hit.

A hit counts only in a part whose role the criterion's scope allows (never in
the problems or plans parts by default), only when its clause is not negated
or deficient (未开展, 有待提高) or a plan (下一步), and never in flagged text
(masked in `Document.match_text`). Its level (3 with a figure, 2 with a
concrete measure, 1 for the words alone) is decided in `levels.py`.

Rules may raise (`min_level`) or cap (`max_level`) a hit's level. A whole named
as one (三项制度) gives each member level 1, unless the part around it reports
members on their own: then it is the breakdown, and a member left out gets nothing.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .document import Document
from .headings import clauses_under, heading_at, headings
from .levels import (
    CLAUSE_END,
    LevelWords,
    agenda_item,
    clause_span,
    formula,
    hit_level,
    inside_title,
    level_words,
    negated_by_next_clause,
    plan_content,
    study_topic,
    term_list,
)
from .rubric import Criterion, Rubric
from .rules import Candidate, MetadataRule, PartRule
from .structure import ROLE_LABELS, Part, PartRole, RoleSource
from .tokens import add_words, token_bounds

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


@dataclass(frozen=True)
class _Judged:
    cand: Candidate
    level: int
    why: str
    reason: str | None  # None when the hit counts
    basis: tuple[int, int] | None = None  # the words the level rests on (a figure for a 3)
    inherited: bool = False  # found under a heading that names the criterion


class _Context:
    """Occurrences of a rubric's words in one document, by sentence."""

    def __init__(self, doc: Document, automaton) -> None:
        self.doc = doc
        self.starts = [s.start for s in doc.sentences]
        self.by_word: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        self.by_sentence: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        self._bounds: dict[int, frozenset[int]] = {}
        text = doc.match_text
        for end_index, word in automaton.iter(text):
            start, end = end_index - len(word) + 1, end_index + 1
            k = bisect.bisect_right(self.starts, start) - 1
            if k < 0 or end > doc.sentences[k].end:
                continue
            self.by_word[word].append((start, end, k))
            self.by_sentence[(word, k)].append((start, end))

    def whole_word(self, start: int, end: int, k: int) -> bool:
        """False when the match cuts into words at both ends (上述法规 holds no 述法).

        A match that begins or ends on a word boundary is kept: jieba may glue a
        term to its neighbour (行政执法|公示 for 执法公示) without changing its meaning.
        """
        bounds = self._bounds.get(k)
        if bounds is None:
            s = self.doc.sentences[k]
            bounds = self._bounds[k] = token_bounds(self.doc.match_text[s.start:s.end])
        base = self.doc.sentences[k].start
        return (start - base) in bounds or (end - base) in bounds

    def occurrences(self, word: str) -> list[tuple[int, int, int]]:
        return [o for o in self.by_word.get(word, []) if self.whole_word(*o)]

    def in_sentence(self, word: str, k: int) -> bool:
        return any(self.whole_word(a, b, k) for a, b in self.by_sentence.get((word, k), []))

    def nearest(self, word: str, k: int, start: int, end: int, limit: int = 10**9):
        """The occurrence of `word` in sentence k nearest to [start, end), within `limit` characters."""
        spans = self.by_sentence.get((word, k), [])  # in text order
        i = bisect.bisect_left(spans, (start, 0))
        best = None
        for rng in (range(i - 1, -1, -1), range(i, len(spans))):
            for j in rng:
                a, b = spans[j]
                gap = max(a - end, start - b, 0)
                if gap > limit or (best is not None and gap > best[0]):
                    break
                if self.whole_word(a, b, k) and (best is None or gap < best[0]):
                    best = (gap, a, b)
        return best

    def regex(self, pattern: str):
        compiled = _compiled(pattern)
        text = self.doc.match_text
        for k, s in enumerate(self.doc.sentences):
            for m in compiled.finditer(text, s.start, s.end):
                yield m.start(), m.end(), k, m.group()


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


@lru_cache(maxsize=16)
def _automaton(rubric: Rubric):
    import ahocorasick

    words = {w for c in rubric.criteria for r in c.rules for w in r.words()}
    words |= {w for c in rubric.criteria for w in c.unless}
    words |= {w for c in rubric.criteria for r in c.rules for w in r.unless}
    words |= {w for whole in rubric.wholes for w in whole.terms}
    add_words(sorted(words))
    automaton = ahocorasick.Automaton()
    for word in sorted(words):
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def match_document(doc: Document, rubric: Rubric) -> dict[str, CriterionMatch]:
    """Judge every criterion of the rubric on a document."""
    ctx = _Context(doc, _automaton(rubric))
    lang = level_words(rubric)
    parts_by_path = {p.path: p for top in doc.parts for p in top.walk()}
    judged: dict[str, list[_Judged]] = {}
    results: dict[str, CriterionMatch] = {}
    for criterion in rubric.criteria:
        if criterion.is_structure:
            results[criterion.id] = _structure(doc, criterion)
            continue
        cands = [c for rule in criterion.rules for c in rule.candidates(ctx)]
        judged[criterion.id] = [_judge(doc, criterion, c, lang) for c in cands]
    for whole in rubric.wholes:
        _apply_whole(doc, rubric, whole, ctx, lang, judged, parts_by_path)
    _inherit_from_headings(doc, rubric, judged, lang)
    topics: dict[int, set[str]] = defaultdict(set)  # sentence -> criteria it reports
    for cid, items in judged.items():
        for j in items:
            if j.reason is None and not j.inherited:
                topics[j.cand.sentence].add(cid)
    for criterion in rubric.criteria:
        if not criterion.is_structure:
            results[criterion.id] = _result(doc, criterion, judged[criterion.id], lang, ctx, topics)
    return results


def _judge(doc: Document, criterion: Criterion, cand: Candidate, lang: LevelWords) -> _Judged:
    s = doc.sentences[cand.sentence]
    text = doc.match_text
    if s.role.value not in criterion.scope:
        return _Judged(cand, 0, "", f"仅见于{ROLE_LABELS[s.role]}部分")
    a, b = clause_span(text, s.start, s.end, cand.start, cand.end)
    clause = text[a:b]
    m = lang.negation.search(clause) or negated_by_next_clause(text, b, s.end, lang)
    if m:
        return _Judged(cand, 0, "", f"否定或不足的表述:{m.group()}")
    m = lang.future.search(clause)
    if m:
        return _Judged(cand, 0, "", f"计划而非已做:{m.group()}")
    ritual = formula(clause, lang)
    if ritual:
        return _Judged(cand, 0, "", f"套话,不作证据:{ritual}")
    sentence = text[s.start:s.end]
    if inside_title(text, s.start, cand.start):
        if not cand.rule.in_titles:
            return _Judged(cand, 0, "", "仅见于文件名称")
        if not _about_study(criterion, lang) and study_topic(text, s.start, cand.start, lang):
            return _Judged(cand, 0, "", "仅为学习内容")
    for word in (*cand.rule.unless, *criterion.unless):
        if word in sentence:
            return _Judged(cand, 0, "", f"不相关的语境:{word}")
    level, why, basis = hit_level(text, s.start, s.end, cand.start, cand.end, lang)
    if level < cand.rule.min_level:
        level, why = cand.rule.min_level, "所列术语本身即具体举措"
    if level > cand.rule.max_level:
        level, why, basis = cand.rule.max_level, "术语较笼统,最多计为泛泛提及", None
    if level > 1:
        capped = _capped(doc, cand, a, b, level == 3, lang)
        if capped:
            level, why, basis = 1, capped, None
    return _Judged(cand, level, why, None, basis)


def _capped(doc: Document, cand: Candidate, a: int, b: int, has_figure: bool,
            lang: LevelWords) -> str | None:
    """Why a hit that looks like a measure is only general words, if it is."""
    text = doc.match_text
    if not has_figure and term_list(text[a:b]):
        return "术语罗列,未见举措"
    verb = agenda_item(text, a, b, cand.start, cand.end, lang)
    if verb and not inside_title(text, a, cand.start):
        return f"仅为会议议题({verb}…)"
    noun = plan_content(text, cand.end, b, lang)
    if noun and not has_figure:
        return f"仅为{noun}的内容"
    if not has_figure and _in_opening(doc, cand.sentence):
        return "导语中的概括性表述"
    return None


def _about_study(criterion: Criterion, lang: LevelWords) -> bool:
    """A criterion that looks for study itself (学法) counts what was studied."""
    return any(lang.study_verb.search(w) for r in criterion.rules for w in r.words())


def _in_opening(doc: Document, k: int) -> bool:
    """A sentence of the opening (导语) of a report that has headed parts after it: the
    summary every report opens with, whose claims are general words."""
    if doc.sentences[k].part_path != "〔导语〕":  # not an item listed in it (1. …, 一是…)
        return False
    return any(p.kind == "heading" for p in doc.parts)


def _apply_whole(doc, rubric, whole, ctx, lang, judged, parts_by_path) -> None:
    """A whole named as one (三项制度) speaks for its members, unless broken down."""
    from .rules import TermsRule

    rule = TermsRule("terms", terms=whole.terms, max_level=1)
    # What each member reports on its own, before the whole adds anything.
    own_hits = {m: [j for j in judged[m] if j.reason is None] for m in whole.members}
    for member_id in whole.members:
        member = rubric.criterion(member_id)
        own = own_hits[member_id]
        for cand in rule.candidates(ctx):
            j = _judge(doc, member, cand, lang)
            if j.reason is not None:
                judged[member_id].append(j)
                continue
            part = parts_by_path.get(doc.sentences[cand.sentence].part_path)
            span = (part.start, part.end) if part else doc.paragraphs[doc.sentences[cand.sentence].paragraph]
            siblings = [m for m in whole.members if m != member_id and any(
                span[0] <= x.cand.start < span[1] for x in own_hits[m])]
            mine = [x for x in own if span[0] <= x.cand.start < span[1]]
            if siblings and not mine:
                judged[member_id].append(_Judged(cand, 0, "", f"{whole.name}在此分项列举,未涉及本项"))
            else:
                judged[member_id].append(_Judged(cand, 1, f"仅笼统提及{whole.name}", None))


def _inherit_from_headings(doc: Document, rubric: Rubric, judged: dict[str, list[_Judged]],
                           lang: LevelWords) -> None:
    """Clauses under a heading that names a criterion report on it (see headings.py)."""
    heads = headings(doc)
    if not heads:
        return
    named: dict[str, dict[str, Candidate]] = defaultdict(dict)  # part path -> criterion -> hit
    hits_by_sentence: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for cid, items in judged.items():
        for j in items:
            if j.reason is not None:
                continue
            hits_by_sentence[j.cand.sentence].append((j.cand.start, j.cand.end, cid))
            head = heading_at(heads, j.cand.start) if j.cand.rule.max_level >= 2 else None
            if head is not None:
                named[head.part.path].setdefault(cid, j.cand)
    text = doc.match_text
    for head in heads:
        for cid, hit in sorted(named.get(head.part.path, {}).items()):
            criterion = rubric.criterion(cid)
            skip = [(d.start, d.end) for d in head.part.walk()
                    if d is not head.part and named.get(d.path) and cid not in named[d.path]]
            best: dict[int, _Judged] = {}
            for k, a, b in clauses_under(doc, head, skip):
                s = doc.sentences[k]
                others = [h for h in hits_by_sentence.get(k, ()) if a <= h[0] < b]
                if s.role.value not in criterion.scope or (others and all(h[2] != cid for h in others)):
                    continue
                clause = text[a:b]
                if (lang.negation.search(clause) or lang.future.search(clause) or formula(clause, lang)
                        or negated_by_next_clause(text, b, s.end, lang)):
                    continue
                level, why, basis = hit_level(text, a, b, a, b, lang)  # the clause's own words
                cand = Candidate(k, a, b, (), hit.rule)
                if level < 2 or _capped(doc, cand, a, b, level == 3, lang):
                    continue
                if k not in best or level > best[k].level:
                    best[k] = _Judged(cand, level, why, None, basis, inherited=True)
            judged[cid].extend(best[k] for k in sorted(best))


def _result(doc: Document, criterion: Criterion, judged: list[_Judged], lang: LevelWords,
            ctx: _Context, topics: dict[int, set[str]]) -> CriterionMatch:
    searched = tuple(dict.fromkeys(w for r in criterion.rules for w in r.words()))
    heads = headings(doc)

    def rank(j: _Judged):
        """The best evidence first: the highest level, then the passage most about the
        criterion: found by the criterion's own words rather than under a heading, in the
        body rather than a heading, in a sentence naming more of its words and fewer
        other criteria."""
        in_heading = heading_at(heads, j.cand.start) is not None
        about = sum(ctx.in_sentence(w, j.cand.sentence) for w in searched)
        others = len(topics.get(j.cand.sentence, set()) - {criterion.id})
        return (-j.level, j.inherited, in_heading, others - about, j.cand.start)

    counted = sorted((j for j in judged if j.reason is None), key=rank)
    rejected = [j for j in judged if j.reason is not None]
    evidence: list[Evidence] = []
    used_sentences: set[int] = set()
    for j in counted:
        if j.cand.sentence in used_sentences:
            continue
        used_sentences.add(j.cand.sentence)
        evidence.append(_evidence(doc, j, lang))
        if len(evidence) == 3:
            break
    level = evidence[0].level if evidence else 0
    rej = []
    seen = set()
    for j in sorted(rejected, key=lambda j: j.cand.start):
        if (j.cand.sentence, j.reason) in seen:
            continue
        seen.add((j.cand.sentence, j.reason))
        rej.append(_rejected(doc, j))
    if evidence:
        summary = evidence[0].why
    elif rejected:
        reasons = sorted({j.reason for j in rejected})
        summary = "未计分:" + ";".join(reasons[:3])
    else:
        summary = "报告中未找到相关表述"
    return CriterionMatch(criterion.id, level, tuple(evidence), tuple(rej[:10]), searched, summary)


def _quote_span(doc: Document, k: int, start: int, end: int,
                basis: tuple[int, int] | None = None) -> tuple[int, int]:
    """The sentence around a hit, trimmed to QUOTE_MAX characters and to unflagged text.
    A long sentence is cut at clause ends, always keeping the hit and the words its level
    rests on (its figure, action or named document)."""
    s = doc.sentences[k]
    text = doc.match_text
    a, b = s.start, s.end
    while b > a and text[b - 1] in "。;!?,":
        b -= 1
    lo, hi = (min(start, basis[0]), max(end, basis[1])) if basis else (start, end)
    if b - a > QUOTE_MAX:
        a2, b2 = clause_span(text, a, b, lo, hi)
        while b2 < b and b2 - a2 < QUOTE_MAX * 0.6:
            m = CLAUSE_END.search(text, b2 + 1, b)
            b2 = m.start() if m else b
        a, b = a2, max(min(b2, a2 + QUOTE_MAX), hi)
    return _unflagged(text, a, b, start, end)


MASK = "\u2063"  # what hygiene.mask puts in place of flagged text


def _unflagged(text: str, a: int, b: int, start: int, end: int) -> tuple[int, int]:
    """Shrink [a, b) to the unflagged stretch around [start, end): flagged text is never quoted."""
    if MASK in text[a:b]:
        lo = text.rfind(MASK, a, start)
        hi = text.find(MASK, end, b)
        a = lo + 1 if lo >= 0 else a
        b = hi if hi >= 0 else b
    return a, b


def _evidence(doc: Document, j: _Judged, lang) -> Evidence:
    s = doc.sentences[j.cand.sentence]
    a, b = _quote_span(doc, j.cand.sentence, j.cand.start, j.cand.end, j.basis)
    oa, ob = doc.original_span(a, b)
    return Evidence(doc.original[oa:ob].strip(), oa, ob, s.part_path, s.role.value, j.cand.terms, j.level, j.why)


def _rejected(doc: Document, j: _Judged) -> Rejected:
    s = doc.sentences[j.cand.sentence]
    a, b = _quote_span(doc, j.cand.sentence, j.cand.start, j.cand.end)
    oa, ob = doc.original_span(a, b)
    return Rejected(doc.original[oa:ob].strip(), oa, ob, s.part_path, s.role.value, j.cand.terms, j.reason or "")


def _structure(doc: Document, criterion: Criterion) -> CriterionMatch:
    rule = criterion.rules[0]
    if isinstance(rule, MetadataRule):
        value = getattr(doc.metadata, rule.field)
        ok = value == rule.equals
        return CriterionMatch(criterion.id, 2 if ok else 0, (), (), (rule.field,),
                              f"{rule.field} = {value!r}")
    assert isinstance(rule, PartRule)
    role = PartRole(rule.role)
    found: list[tuple[int, Part]] = []
    for top in doc.parts:
        for part in top.walk():
            if part.role != role:
                continue
            if part is top and part.role_source == RoleSource.HEADING:
                found.append((2, part))
            elif part is top or part.role_source == RoleSource.NESTED:
                found.append((1, part))
    if not found:
        return CriterionMatch(criterion.id, 0, (), (), (role.value,), f"未见“{ROLE_LABELS[role]}”部分")
    level, part = max(found, key=lambda lp: (lp[0], -lp[1].start))
    if level == 2:
        how = "有独立标题的部分"
    else:
        how = {RoleSource.OPENING: "无标题段落(由开头语判断)",
               RoleSource.INFERRED: "未以标题点明(主题式标题)"}.get(part.role_source, "并入其他部分")
    head_end = part.start + len(part.marker) + len(part.heading) if part.heading else min(part.end, part.start + 40)
    a, b = part.start, head_end
    if MASK in doc.match_text[a:b]:  # quote the longest unflagged stretch of the heading
        pieces = [(m.start() + a, m.end() + a) for m in re.finditer(f"[^{MASK}]+", doc.match_text[a:b])]
        a, b = max(pieces, key=lambda p: p[1] - p[0], default=(a, a))
    oa, ob = doc.original_span(a, b)
    ev = Evidence(doc.original[oa:ob].strip(), oa, ob, part.path, part.role.value, (role.value,), level, how)
    return CriterionMatch(criterion.id, level, (ev,), (), (role.value,), how)
