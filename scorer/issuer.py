"""The issuing government of a report: its official name, level, city and province.

The issuer is the government (or department) whose report it is: named in the
title lines, as the subject of the opening sentence ("XX县人民政府…"), or,
where the report only says 我市 or 县委、县政府, the place of that kind it names
most often. Never the government it is addressed to (省人民政府:, 向省政府报告),
one it defers to (在市委…领导下), nor one named in a document's title in passing.
Names, levels and parents come from the gazetteer (places.py); only a place the
gazetteer does not know is read from the title's own words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from . import places
from .prefilter import with_prefilter
from .spans import blank, span_index


@dataclass(frozen=True)
class Issuer:
    region: str
    level: str | None
    city: str | None
    province: str | None


# The addressee of a report sent up (省人民政府: / 中共红河州委、红河州人民政府:), and
# the chair of a people's congress it is delivered to (主任、各位副主任、委员:).
ADDRESSEE = re.compile(r"^[^,。;!?]{2,40}[:：]$")
FIELD_LINE = re.compile(r"^[\s•·*\-]*[\u4e00-\u9fff][\u4e00-\u9fff /]{0,7}\s*[:：]")
DELIVERED = re.compile(r"在.{0,40}(会议|人民代表大会|人大常委会)")
_PROSE = re.compile(r"[,，。;；]")
# Phrases naming a higher government in passing: deference (在…领导下, 按照…部署), the
# addressee of the report (向…报告), and document titles (《…》).
# This and _SELF are tried at every character of the whole text: led by a lookahead on
# the characters they begin with (prefilter.py).
_DEFERENCE = with_prefilter(re.compile(r"在[^。;!?]{0,60}?(领导|指导|监督|支持|关心|帮助|部署)[^。;,!?]{0,8}?下"
                                       r"|(按照|根据|落实|贯彻|对照)[^。;,!?]{0,40}?(部署|要求|精神|安排)"
                                       r"|向[^。,;]{0,30}?(报告|汇报)"))
_TITLE_WORDS = re.compile(r"报告|法治政府|情况")
# A line that is only the name of a government or a body (文昌市人民政府, 威海市生态环境局).
_ISSUER_LINE = re.compile(r"^(中共)?[\u4e00-\u9fff ]{2,40}(人民政府|政府|行政公署|委员会|管委会|局|厅|委|办公室|办|署|中心)$")
_DOC_TITLE = re.compile(r"《[^》\n]{0,80}》")
# A department after its place: 生态环境局, 国防动员办公室, 发展和改革委员会, 卫健委.
# The government itself (人民政府) is no department, its general office (人民政府办公室) is;
# a development zone's 管委会 reports as a department of its city.
_DEPARTMENT = re.compile(r"(?!(人民)?政府(?!办公室|办公厅)|人大|政协|党委|纪委|委|[省市县区州旗]委)"
                         r"[\u4e00-\u9fff]{2,14}?(管委会|管理委员会|委员会|办公室|办公厅|局|厅|委|办|署|中心)")
# A department speaks of itself as such (我局, 局党组, 委主要负责人).
_DEPARTMENT_SELF = re.compile(r"[我本](局|厅|委|办)|(局|厅|委|办)(党组|主要负责|领导班子)")
# How a government speaks of itself: 我市, 我县; 县委、县政府; 区政府坚持.
# 我市 weighs most; a bare 县委、县政府 or 区政府 counts only standing alone, as a
# subject (湖北省委、省政府 names the province, not the writer).
_SELF = with_prefilter(re.compile(r"我([省市县区州旗盟])|(?<![\u4e00-\u9fff、])([省市县区州旗盟])委、\2政府"
                                  r"|(?<![\u4e00-\u9fff、])([省市县区州旗盟])政府"))
_SELF_WEIGHT = (3, 2, 1)


def text_lines(text: str, excluded=()) -> Iterator[tuple[int, str]]:
    """(start, line stripped) of each line holding text and not flagged, one at a time:
    a long report has hundreds of thousands of lines, and a caller needs a few, or few of them."""
    flagged = span_index(excluded)
    start, n = 0, len(text)
    while start <= n:
        end = text.find("\n", start)
        end = n if end < 0 else end
        line = text[start:end].strip()
        if line and not flagged.holds(start):
            yield start, line
        start = end + 1


def issuing_place(text: str, head_lines: list[tuple[int, str]], excluded,
                  signed: str | None = None) -> Issuer | None:
    """The issuing government (or department): from the title lines, the opening
    sentence, or how the report speaks of itself; never the government it is
    addressed to, nor one named in passing. `head_lines`: the text's first lines
    (text_lines), flagged or not."""
    try:
        return _issuing_place(text, head_lines, excluded, signed)
    finally:  # the places of the whole text, and the masked copies they were found in, are not kept
        places.find_places.cache_clear()


def _issuing_place(text: str, head_lines: list[tuple[int, str]], excluded,
                   signed: str | None) -> Issuer | None:
    head, opening = _head_and_opening(head_lines, excluded)
    clean = masked(text, excluded)
    # Any place may settle which 新华区 is meant; only places not named in passing may issue.
    named = {h.written for h in places.find_places(clean)}
    addressed = [(a, a + len(s)) for a, s in text_lines(text) if ADDRESSEE.match(s)]
    body = _DEFERENCE.sub(_blank, masked(clean, addressed))
    kinds: Counter = Counter()
    for m in _SELF.finditer(body[:3000]):
        kinds[m.group(m.lastindex)] += _SELF_WEIGHT[m.lastindex - 1]
    kind = kinds.most_common(1)[0][0] if kinds else None
    # Title lines first, then the issuer under the signature or on a line of its own, then
    # the opening's subject, then any other line of the head (a site's banner).
    titles = [line for line in head if _TITLE_WORDS.search(line)]
    issuers = [line for line in head if not _TITLE_WORDS.search(line) and _ISSUER_LINE.match(line)]
    others = [line for line in head if line not in titles and line not in issuers]
    for line in titles + ([signed] if signed else []) + issuers:
        found = _named_in(_passing_masked(line), named, True, None)
        if found:
            return found
    if opening:
        found = _named_in(_passing_masked(opening), named, bool(_DEPARTMENT_SELF.search(body)), kind)
        if found:
            return found
    for line in others:
        found = _named_in(_passing_masked(line), named, True, None)
        if found:
            return found
    return (_by_self_reference(kind, body, named) if kind else None) or _most_named(body, named)


def _passing_masked(line: str) -> str:
    """A line with the places named only in passing blanked out."""
    return _DOC_TITLE.sub(_blank, _DEFERENCE.sub(_blank, line))


def is_prose(line: str) -> bool:
    """A line of the report's prose, not a title, date, field or addressee line."""
    return len(line) >= 20 and bool(_PROSE.search(line)) and not FIELD_LINE.match(line) \
        and not ADDRESSEE.match(line)


def _blank(m: re.Match) -> str:
    return " " * len(m.group())


def _head_and_opening(all_lines, excluded) -> tuple[list[str], str]:
    """The lines above the first paragraph of prose (title, issuer), and that paragraph."""
    head: list[str] = []
    flagged = span_index(excluded)
    for i, (start, line) in enumerate(all_lines[:40]):
        if is_prose(line):
            following = [s for _, s in all_lines[i:i + 2] if not ADDRESSEE.match(s)]
            return head, "".join(following)[:250]
        if flagged.holds(start) or ADDRESSEE.match(line) or DELIVERED.search(line):
            continue
        if FIELD_LINE.match(line) and not re.match(r"[\s•·*]*标\s*题", line):
            continue
        head.append(line)
    return head, ""


def _named_in(line: str, named: set[str], department_ok: bool, kind: str | None) -> Issuer | None:
    """The government a line names first (a district named with its city: the
    district), or the department that follows it. With `kind` (市 from 我市), the
    first one of that kind, where there is one."""
    found = [_chain_issuer(line, chain, named, department_ok) for chain in _chains(places.find_places(line))]
    if kind:
        fitting = [f for f in found if f[1].endswith(kind)]
        found = fitting or found
    return found[0][0] if found else None


def _chains(hits: list[places.PlaceHit]) -> list[list[places.PlaceHit]]:
    """Place names written one after another (重庆市铜梁区) as one chain each."""
    chains: list[list[places.PlaceHit]] = []
    for hit in hits:
        if chains and hit.start == chains[-1][-1].end:
            chains[-1].append(hit)
        else:
            chains.append([hit])
    return chains


def _chain_issuer(line: str, chain: list[places.PlaceHit], named: set[str],
                  department_ok: bool) -> tuple[Issuer, str]:
    """The issuer a chain names, and the name of its place (for the kind check)."""
    last = chain[-1]
    parent = chain[-2].written if len(chain) > 1 else None
    owner = _issuer_of(last, places.resolve(last, named, parent))
    dept = _DEPARTMENT.match(line, last.end)
    if department_ok and dept:
        return Issuer(line[chain[0].start:dept.end()], "department",
                       owner.city or (owner.region if owner.level == "city" else None),
                       owner.province or (owner.region if owner.level == "province" else None)), last.written
    return owner, last.written


def _issuer_of(hit: places.PlaceHit, div: places.Division | None) -> Issuer:
    if div is None:  # an ambiguous name no parent in the text settles: as written
        levels = {d.level for d in hit.divisions}
        return Issuer(hit.written, levels.pop() if len(levels) == 1 else None, None, None)
    # A former name (海东地区) was the government's official name when it wrote.
    name = hit.written if hit.form == "former" else div.name
    return Issuer(name, div.level, div.city, div.province)


def _by_self_reference(kind: str, body: str, named: set[str]) -> Issuer | None:
    """我市 / 县委、县政府 with no name nearby: the place of that kind the report
    names most often (in document titles too: 《鹤岗市…办法》)."""
    for stems in (False, True):
        counts: Counter = Counter()
        first: dict[str, places.PlaceHit] = {}
        # One way of calling for the names alone, so that the cache holds them once.
        for hit in places.find_places(body, stems=True) if stems else places.find_places(body):
            if stems and (hit.form != "stem" or not places.is_place_word(hit.written)):
                continue
            div = places.resolve(hit, named)
            if div and div.name.endswith(kind) and not (kind == "区" and div.level == "province"):
                counts[div.code] += 1
                first.setdefault(div.code, hit)
        if counts:
            code = max(counts, key=lambda c: (counts[c], -first[c].start))
            return _issuer_of(first[code], places.division(code))
    return None


def _most_named(body: str, named: set[str]) -> Issuer | None:
    """The division the report names most often (a county before a city on a tie)."""
    counts: Counter = Counter()
    hits: dict[str, places.PlaceHit] = {}
    for hit in places.find_places(body):
        div = places.resolve(hit, named)
        if div:
            counts[div.code] += 1
            hits.setdefault(div.code, hit)
    if not counts:
        return None
    order = {"county": 2, "city": 1, "province": 0}
    code = max(counts, key=lambda c: (counts[c], order[places.division(c).level]))
    return _issuer_of(hits[code], places.division(code))


def masked(text: str, excluded) -> str:
    return blank(text, excluded, " ") if excluded else text


_TITLE_PLACE = re.compile(r"^(?:关于)?([\u4e00-\u9fff]{1,10}?(?:省|自治区|市|县|区|旗|自治州|州|盟))(?:人民政府|政府|关于|\d)")


def title_place(title: str | None) -> Issuer | None:
    """A place the gazetteer does not know (a division renamed since), from the title's
    own words: its level from its suffix, as nothing better is known."""
    m = _TITLE_PLACE.match(title or "")
    if not m:
        return None
    name = m.group(1)
    level = "province" if name.endswith(("省", "自治区")) else "city" if name.endswith(("州", "盟")) else None
    return Issuer(name, level or ("county" if name.endswith(("县", "区", "旗")) else None), None, None)
