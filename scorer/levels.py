"""How a hit's level is decided, from the words around it in its sentence.

- 3: a figure near it in its sentence (5次, 十万余册, 1200余名, 100%);
- 2: a concrete measure near it: an action with an object, a named document
  《…》, a body, platform or instrument;
- 1: the words alone.

A hit whose clause is negated or deficient (未开展, 有待提高) or a plan (下一步)
does not count at all. Years, dates, ordinals (五届三次全会) and set phrases
(三项制度, 八五普法) are not figures, nor are the numbers of an honour list
(入选…). "全覆盖" alone claims coverage without counting anything: the
calibration judgments give such a sentence 2, not 3. The words behind each
decision are the rubric's `language` (defaults in scorer/data/language.yaml).
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from .rubric import Rubric
from .tokens import token_bounds

FIGURE_REACH = 60  # characters between a hit and a figure that backs it
CONCRETE_REACH = 15  # characters between a hit and an action or a named thing
CLAUSE_END = re.compile(r"[,;:。!?]")


class LevelWords:
    """The rubric's level words, compiled once."""

    def __init__(self, rubric: Rubric) -> None:
        lang = rubric.language
        self.negation = _alternation(lang.negations)
        self.future = _alternation(lang.future)
        self.concrete = _alternation(lang.actions + lang.concrete)
        counters = "|".join(re.escape(c) for c in sorted(lang.counters, key=len, reverse=True))
        self.figure = re.compile(
            rf"(?<![\d.第])\d+(?:\.\d+)?\s*(?:%|‰|(?:余|多)?(?:{counters}))"
            rf"|(?<![第一二两三四五六七八九十百千万])[二两三四五六七八九十百千万][一二两三四五六七八九十百千万]*(?:余|多)?(?:{counters})"
            rf"|(?<![第])一[十百千万][一二三四五六七八九十百千万]*(?:余|多)?(?:{counters})"
        )
        self.set_phrases = _alternation(lang.set_phrases)
        self.honours = _alternation(lang.honours)


def _alternation(words: tuple[str, ...]) -> re.Pattern:
    if not words:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


@lru_cache(maxsize=16)
def level_words(rubric: Rubric) -> LevelWords:
    return LevelWords(rubric)


def negated_by_next_clause(text: str, pos: int, hi: int, lang: LevelWords):
    """"X较为单一,仍需加强": a clause that opens with a deficiency speaks of the one before."""
    if pos >= hi or not CLAUSE_END.match(text, pos):
        return None
    m = lang.negation.search(text, pos + 1, min(hi, pos + 4))
    return m


def clause_span(text: str, lo: int, hi: int, start: int, end: int) -> tuple[int, int]:
    a = start
    while a > lo and not CLAUSE_END.match(text, a - 1):
        a -= 1
    m = CLAUSE_END.search(text, end, hi)
    return a, (m.start() if m else hi)


_SESSION_RUN = re.compile(r"(?:[、和及至]?[一二三四五六七八九十\d]+次)*(?:全会|全体会议|会议精神)")


def _ordinal(text: str, start: int, end: int) -> bool:
    """"五届三次、四次全会" names sessions: numbers after 届 or before 全会 are not counts."""
    if start > 0 and text[start - 1] == "届":
        return True
    return bool(_SESSION_RUN.match(text, end))


def inside_title(text: str, lo: int, pos: int) -> bool:
    """True when `pos` lies inside 《…》 (a document's title)."""
    opened = text.rfind("《", lo, pos)
    return opened >= 0 and text.rfind("》", opened, pos) < 0


def figures(text: str, lo: int, hi: int, lang: LevelWords) -> list[tuple[int, int]]:
    """Figures in text[lo:hi]: numbers with a measure word or a percent sign, in Arabic
    or Chinese numerals; years, dates, ordinals and set phrases (三项制度) are not figures."""
    segment = text[lo:hi]
    names = [(m.start(), m.end()) for m in lang.set_phrases.finditer(segment)]
    out = []
    for m in lang.figure.finditer(segment):
        if any(a <= m.start() < b for a, b in names):
            continue
        if _ordinal(segment, m.start(), m.end()):
            continue
        ca, cb = clause_span(segment, 0, len(segment), m.start(), m.end())
        if lang.honours.search(segment, ca, cb):
            continue  # "入选…104个单位" counts an honour list, not this year's work
        out.append((lo + m.start(), lo + m.end()))
    return out


@lru_cache(maxsize=512)
def _sentence_figures(text: str, lo: int, hi: int, lang: LevelWords) -> tuple[tuple[int, int], ...]:
    # Once per sentence: a long sentence may hold thousands of hits.
    return tuple(figures(text, lo, hi, lang))


def hit_level(text: str, lo: int, hi: int, start: int, end: int, lang: LevelWords) -> tuple[int, str]:
    found = _sentence_figures(text, lo, hi, lang)
    k = bisect.bisect_left(found, (start - FIGURE_REACH - 1, 0))
    for a, b in found[k:]:
        if a - end > FIGURE_REACH:
            break
        if start - b <= FIGURE_REACH:
            return 3, f"有量化数据:{text[a:b]}"
    wa, wb = max(lo, start - CONCRETE_REACH), min(hi, end + CONCRETE_REACH)
    sentence = text[lo:hi]
    for m in lang.concrete.finditer(text, wa, wb):
        # Whole words only: 推进行政 holds no 进行, 公众参与 no 参与.
        bounds = token_bounds(sentence)
        inside_hit = start <= m.start() and m.end() <= end  # 决策事项目录 names a 目录
        if inside_hit or (m.start() - lo in bounds and m.end() - lo in bounds):
            return 2, f"具体举措:{m.group()}"
    if "《" in text[wa:wb]:
        return 2, "具体举措:有名称的文件"
    return 1, "仅有一般性表述"
