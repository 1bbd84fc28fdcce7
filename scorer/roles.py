"""The role of a part of a report, from its heading or its opening words.

Each top-level part gets a role from its heading; a part without a heading (a
trailing paragraph that opens with "同时也存在一些薄弱环节" or "下步工作中将") gets
its role from its opening words, the role they name first, where it comes later in a
report's order (PART_ORDER); a report without headings has its achievements where a
paragraph opens on an area of work (在依法行政方面,…). Inside another part the duties
role is recognised, and problems and plans where the sub-heading is a role heading as a
whole. A heading of a
later year than the report's first dated heading names plans; one that opens with a
measure against a shortcoming (强化基层弱项) names none.
structure.py applies these to the parts it finds.
"""

from __future__ import annotations

import re
from enum import StrEnum


class PartRole(StrEnum):
    ACHIEVEMENTS = "achievements"
    PROBLEMS = "problems"
    DUTIES = "duties"
    PLANS = "plans"
    OTHER = "other"


ROLE_LABELS = {
    PartRole.ACHIEVEMENTS: "主要举措和成效",
    PartRole.PROBLEMS: "存在的不足",
    PartRole.DUTIES: "第一责任人职责",
    PartRole.PLANS: "下一年度安排",
    PartRole.OTHER: "其他",
}


class RoleSource(StrEnum):
    HEADING = "heading"  # the part's own heading names its role
    OPENING = "opening"  # an unheaded part: its opening words give the role
    INFERRED = "inferred"  # a thematic heading that names no role: taken as achievements
    NESTED = "nested"  # a sub-heading or item inside another part names the role
    INHERITED = "inherited"  # a sub-part takes its parent's role
    DEFAULT = "default"  # preamble and signature


# Role signals in a top-level heading, checked in this order.
_HEADING_ROLES = (
    (PartRole.DUTIES, re.compile(r"第一责任人|主要负责人.{0,12}(履行|履职|职责)|党政主要负责人")),
    (PartRole.OTHER, re.compile(r"其他|其它")),
    (PartRole.PROBLEMS, re.compile(r"问题|不足|短板|弱项|差距|薄弱|困难|教训|需要改进|有待改进")),
    (PartRole.PLANS, re.compile(r"安排|计划|打算|思路|下一步|下步|下一年|下一?阶段|明年|新的一年|今后|展望|工作重点|工作目标|"
                                r"努力方向|工作方向")),
    (PartRole.ACHIEVEMENTS, re.compile(r"举措|成效|成绩|做法|进展|情况|主要工作|工作开展|回顾|总结|亮点")),
)
_WE = "(我们|我区|我县|我市|我省|我旗|区政府|县政府|市政府|省政府|旗政府)"  # who will act, in a plan
_OBJECT_VERB = "(放在|作为|纳入|列为|列入|进行|予以|实行|报告|汇报)"  # 将 + object + one of these: no future
# Role signals in the opening words of an unheaded trailing paragraph.
_OPENING_ROLES = (
    (PartRole.DUTIES, re.compile(r"第一责任人|主要负责人(认真|切实|严格|带头)?(履行|落实)")),
    (PartRole.PROBLEMS, re.compile(
        r"(存在|还有|仍有|面临|看到)(着)?(一些|不少|一定的?|的|较多)?(问题|不足|薄弱环节|短板|弱项|差距|困难)"
        # "我们也发现一些不足"; what oversight found (发现问题47个, 同时发现短板弱项23个) is a result
        r"|(我们|同时)(也|还)?发现(了)?(一些|不少|一定的?|较多)?(不足|薄弱环节|短板|弱项|差距)(?![^,;。]{0,3}\d)"
        r"|(问题|不足)(,)?(主要)?(表现|体现)(在|为)|(不足|问题)之处|(问题|不足|短板)(也|同样)?不容忽视"
        # 清醒地认识到 opens a shortcoming after 但/同时/也, or with one named: alone it may open a
        # duty; 深刻认识到 needs one named (深刻认识到运用法治思维…的重要性 is what study achieved)
        r"|(但|同时|也)[^,;。]{0,6}(清醒|清楚)(地)?(认识|看到)"
        r"|(清醒|清楚)(地)?(认识|看到)[^。]{0,30}(问题|不足|差距|短板|弱项|薄弱|困难)"
        r"|(但|同时|也)[^,;。]{0,6}深刻(地)?(认识|看到)[^。]{0,20}(不足|差距|短板|弱项|薄弱|困难)")),
    (PartRole.PLANS, re.compile(
        rf"下一?步|下一(年|阶段)|明年|新的一年|20\d\d年(,)?{_WE}?将|(今后|未来)(一个时期|工作中)?(,)?{_WE}?(将|要)"
        # "我们将从以下几个方面开展工作:": what follows is the plan; 将 before an object is no
        # future (将学法用法重点放在以下几个方面, 将以下事项纳入…, 将如下内容进行公示)
        rf"|将(?![^,;。:]{{0,10}}{_OBJECT_VERB})[^,;。:]{{0,8}}?(以下|如下)"
        rf"(?![^,;。:]{{0,10}}{_OBJECT_VERB})[^,;。:]{{0,10}}[:。]")),
)
_OPENING_CHARS = 120


_YEAR = re.compile(r"(20\d\d)年")


# A heading that opens with a measure against a shortcoming (强化基层弱项, 补短板、强弱项,
# 坚持问题导向, 狠抓督察反馈问题整改) or names its remedy (问题专项整治, 问题整改落实情况).
_ADDRESSED = re.compile(r"^(坚持|聚焦|着力|切实|补齐?|补足|强化?|破解|攻克|狠抓|化解|解决|整改)"
                        r"|问题(专项)?整治|问题整改(?!措施)")


def heading_year(heading: str) -> int | None:
    """The year a heading opens with (2023年法治政府建设主要举措和成效), if any: a year inside
    it names something else (深入实施《…纲要(2021—2025年)》, 巩固2022年示范创建成果)."""
    m = _YEAR.match(heading)
    return int(m.group(1)) if m else None


def heading_role(heading: str, year: int | None = None) -> PartRole | None:
    """The role a top-level heading names, if any. `year`: the year the report's first dated
    heading opens with; a heading opening with a later year that names no other role than
    achievements (2024年重点工作, 2024年主要工作举措 in a report on 2023) is next year's plans.
    A shortcoming the heading's measure addresses names no shortcomings part (补短板、强弱项,
    着力解决群众急难愁盼问题, 坚持问题导向)."""
    found = next((role for role, pattern in _HEADING_ROLES if pattern.search(heading)), None)
    if found == PartRole.PROBLEMS and _ADDRESSED.search(heading):  # a measure's heading: not problems
        found = next((role for role, pattern in _HEADING_ROLES
                      if role != PartRole.PROBLEMS and pattern.search(heading)), None)
    if found in (None, PartRole.ACHIEVEMENTS) and _later(heading, year):
        return PartRole.PLANS
    return found


def _later(heading: str, year: int | None) -> bool:
    named = heading_year(heading)
    return year is not None and named is not None and named > year


def opening_role(text: str) -> PartRole | None:
    """The role the opening words of an unheaded paragraph name, if any: the one named
    first (下一步,将压实第一责任人职责 is a plan). A shortcoming named after a figure
    concedes a measure's limits, it opens no shortcomings part: 出庭应诉率达到100%,
    较上年提高20个百分点,但与群众期待仍有差距. A paragraph on an area of work (在依法行政
    方面,…) names the achievements, when it names no other part."""
    head = text[:_OPENING_CHARS]
    found = []
    for role, pattern in _OPENING_ROLES:
        m = next((m for m in pattern.finditer(head)
                  if not _addressed(head, m) and not (role == PartRole.PROBLEMS and _conceded(head, m))), None)
        if m:
            found.append((m.start(), role))
    if found:
        return min(found, key=lambda f: f[0])[1]
    m = _AREA_OPENING.match(head)
    if m and not _AREA_PLAN.search(head, m.end(), _start_of_next_clause(head, m.end())):
        return PartRole.ACHIEVEMENTS
    return None


# A paragraph that opens on an area of the year's work, where no other part's words stand
# (在依法行政方面,…): the measures of a report without headings. Not the leaders' own
# areas (在学法用法方面: the 第一责任人 account) nor a plan's (在2024年工作安排方面).
_AREA_OPENING = re.compile(r"在(?![^,;:。!?]*(学法|述法|履职|履行|领导干部|负责人|负责同志|第一责任人|安排|计划|打算|"
                           r"思路|下一|明年|今后))[^,;:。!?]{2,24}方面,")
# 在…方面,将… is a plan, 在…方面,还需… a shortcoming
_AREA_PLAN = re.compile(r"将|拟|计划|下一?步|力争|(?<![主需重])要(?!求)|需|有待|不足|问题")


def _start_of_next_clause(text: str, pos: int) -> int:
    m = _CLAUSE_END.search(text, pos)
    return m.start() if m else len(text)


def _addressed(head: str, m: re.Match) -> bool:
    """Words a clause measures itself by or answers (对照…第一责任人职责的要求, 针对存在的问题)
    name no part: the clause's own words do. The match must be the object of 对照 or 针对,
    which ends its clause (对照…要求我区仍存在一些薄弱环节 names a shortcoming)."""
    if not _ADDRESSING.search(head, _start_of(head, m.start(), ",;:。!?"), m.start()):
        return False
    end = _CLAUSE_END.search(head, m.start())
    return bool(_ADDRESSED_OBJECT.search(head[m.start():end.start() if end else len(head)]))


_ADDRESSING = re.compile(r"针对|对照")
_ADDRESSED_OBJECT = re.compile(r"(要求|规定|问题|部署|标准|意见|清单)$")
_CLAUSE_END = re.compile(r"[,;:。!?]")


def _conceded(head: str, m: re.Match) -> bool:
    """A shortcoming named after a figure in its own sentence, and not announced as a list
    (主要表现在:), concedes a measure's limits."""
    sentence = _start_of(head, m.start(), "。!?;")
    return bool(_FIGURE.search(head, sentence, m.start())) and not _ANNOUNCED.match(head, m.end())


_ANNOUNCED = re.compile(r"[^。]{0,8}?(表现|体现)(在|为)|[^。]{0,4}?(主要有|如下|:)")
# A number with a percent sign or a measure word (not a year: 2023年, 同时也存在…).
_FIGURE = re.compile(r"(?:\d+(?:\.\d+)?|[两三四五六七八九十百千万][零一二两三四五六七八九十百千万]*)\s*"
                     r"(?:%|％|个百分点|余?[个次件项人名场家户条篇份卷期台所])")


def _start_of(text: str, pos: int, ends: str) -> int:
    """Where the clause or sentence holding `pos` starts: after the last of `ends` before it."""
    return max(text.rfind(c, 0, pos) for c in ends) + 1


_DEFICIENT = re.compile(r"不到位|不够|不足|不强|不高|不力|有待|仍需|尚需|还需|差距|薄弱|短板|弱项|欠缺|缺乏|淡薄"
                        r"|流于形式|递减|存在|仅")
_ITEM_MARK = re.compile(r"[一二三四五六七八九十]+是|\d+[.、]|[(（][一二三四五六七八九十\d]+[)）]")


_PLANNED = re.compile(r"将|计划|拟|下一步|下步|继续|进一步|持续|力争|明年|今后|(?<![主需])要(?!求)")
_ACCOUNTED = re.compile(r"全年|年内|一年来|本年度|主持召开|带头")


def planned(text: str) -> bool:
    """Whether a paragraph's opening names something to be done (持续压实第一责任人职责,
    党政主要负责人要…)."""
    return bool(_PLANNED.search(text, 0, _OPENING_CHARS))


def accounted(text: str) -> bool:
    """Whether a paragraph's opening accounts for the year: a figure, or 全年, 主持召开, 带头."""
    head = text[:_OPENING_CHARS]
    return bool(_FIGURE.search(head) or _ACCOUNTED.search(head))


def deficient(text: str) -> bool:
    """Whether a paragraph's opening names a shortcoming, or it is an item of a list (一是…):
    among the shortcomings, one of them."""
    return bool(_ITEM_MARK.match(text) or _DEFICIENT.search(text, 0, _OPENING_CHARS))


# The order of a report's parts: an unheaded paragraph or a nested heading may open a part
# later in it, never an earlier one (a plan to 压实第一责任人职责 is still a plan); the one
# exception, the 第一责任人 account after the shortcomings, is structure._opens's.
PART_ORDER = {PartRole.ACHIEVEMENTS: 0, PartRole.DUTIES: 1, PartRole.PROBLEMS: 2, PartRole.PLANS: 3}


# A sub-heading that is a role heading as a whole ((二)存在的不足, (三)下一步工作打算): inside
# another part a heading that only mentions problems (着力解决群众急难愁盼问题) names a measure.
_NESTED_ROLES = (
    (PartRole.PROBLEMS, re.compile(r"((当前|目前|工作中)?(存在|面临)的?)?(主要)?(问题|不足|短板|弱项|困难|薄弱环节)"
                                   r"((和|与|及)?(原因|不足|短板|弱项|差距|困难|原因分析))?$")),
    (PartRole.PLANS, re.compile(r"(下一步|下步|下一年度?|下一?阶段|明年|今后|新的一年|20\d\d年度?)的?(主要)?(工作)?"
                                r"(打算|安排|计划|思路|重点|举措|目标|方向|措施)((和|与|及)(建议|措施|安排|打算))?$")),
)
NESTED_MAX = 20  # characters: a longer sub-heading is a measure's own title


def nested_role(heading: str, year: int | None = None) -> PartRole | None:
    """The role a sub-heading or item names inside another part: the duties role (reports
    often fold the 第一责任人 account into part 一), or problems and plans where the heading
    is one as a whole ((二)存在的不足 and (三)下一步工作打算 under 一、2023年工作情况);
    a dated plan heading must name a later year than `year`."""
    role = heading_role(heading)
    if role == PartRole.DUTIES:
        return role
    if len(heading) > NESTED_MAX:
        return None
    for role, pattern in _NESTED_ROLES:
        m = pattern.match(heading)
        if m and (not m.group().startswith("20") or _later(heading, year)):
            return role
    return None
