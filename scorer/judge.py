"""One hit of a rubric rule, judged: does it count, and at what level.

A hit counts only in a part whose role the criterion's scope allows, and never
when its clause is negated or deficient, a plan or a ritual formula, or when it
is the title of a law that was studied. Its level comes from the words around it
(levels.py), raised by a rule's `min_level`, capped by its `max_level`, and held
to 1 where its context makes it general words (`capped`).
"""

from __future__ import annotations

from dataclasses import dataclass
from sys import intern  # a long report holds thousands of hits, of a few dozen reasons

from .clauses import clause_span
from .document import Document
from .levels import (
    LevelWords,
    agenda_item,
    enclosing,
    formula,
    hit_level,
    inside_title,
    negated_by_next_clause,
    plan_content,
    study_topic,
    term_list,
)
from .rubric import Criterion
from .rules import Candidate
from .structure import ROLE_LABELS, PartRole


@dataclass(frozen=True, slots=True)  # one per hit: a long report has hundreds of thousands
class Judged(Candidate):
    """A candidate with its verdict: one object a hit (a candidate and a verdict apart took
    40 bytes more each)."""

    level: int
    why: str
    reason: str | None  # None when the hit counts
    based: bool = False  # the level rests on words `hit_level` found (a figure for a 3): see `basis_of`
    inherited: bool = False  # found under a heading that names the criterion

    @classmethod
    def of(cls, cand: Candidate, level: int, why: str, reason: str | None, based: bool = False) -> Judged:
        return cls(cand.sentence, cand.start, cand.end, cand.terms, cand.rule, level, why, reason, based)


_OUT_OF_SCOPE = {role: f"仅见于{label}部分" for role, label in ROLE_LABELS.items()}  # one string, not one a hit
_PRACTICES = ("述法", "普法", "执法", "学法", "用法", "守法")  # words for a practice that end in 法


def _names_a_law(text: str, start: int, end: int) -> bool:
    """A hit that names a law, or runs into one with 法 or 条例 right after it (行政复议法,
    突发事件应对法, 行政复议 + 法), not a practice (述法, 谁执法谁普法)."""
    name = text[start:end]
    if end - start >= 4 and name.endswith(("法", "条例")) and not name.endswith(_PRACTICES):
        return True
    return text.startswith(("法", "条例"), end) and not text.startswith(
        ("法治", "法律", "法规", "法定", "法院", "法官", "法制", "法人"), end)


def judge_hit(doc: Document, criterion: Criterion, cand: Candidate, lang: LevelWords) -> Judged:
    s = doc.sentences[cand.sentence]
    text = doc.match_text
    if s.role not in criterion.scope:  # a role is its name (StrEnum): no `.value` look-up a hit
        return Judged.of(cand, 0, "", _OUT_OF_SCOPE[s.role])
    if cand.rule.kind == "terms":
        longer = lang.enclosing_terms.get((criterion.id, cand.terms[0]))
        other = longer and enclosing(doc.match_text, cand.start, cand.end, longer, doc.metadata.year)
        if other:
            return Judged.of(cand, 0, "", intern(f"属于另一指标的用语：{other}"))
    a, b = clause_span(text, s.start, s.end, cand.start, cand.end)
    clause = text[a:b]
    # In the problems part shortcomings are the subject: a criterion that reads it
    # (the quality of the 不足 part) counts them.
    m = None if s.role == PartRole.PROBLEMS else (
        lang.negation.search(clause) or negated_by_next_clause(text, b, s.end, lang))
    if m:
        return Judged.of(cand, 0, "", intern(f"否定或不足的表述：{m.group()}"))
    m = lang.future.search(clause)
    if m:
        return Judged.of(cand, 0, "", intern(f"计划而非已做：{m.group()}"))
    ritual = formula(clause, lang)
    if ritual:
        return Judged.of(cand, 0, "", intern(f"套话，不作证据：{ritual}"))
    if inside_title(text, s.start, cand.start):
        if not cand.rule.in_titles:
            return Judged.of(cand, 0, "", "仅见于文件名称")
        if not _about_study(criterion, lang) and study_topic(text, s.start, cand.start, lang):
            return Judged.of(cand, 0, "", "仅为学习内容")
    elif _names_a_law(text, cand.start, cand.end) and lang.study_verb.search(text, a, cand.start) \
            and not _about_study(criterion, lang):
        return Judged.of(cand, 0, "", "仅为学习内容")  # 专题学习了突发事件应对法, a law named without 《》
    word = unless_word(doc, cand.sentence, cand.rule.unless + criterion.unless)
    if word:
        return Judged.of(cand, 0, "", intern(f"不相关的语境：{word}"))
    level, why, found = hit_level(text, s.start, s.end, cand.start, cand.end, lang, cand.terms, _verb_first(cand))
    based = found is not None
    if level < cand.rule.min_level:
        level, why = cand.rule.min_level, "所列术语本身即具体举措"
    if level > cand.rule.max_level:
        level, why, based = cand.rule.max_level, "术语较笼统，最多计为泛泛提及", False
    if level > 1:
        general = capped(doc, cand, a, b, level == 3, lang)
        if general:
            level, why, based = 1, general, False
    return Judged.of(cand, level, why, None, based)


def unless_word(doc: Document, k: int, unless: tuple[str, ...]) -> str | None:
    """The first of a criterion's or rule's `unless` words that sentence k holds: its context is
    another matter (获评 for assessment). Most rules have none: the sentence is not copied for them."""
    if not unless:
        return None
    s = doc.sentences[k]
    sentence = doc.match_text[s.start:s.end]
    return next((w for w in unless if w in sentence), None)


def basis_of(doc: Document, j: Judged, lang: LevelWords) -> tuple[int, int] | None:
    """The span of the words a counted hit's level rests on, which its quote must hold, found
    again as `hit_level` found them: a long report has hundreds of thousands of counted hits
    and only a few are quoted, so they are not kept (a span a hit cost more than its text).
    A hit under a heading was judged on its clause alone (headings.py)."""
    if not j.based:
        return None
    text = doc.match_text
    if j.inherited:
        return hit_level(text, j.start, j.end, j.start, j.end, lang)[2]
    s = doc.sentences[j.sentence]
    return hit_level(text, s.start, s.end, j.start, j.end, lang, j.terms, _verb_first(j))[2]


def _verb_first(cand: Candidate) -> bool:
    """An all_of rule asks for a verb and its target apart (纳入 … 考核): its verb is an action."""
    return cand.rule.kind == "all_of"


def capped(doc: Document, cand: Candidate, a: int, b: int, has_figure: bool,
            lang: LevelWords) -> str | None:
    """Why a hit that looks like a measure is only general words, if it is."""
    text = doc.match_text
    if not has_figure and term_list(text[a:b]):
        return "术语罗列,未见举措"
    verb = agenda_item(text, a, b, cand.start, cand.end, lang)
    if verb and not inside_title(text, a, cand.start):
        return intern(f"仅为会议议题（{verb}…）")
    noun = plan_content(text, cand.end, b, lang)
    if noun and not has_figure:
        return intern(f"仅为{noun}的内容")
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
