"""Which figure backs a hit: the numbers of a sentence that count work done in the year
(not years, ordinals, durations, names, honour lists, the place's own numbers, its
economy's or those of a ranking's pool), and of those the one that measures the hit's own
measure: in its clause, a neighbouring clause of the same measure, or the next sentence."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .clauses import CLAUSE_END, clause_span
from .hygiene import MASK

if TYPE_CHECKING:
    from .levels import LevelWords

FIGURE_REACH = 60  # characters between a hit and a figure that backs it


_SESSION_RUN = re.compile(r"(?:[、和及至]?[一二三四五六七八九十\d]+次)*(?:全会|全体会议|会议精神)")


def _ordinal(text: str, start: int, end: int) -> bool:
    """"五届三次、四次全会" names sessions: numbers after 届 or before 全会 are not counts."""
    if start > 0 and text[start - 1] == "届":
        return True
    return bool(_SESSION_RUN.match(text, end))


_SPAN_LEAD = re.compile(r"(?:为期|历时|长达|连续)(?:近|约|了|超过)?$")


def _duration(text: str, start: int) -> bool:
    """"为期3个月的专项整治", "历时两天": how long a measure ran measures no result of it (a time
    cut to 3个月 is a result: only these leads make a duration)."""
    return bool(_SPAN_LEAD.search(text, max(0, start - 5), start))


def _year_label(text: str, start: int) -> bool:
    """"2019—2020轮值年度": the end of a span of years names a period, it counts nothing."""
    return bool(_YEAR.match(text, start)) and start > 0 and text[start - 1] in "-—–~～至到"


# Every figure holds one of these: it opens with a digit or one of the numerals (二…万),
# or with 一 before 十, 百, 千 or 万.
_NUMERAL = re.compile(r"[\d二两三四五六七八九十百千万]")
_QUOTED = re.compile(r"“[^“”]{1,20}”|「[^「」]{1,20}」|\"[^\"]{1,20}\"|‘[^‘’]{1,20}’")
_YEAR = re.compile(r"(?:19|20)\d\d(?!\d)")
_SHARE = re.compile(r"[%‰成]|百分之")  # a share: of the place's people it measures coverage
_RANKED = re.compile(r"[^,;:。]{0,8}中(?:排名|位列|名列|位居|居|排在|排第)")  # the pool of a ranking


def _economy(segment: str, ca: int, cb: int, lang: LevelWords) -> bool:
    """A clause on the economy's size or growth: not a project (固定资产投资项目) nor a share
    of an aggregate (罚没收入占财政收入比重), which measure work done."""
    m = lang.economy.search(segment, ca, cb)
    return bool(m) and not segment.startswith("项目", m.end()) and "占" not in segment[ca:m.start()]


def figures(text: str, lo: int, hi: int, lang: LevelWords) -> list[tuple[int, int]]:
    """Figures in text[lo:hi]: numbers with a measure word or a percent sign, in Arabic
    or Chinese numerals. Not figures: years and dates, ordinals, durations (为期3个月),
    set phrases (三项制度) and numbers inside a quoted label (打造“三地一区”、建设“七个强省”,
    “3+3”)."""
    segment = text[lo:hi]
    if not _NUMERAL.search(segment) and "一成" not in segment:  # a fraction of `figure`'s cost
        return []
    found = list(lang.figure.finditer(segment))
    if not found:  # most sentences: no labels or clauses to check figures against
        return []
    names = [(m.start(), m.end()) for m in lang.set_phrases.finditer(segment)]
    names += [(m.start(), m.end()) for m in _QUOTED.finditer(segment)]
    pauses = [m.start() for m in CLAUSE_END.finditer(segment)]
    out = []
    for m in found:
        if any(a <= m.start() < b for a, b in names):
            continue
        if (_ordinal(segment, m.start(), m.end()) or _year_label(segment, m.start())
                or _duration(segment, m.start())):
            continue
        ca, cb = clause_span(segment, 0, len(segment), m.start(), m.end(), pauses)
        if lang.honours.search(segment, ca, cb):
            continue  # "入选…104个单位" counts an honour list, not this year's work
        if lang.profile.search(segment, ca, cb) and not _SHARE.search(m.group()):
            continue  # "全区常住人口52万人" describes the place, it measures nothing done
        if _economy(segment, ca, cb, lang):
            continue  # "地区生产总值增长6.2%" measures the economy
        if _RANKED.match(segment, m.end(), cb):
            continue  # "在全市17个县区中排名第二" counts the ranked
        out.append((lo + m.start(), lo + m.end()))
    return out


@lru_cache(maxsize=512)
def _sentence_figures(text: str, lo: int, hi: int, lang: LevelWords) -> tuple[tuple[int, int], ...]:
    # Once per sentence: a long sentence may hold thousands of hits.
    return tuple(figures(text, lo, hi, lang))


def backing_figure(text: str, lo: int, hi: int, start: int, end: int,
                   lang: LevelWords) -> tuple[int, int] | None:
    """The figure that measures what the hit reports, within FIGURE_REACH of it: in the
    hit's own clause, or in a neighbouring clause of its sentence that speaks of the same
    measure. A neighbour does when it brings no action of its own (…278件,同比增长12%),
    opens as a continuation (…法律顾问,全年共举办讲座200余场) or, before the hit, shares
    a word with it (拟制7类公示格式,通过网站公示执法信息). A figure after a new action
    (…,联合开展督查2次) measures that action, not the hit."""
    found = [f for f in _sentence_figures(text, lo, hi, lang)
             if f[0] - end <= FIGURE_REACH and start - f[1] <= FIGURE_REACH]  # within reach
    if not found:  # most hits: no figure within reach, no clause to walk
        return _next_sentence_figure(text, lo, hi, start, end, lang)
    ca, cb = clause_span(text, lo, hi, start, end)
    near = [f for f in found if ca <= f[0] < cb]
    if near:
        return near[0]
    hit = text[start:end]
    for step in (1, -1):  # the clauses after the hit, then those before it
        a, b = ca, cb
        while True:
            edge = b if step > 0 else a - 1  # the pause crossed: flagged text ends the measure
            if 0 <= edge < len(text) and text[edge] == MASK:
                break
            a, b = _next_clause(text, lo, hi, a, b, step)
            if a is None or (step > 0 and a - end > FIGURE_REACH) or (step < 0 and start - b > FIGURE_REACH):
                break
            figs = [f for f in found if a <= f[0] < b]
            if not _same_measure(text, a, b, figs, hit, lang, before=step < 0):
                break
            if figs:
                return figs[0] if step > 0 else figs[-1]
    return _next_sentence_figure(text, lo, hi, start, end, lang)


_SENTENCE_CLOSED = frozenset("。!?;”’\"')]")  # how a sentence of the body ends (not a heading's line)
_NEXT_SENTENCE_END = re.compile(r"[。!?;\n]")
_NEXT_OPENER = re.compile("全年共|全年|累计|年内|当年|共")
# Pairs of characters every measure's words share (行政执法公示, 行政处罚): a next sentence
# holding only these names no part of the hit's measure.
_COMMON_PAIRS = frozenset(("行政", "政府", "法治", "依法", "执法", "工作", "建设", "全区", "全市", "全县",
                           "制度", "管理", "服务", "开展", "推进", "落实", "加强", "情况"))


def _next_sentence_figure(text: str, lo: int, hi: int, start: int, end: int,
                          lang: LevelWords) -> tuple[int, int] | None:
    """A figure the paragraph's next sentence gives for the measure the hit's sentence ends
    with: 组织开展行政执法人员培训。全年共举办培训班12期. That sentence opens with a count of
    the year (全年, 共, 累计…), names none of the rubric's measures and repeats a word of the
    hit (培训), and no clause after the hit in its own sentence starts another measure. The
    figure lies within FIGURE_REACH of the hit; `hit_level` takes it only for a concrete
    measure (a general claim followed by the year's statistics is no measured result)."""
    if hi >= len(text) or hi - end > FIGURE_REACH or text[hi - 1] not in _SENTENCE_CLOSED \
            or not _NEXT_OPENER.match(text, hi):
        return None
    hit = text[start:end]
    b = clause_span(text, lo, hi, start, end)[1]
    while b < hi - 1:  # the clauses after the hit's, up to the sentence's closing mark
        a, b = _next_clause(text, lo, hi, 0, b, 1)
        if a is None:
            break
        if b > a and not _same_measure(text, a, b, [], hit, lang, before=False):
            return None
    m = _NEXT_SENTENCE_END.search(text, hi)
    first = CLAUSE_END.search(text, hi)  # the figure stands in the continuing clause itself
    stop = min(m.start() if m else len(text), first.start() if first else len(text))
    clause = text[hi:stop]
    if lang.topics.search(clause):  # it names a measure: the figure is that one's
        return None  # (…统一行使行政复议职责。全年共接收复议申请599件 counts cases)
    if not _shares_a_word(hit, clause, _COMMON_PAIRS):
        return None  # (…公示执法信息。全年共开展部门联合检查216次 counts inspections)
    figs = [f for f in _sentence_figures(text, hi, stop, lang) if f[0] - end <= FIGURE_REACH]
    return figs[0] if figs else None


def _next_clause(text: str, lo: int, hi: int, a: int, b: int, step: int):
    """The clause after [a, b) (step 1) or before it (step -1), or (None, None)."""
    if step > 0:
        if b >= hi:
            return None, None
        m = CLAUSE_END.search(text, b + 1, hi)
        return b + 1, (m.start() if m else hi)
    if a <= lo:
        return None, None
    return clause_span(text, lo, hi, a - 1, a - 1)[0], a - 1


def _same_measure(text: str, a: int, b: int, figs, hit: str, lang: LevelWords, before: bool) -> bool:
    clause = text[a:b].strip()
    if lang.continuation.match(clause):
        return True
    # A measure's details may come before its name (拟制7类公示格式,通过网站公示执法信息);
    # after it, a clause with an action of its own starts another measure.
    if before and _shares_a_word(hit, clause):
        return True
    stop = figs[0][0] if figs else b
    return not lang.actions.search(text, a, stop)


def _shares_a_word(hit: str, clause: str, common: frozenset[str] = frozenset()) -> bool:
    """Whether the clause repeats two characters of the hit in a row, other than `common` ones."""
    return any(hit[i:i + 2] in clause for i in range(len(hit) - 1) if hit[i:i + 2] not in common)
