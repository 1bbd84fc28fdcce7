"""How a hit's level is decided, from the words around it in its sentence.

- 3: a figure that counts what the hit reports (5次, 十万余册, 1200余名, 100%):
  in the hit's own clause, or in a neighbouring clause of the same measure (one
  with no action of its own, one opening as a continuation: 全年共…, or one
  before the hit sharing its words), or at the start of the paragraph's next sentence
  when the hit's sentence ends with a concrete measure and that one opens with a count
  of the year repeating a word of the hit (组织开展行政执法人员培训。全年共举办培训班
  12期: "有量化数据（见下句）"). A figure after a new action (…,联合开展督查2次)
  counts that action. The quote always holds the figure.
- 2: a concrete measure near it: an action with an object (not a verb inside the
  term itself: 法治政府建设考核 names a topic; the verb an all_of rule asks for, with
  its target after it, is one: 将法治建设纳入…考核; nor the verb of a leader's stance:
  亲自督办; nor an action named as a topic: 文件的起草, 制定和监督管理), a named document 《…》, a body, platform or instrument (not a body that
  oversees the government: 人大及其常委会), coverage (全覆盖);
- 1: the words alone.

A hit does not count at all when its clause is negated or deficient (未开展,
有待提高), a plan (下一步), a ritual formula (在…领导下, 坚持以…为指导, 以…为目标,
现将…报告如下), the name of a law that was studied (学习《…条例》, 专题学习了突发
事件应对法), or a term inside a longer one of another criterion (调解 in 调解和解). It is
general words (1) however concrete its neighbours when it is an agenda item of
a meeting (研究…法律顾问选聘等工作, 听取…复议应诉情况汇报), the content of a plan
(普法宣传年度计划), one item of a list of terms (会前学法、述法、执法公示、…), or,
without a figure, a summary claim in the report's opening (导语).

Years and spans of years (2019—2020轮值), dates, ordinals (五届三次全会),
durations (为期3个月, 历时两天, 连续8年), set phrases (三项制度, 八五普法) and
quoted labels (“三地一区”, “七个强省”) are not figures, nor are the numbers of an
honour list (入选…), of the place itself (常住人口52万人, 辖行政村126个), of its
economy (地区生产总值增长6.2%) or of those ranked with it (在全市17个县区中排名第二). The
words behind each decision are the rubric's `language` (defaults in
scorer/data/language.yaml).
"""

from __future__ import annotations

import re
from functools import lru_cache
from sys import intern  # a hit's why: a long report holds thousands of hits, of a few hundred whys

from .clauses import CLAUSE_END, clause_span
from .figures import backing_figure
from .prefilter import held_chars
from .rubric import Rubric, per_rubric
from .rules.regex import compile_pattern, leftmost
from .rules.values import Years, applies
from .tokens import is_boundary, tokenizer_for

FIGURE_NEXT = "有量化数据（见下句）："  # why a hit whose figure the next sentence gives is a 3
CONCRETE_REACH = 15  # characters between a hit and an action or a named thing


class LevelWords:
    """The rubric's level words, compiled once."""

    def __init__(self, rubric: Rubric) -> None:
        lang = rubric.language
        self.negation = _alternation(lang.negations)
        self.future = _alternation(lang.future)
        self.concrete = _alternation(lang.actions + lang.concrete)
        # Led by the characters a figure begins with: re then tries its three look-behinds
        # only there, not at every character (half the time of a sentence's scan).
        self.figure = re.compile(f"(?={_FIGURE_START})(?:{figure_pattern(lang.counters)})")
        self.set_phrases = _alternation(lang.set_phrases)
        self.honours = _alternation(lang.honours)
        # 辖 ends a word only before what it governs: 全区辖8个街道, not 全区辖区内
        self.profile = re.compile("|".join(re.escape(w) + ("(?!区)" if w.endswith("辖") else "")
                                           for w in sorted(set(lang.profile), key=len, reverse=True)) or "(?!x)x")
        self.economy = _alternation(lang.economy)
        self.actions = _alternation(lang.actions)
        self.action_words = frozenset(lang.actions) - frozenset(lang.concrete)
        self.formulas = tuple(compile_pattern(p) for p in lang.formulas)  # each on RE2 when it can be
        self.formula_leads = tuple(_lead(p) for p in lang.formulas)
        self.agenda_verb = _alternation(lang.agenda_verbs)
        self.agenda_end = _alternation(lang.agenda_ends)
        self.study_verb = _alternation(lang.study_verbs)
        self.plan_noun = _alternation(lang.plan_nouns)
        self.continuation = _alternation(lang.continuations)
        self.stances = tuple(sorted(set(lang.stances)))
        self.other_bodies = tuple(sorted(set(lang.other_bodies)))
        # The few words a stance or another body can hold: the others are never looked up there.
        self.stance_ends = frozenset(a for a in lang.actions if any(w.endswith(a) for w in self.stances))
        self.body_words = frozenset(c for c in lang.actions + lang.concrete if any(c in w for w in self.other_bodies))
        # The names of what the rubric looks for in the year's work (its `terms`, the capped
        # ones too: 行政处罚, 市场主体): a clause naming one reports that.
        self.topics = _alternation(tuple(
            w for c in rubric.criteria if "achievements" in c.scope
            for r in c.rules if r.kind == "terms" for w in r.words()))
        self.enclosing_terms = _enclosing_terms(rubric)


def _enclosing_terms(rubric: Rubric) -> dict[tuple[str, str], tuple[tuple[str, Years], ...]]:
    """For each criterion's term, the longer terms of other criteria that hold it (信息公开 in
    执法信息公开, 调解 in 调解和解, 议案 in 复议案件): where one of them stands, it names the topic.
    Each with the years it is asked for (涉企检查 from 2025): in other years the shorter term
    keeps its place."""
    owners: dict[str, dict[str, Years]] = {}  # word -> criterion -> the years it asks for it
    for c in rubric.criteria:
        for r in c.rules:
            if r.kind == "terms":
                for w in r.words():
                    owners.setdefault(w, {})[c.id] = _both(c.years, r.years)
    bodies = set(rubric.language.concrete)
    out: dict[tuple[str, str], tuple[tuple[str, Years], ...]] = {}
    for c in rubric.criteria:
        for r in c.rules:
            if r.kind != "terms":
                continue
            for w in r.words():
                # not the shorter's own instrument (政务服务平台 is 政务服务's too)
                longer = tuple(sorted((o, years) for o, ids in owners.items() if w in o and o != w
                                      and c.id not in ids and not (o.startswith(w) and o[len(w):] in bodies)
                                      for years in ids.values()))
                if longer:
                    out[(c.id, w)] = longer
    return out


def _both(a: Years, b: Years) -> Years:
    """The years two bounds allow together (a criterion's and its rule's)."""
    first = max((y for y in (a[0], b[0]) if y is not None), default=None)
    last = min((y for y in (a[1], b[1]) if y is not None), default=None)
    return first, last


_plain = tokenizer_for(())


def enclosing(text: str, start: int, end: int, words: tuple[tuple[str, Years], ...], year: int | None) -> str | None:
    """The one of `words` asked for in the report's year that stands as a word around
    text[start:end] (holding it), if any (调解和解, not 调解和解决)."""
    found = text[start:end]
    for w, years in words:
        # as plain words cut it: the rubric's own dictionary keeps its terms whole
        if applies(years, year) and any(_plain.boundary(text, a) and _plain.boundary(text, a + len(w))
                                        for a in _starts_around(text, start, found, w)):
            return w
    return None


def _lead(pattern: str) -> re.Pattern | None:
    """A pattern for characters one of which every match of `pattern` holds, or None when
    they cannot be known: a clause that holds none of them cannot match, and Python's `re`
    looks for them in a tenth of the time the RE2 wrapper takes to search a clause."""
    chars = held_chars(pattern)
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]") if chars else None


_FIGURE_START = "[\\d一二两三四五六七八九十百千万]"  # the first character of each of figure_pattern's branches


def figure_pattern(counters: tuple[str, ...]) -> str:
    """A figure: a number in Arabic numerals (1,200 too) or Chinese numerals with a counter
    or a percent sign, or a percentage in words (百分之百, 百分之九十八点五) or in tenths
    (九成以上, 提高两成; not 一成不变)."""
    units = "|".join(re.escape(c) for c in sorted(counters, key=len, reverse=True))
    return (rf"(?<![\d.第])(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?:\.\d+)?\s*(?:%|‰|(?:余|多)?(?:{units}))"
            rf"|百分之(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十百]+(?:点[零一二三四五六七八九]+)?)"
            rf"|(?<![第零一二两三四五六七八九十百千万])[二两三四五六七八九十百千万][零一二两三四五六七八九十百千万]*(?:余|多)?(?:{units})"
            rf"|(?<![第零])一[十百千万][零一二三四五六七八九十百千万]*(?:余|多)?(?:{units})"
            rf"|(?<![第零一二两三四五六七八九十百千万])[一二两三四五六七八九十]成[一二三四五六七八九]?"
            rf"(?:以上|左右|多|半|(?=的)|(?![\u4e00-\u9fff]))")


def _alternation(words: tuple[str, ...]) -> re.Pattern:
    if not words:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


@per_rubric
def level_words(rubric: Rubric) -> LevelWords:
    return LevelWords(rubric)


def negated_by_next_clause(text: str, pos: int, hi: int, lang: LevelWords):
    """"X较为单一,仍需加强": a clause that opens with a deficiency speaks of the one before."""
    if pos >= hi or not CLAUSE_END.match(text, pos):
        return None
    m = lang.negation.search(text, pos + 1, min(hi, pos + 4))
    return m


def inside_title(text: str, lo: int, pos: int) -> bool:
    """True when `pos` lies inside 《…》 (a document's title)."""
    opened = text.rfind("《", lo, pos)
    return opened >= 0 and text.rfind("》", opened, pos) < 0


def hit_level(text: str, lo: int, hi: int, start: int, end: int, lang: LevelWords, terms: tuple[str, ...] = (),
              verb_first: bool = False) -> tuple[int, str, tuple[int, int] | None]:
    """The hit's level, why, and the span of the words it rests on (the figure of a 3,
    the action, body or title of a 2), which its quote must hold. An action inside one of the
    hit's `terms` (the rubric's words it was found by) names its topic, it is no action taken:
    法治政府建设考核, 备案审查. With `verb_first` (an all_of rule: a verb and its target asked
    for apart) a hit that opens with that verb is the action taken (将法治建设纳入…考核)."""
    fig = backing_figure(text, lo, hi, start, end, lang)
    if fig and fig[0] < hi:
        return 3, intern(f"有量化数据：{text[fig[0]:fig[1]]}"), fig
    measure = _measure(text, lo, hi, start, end, lang, terms, verb_first)
    if fig and measure:  # the next sentence counts what this one's measure did
        return 3, intern(f"{FIGURE_NEXT}{text[fig[0]:fig[1]]}"), fig
    return measure or (1, "仅有一般性表述", None)


def _measure(text: str, lo: int, hi: int, start: int, end: int, lang: LevelWords, terms: tuple[str, ...],
             verb_first: bool) -> tuple[int, str, tuple[int, int]] | None:
    """Level 2 when a concrete measure stands near the hit: an action, a body, a named document."""
    wa, wb = max(lo, start - CONCRETE_REACH), min(hi, end + CONCRETE_REACH)
    for m in lang.concrete.finditer(text, wa, wb):
        # Whole words only: 推进行政 holds no 进行, 公众参与 no 参与.
        inside_hit = start <= m.start() and m.end() <= end  # 决策事项目录 names a 目录
        if inside_hit and terms and m.group() in lang.action_words and _in_term(text, start, end, terms, m,
                                                                               verb_first):
            continue
        word = m.group()
        if (word in lang.stance_ends and _in_stance(text, m, lang)) or (
                word in lang.body_words and _inside(text, m, lang.other_bodies)):
            continue
        if m.group() in lang.action_words and _named(text, m, lo):
            continue
        if inside_hit or (is_boundary(text, m.start(), lo, hi) and is_boundary(text, m.end(), lo, hi)):
            return 2, intern(f"具体举措：{m.group()}"), (m.start(), m.end())
    opened = text.find("《", wa, wb)
    if opened >= 0:
        return 2, "具体举措：有名称的文件", (opened, opened + 1)
    if start > lo and text[start - 1] == "》":  # 开展《…条例》执法检查: the title is the object
        return 2, "具体举措：有名称的文件", (text.rfind("《", lo, start - 1), start)
    return None


def _named(text: str, m: re.Match, lo: int) -> bool:
    """An action named as a topic, not taken: 规范性文件的起草 (not 认真的开展, 的 for 地), or
    paired with another after a verb that improves a topic (加强…制定和监督管理, 完善…受理和
    审理机制; not 建立和管理法律顾问库, 实现与公安…共享, 受理及时答复)."""
    a = m.start()
    if a > 0 and text[a - 1] == "的":
        return not text.endswith(_ADVERBS, max(lo, a - 3), a - 1)
    if not _NAMED_PAIR.match(text, m.end()):
        return False
    pause = max(lo, a - 20)
    for p in CLAUSE_END.finditer(text, pause, a):
        pause = p.end()
    return bool(_IMPROVING.search(text, pause, a))


# An action paired with another named as a topic: 制定和监督管理, 受理和审理, 起草和发布
_NAMED_PAIR = re.compile(r"[和与及](?:监督|管理|审理|审查|审核|发布|修订|实施|执行|清理|备案|评估)")
_IMPROVING = re.compile(r"加强|规范|完善|健全|强化|优化|改进|提升")  # verbs whose object is a topic
_ADVERBS = ("认真", "积极", "有效", "及时", "扎实", "严格", "全面", "深入", "切实", "主动", "依法", "稳步", "大力",
            "不断", "持续", "广泛", "充分")  # written before 的 where 地 belongs (认真的开展)


STANCE_REACH = 12  # characters around a stance where the formula lists another (亲自部署、亲自过问)


def _in_stance(text: str, m: re.Match, lang: LevelWords) -> bool:
    """亲自部署、亲自过问、亲自协调、亲自督办: the action ends one of the stances leaders are
    asked to take, listed as the formula lists them (四个亲自). One alone names an act
    (区长亲自督办行政复议决定履行情况), which stays a measure."""
    for w in lang.stances:
        at = m.end() - len(w)
        if w.endswith(m.group()) and text.startswith(w, at):
            listed = text.count("亲自", max(0, at - STANCE_REACH), at) + text.count("亲自", m.end(), m.end() + STANCE_REACH)
            return listed > 0 or text.find("四个亲自", max(0, at - 2 * STANCE_REACH), at) >= 0
    return False


def _inside(text: str, m: re.Match, words: tuple[str, ...]) -> bool:
    """Whether m lies inside an occurrence of one of `words` (常委会 in 人大及其常委会)."""
    return any(_starts_around(text, m.start(), m.group(), w) for w in words)


def _starts_around(text: str, start: int, part: str, word: str) -> list[int]:
    """Where `word` would start in text for it to hold `part` standing at `start`, for each
    place it does (常委会 at 6 in 人大及其常委会: 2)."""
    out = []
    at = word.find(part)
    while at >= 0:
        if start >= at and text.startswith(word, start - at):
            out.append(start - at)
        at = word.find(part, at + 1)
    return out


def _in_term(text: str, start: int, end: int, terms: tuple[str, ...], m: re.Match, verb_first: bool = False) -> bool:
    """Whether m lies inside one of the terms the hit [start, end) opens or closes with (two
    words near each other are its two ends; what stands between them is the report's own).
    With `verb_first`, a hit that opens with the verb is that action taken where another of
    its words follows it (将法治建设纳入…考核); after them it names a topic (规范性文件备案审查)."""
    for t in terms:
        if verb_first and t == m.group() and m.start() == start:
            pause = CLAUSE_END.search(text, m.end())
            if any(text.find(o, m.end(), pause.start() if pause else len(text)) >= 0 for o in terms if o != t):
                continue
        if (text.startswith(t, start) and m.end() <= start + len(t)) or (
                text.startswith(t, end - len(t)) and m.start() >= end - len(t)):
            return True
    return False


# Where a hit stands: words around it that make it less than it looks.

@lru_cache(maxsize=2048)
def formula(clause: str, lang: LevelWords) -> str | None:
    """The ritual formula a clause is (在…领导下, 坚持以…为指导, 现将…报告如下), if any.
    Cached: every criterion's hits in one clause ask the same question. 2,048 clauses hold a
    batch's common phrasing as well as 8,192 did, and take a quarter of the memory (a
    clause and its entry are about 200 bytes)."""
    clause = clause.strip()
    able = tuple(f for f, lead in zip(lang.formulas, lang.formula_leads, strict=True)
                 if lead is None or lead.search(clause))  # most clauses can be no formula
    m = leftmost(able, clause)
    return m.group() if m else None


def agenda_item(text: str, a: int, b: int, start: int, end: int, lang: LevelWords) -> str | None:
    """"研究…法律顾问选聘等工作", "听取…复议应诉情况汇报": a topic a meeting took up.
    Returns the verb, when the hit stands between an agenda verb and an agenda ending."""
    verb = None
    for m in lang.agenda_verb.finditer(text, a, start):
        verb = m
    if verb is None or not lang.agenda_end.search(text, end, b):
        return None
    return verb.group()


def study_topic(text: str, lo: int, start: int, lang: LevelWords) -> bool:
    """"深入学习《重大行政决策程序暂行条例》": the hit is the title of what was studied."""
    opened = text.rfind("《", lo, start)
    if opened < 0 or text.rfind("》", opened, start) >= 0:
        return False
    ca = clause_span(text, lo, opened, opened, opened)[0]
    return bool(lang.study_verb.search(text, ca, opened))


PLAN_REACH = 12  # characters between a topic and the plan it is the content of


def plan_content(text: str, end: int, b: int, lang: LevelWords) -> str | None:
    """"普法宣传年度计划", "纳入普法依法治理工作要点": the topic names what a plan holds."""
    m = lang.plan_noun.search(text, end, min(b, end + PLAN_REACH))
    return m.group() if m else None


LIST_ITEMS = 4  # a clause of this many short items, or more, lists terms
LIST_ITEM_MAX = 8  # characters of an item in such a list
_LIST_SPLIT = re.compile(r"[、/|\s]+")


def term_list(clause: str) -> bool:
    """"会前学法、述法、执法公示、全过程记录…": a clause that lists terms names topics, it
    reports no measure. Real lists of measures carry an action or a figure in a longer item."""
    items = [it.strip("等和及") for it in _LIST_SPLIT.split(clause.strip()) if it]
    if len(items) < LIST_ITEMS or not items[0]:
        return False  # the first item may carry who acted (主要负责人会前学法、述法、…)
    return len(items[0]) <= LIST_ITEM_MAX + 4 and all(0 < len(it) <= LIST_ITEM_MAX for it in items[1:])
