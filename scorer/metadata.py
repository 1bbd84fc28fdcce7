"""Report metadata: title, region, the year covered, issuer, publication date, on time.

The year is the year the report covers: from the title, the achievements
heading or the opening sentence, never from a web page's date ("今天是…") or
the plans' year. The publication date comes from a labelled header line
(发布时间/日期/…) or the signature date at the end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from .structure import Part, PartRole, RoleSource


@dataclass(frozen=True)
class Metadata:
    title: str | None
    region: str | None  # the issuing government's own name, e.g. 昌平区
    city: str | None  # the higher-level government named with it, when stated
    level: str | None  # province | city | county (from the region's suffix)
    year: int | None  # the year the report covers
    year_source: str | None  # title | heading | opening | body | published
    issuer: str | None
    published: str | None  # ISO date
    published_source: str | None  # header | signature
    on_time: bool | None  # published before 1 April of the following year


_YEAR = re.compile(r"(?<!\d)(20\d\d|19\d\d)(?!\d)\s*年(?!\s*\d{1,2}\s*月)")
_TITLE_HINT = re.compile(r"报告|情况|工作总结")
_DATE_LABEL = re.compile(r"(发布|发表|成文|印发|公开)?(时间|日期)\s*[:：]\s*")
_ISO_DATE = re.compile(r"(20\d\d|19\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
_ISSUER = re.compile(r"^.{2,40}(人民政府|政府|委员会|区委|县委|市委|局|办公室|管委会)$")
_REGION_TOKEN = re.compile(r"^[\u4e00-\u9fff]{1,7}(省|自治区|市|区|县|旗|自治州|州|盟)$")
# Generic words of the same shape as a place name (全区, 我县, 社区, 依法治区 …).
_NOT_A_PLACE = set(
    ["全", "我", "本", "各", "该", "治", "向", "及", "对", "专", "社", "园", "城", "辖", "两", "三", "四", "五", "六", "新", "景", "街", "片", "小", "山", "郊", "市", "地", "分", "省", "县", "区", "入", "到", "在", "至", "于", "和", "与", "等", "每", "此", "其", "示范", "核心", "自贸", "开发", "高新", "试验", "先行", "功能", "保护", "风景", "生态", "老城", "城市", "城区", "老区", "省市", "市县", "区县", "县区", "县市", "全市", "本市", "特别行政", "经济", "工业", "产业", "商业", "居住", "住宅", "管理", "服务", "行政", "辖", "乡镇", "地"]
)
_LEVEL = {"省": "province", "自治区": "province", "市": "city", "州": "city", "自治州": "city",
          "盟": "city", "区": "county", "县": "county", "旗": "county"}


def extract_metadata(text: str, parts: tuple[Part, ...], excluded: list[tuple[int, int]],
                     tokenize) -> Metadata:
    """Read the metadata from the normalised text and its parts."""
    lines = _lines(text, excluded)
    all_lines = _lines(text, [])
    title = _title(lines)
    published, published_source = _published(all_lines, parts, text)
    issuer = _issuer(parts, text, title)
    year, year_source = _year(title, parts, text, excluded)
    if year is None and published:
        year, year_source = int(published[:4]) - 1, "published"
    region, city = _region(title, issuer, parts, text, tokenize, excluded)
    level = None
    if region:
        for suffix, name in sorted(_LEVEL.items(), key=lambda kv: -len(kv[0])):
            if region.endswith(suffix):
                level = name
                break
    on_time = None
    if published and year:
        on_time = dt.date.fromisoformat(published) < dt.date(year + 1, 4, 1)
    return Metadata(title, region, city, level, year, year_source, issuer, published,
                    published_source, on_time)


def _lines(text: str, excluded: list[tuple[int, int]]) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        start = pos
        pos += len(raw) + 1
        if raw.strip() and not any(a <= start < b for a, b in excluded):
            out.append((start, raw.strip()))
    return out


def _title(lines: list[tuple[int, str]]) -> str | None:
    for _, line in lines[:3]:
        if _TITLE_HINT.search(line) and len(line) <= 80 and "。" not in line and "," not in line:
            return line
    return None


def _year(title, parts, text, excluded) -> tuple[int | None, str | None]:
    if title:
        m = _YEAR.search(title)
        if m:
            return int(m.group(1)), "title"
    for part in parts:
        if part.kind == "heading" and part.role == PartRole.ACHIEVEMENTS and part.role_source == RoleSource.HEADING:
            m = _YEAR.search(part.heading)
            if m:
                return int(m.group(1)), "heading"
    preamble = next((p for p in parts if p.kind == "preamble"), None)
    if preamble is not None:
        m = _YEAR.search(text, preamble.start, min(preamble.end, preamble.start + 200))
        if m and not _inside(m.start(), excluded):
            return int(m.group(1)), "opening"
    years = Counter()
    for part in parts:
        if part.role in (PartRole.ACHIEVEMENTS, PartRole.DUTIES):
            for m in _YEAR.finditer(text, part.start, part.end):
                years[int(m.group(1))] += 1
    if years:
        return years.most_common(1)[0][0], "body"
    return None, None


def _inside(pos: int, spans) -> bool:
    return any(a <= pos < b for a, b in spans)


def parse_date(s: str) -> str | None:
    """An ISO date from 2021-01-13, 2021年1月13日, 2021/1/13 or 二〇二一年一月十三日."""
    m = _ISO_DATE.search(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _CN_DATE.search(s)
        if not m:
            return None
        y = int("".join(str(_CN_DIGIT[c]) for c in m.group(1)))
        mo, d = _cn_small(m.group(2)), _cn_small(m.group(3))
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_small(s: str) -> int:
    """一 … 三十一."""
    if "十" not in s:
        return _CN_DIGIT[s]
    tens, _, ones = s.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def _published(all_lines, parts, text) -> tuple[str | None, str | None]:
    # A labelled header line near the top (the page's or the document's own).
    for _, line in all_lines[:12]:
        m = _DATE_LABEL.search(line)
        if m and not line.startswith("今天"):
            date = parse_date(line[m.end():])
            if date:
                return date, "header"
    signature = next((p for p in parts if p.kind == "signature"), None)
    if signature is not None:
        date = parse_date(text[signature.start:signature.end])
        if date:
            return date, "signature"
    return None, None


def _issuer(parts, text, title) -> str | None:
    signature = next((p for p in parts if p.kind == "signature"), None)
    if signature is not None:
        for line in text[signature.start:signature.end].split("\n"):
            line = line.strip()
            if _ISSUER.match(line) and not re.search(r"\d", line):
                return line
    if title and "关于" in title:
        head = title.split("关于", 1)[0].strip()
        if _ISSUER.match(head):
            return head
    return None


def _region(title, issuer, parts, text, tokenize, excluded) -> tuple[str | None, str | None]:
    """The issuing government's own name: from the title or issuer, the opening,
    or else the most frequent place name of the report."""

    def places(s: str) -> list[str]:
        return [t for t in tokenize(s) if _REGION_TOKEN.match(t) and _is_place(t)]

    chain: list[str] = []
    for source in (title, issuer):
        if source:
            chain = places(source)
            if chain:
                break
    counts = _place_counts(_masked(text, excluded), tokenize)
    if not chain:
        preamble = next((p for p in parts if p.kind == "preamble"), None)
        if preamble is not None:
            chain = places(text[preamble.start:min(preamble.end, preamble.start + 150)])
    if not chain and counts:
        best = max(counts.items(), key=lambda kv: (kv[1], _rank(kv[0])))
        chain = [best[0]]
    if not chain:
        return None, None
    region = max(chain, key=lambda name: (_rank(name), chain.index(name)))
    higher = [name for name in chain if _rank(name) < _rank(region)]
    if not higher and _rank(region) == 2:
        cities = [(n, c) for n, c in counts.items() if _rank(n) == 1]
        higher = [max(cities, key=lambda kv: kv[1])[0]] if cities else []
    return region, (higher[-1] if higher else None)


_PLACE_END = re.compile(r"(?<=[\u4e00-\u9fff])[省市区县旗州盟]")
_HAN_BEFORE = re.compile(r"[\u4e00-\u9fff]{1,12}$")
_HAN_AFTER = re.compile(r"[\u4e00-\u9fff]{0,4}")


def _place_counts(text: str, tokenize) -> Counter:
    """How often each place name stands in the text.

    Only the words around a place-name ending (省市区县旗州盟) are tokenised, with
    a few characters of context on each side: a place name is at most 8 characters,
    and the text after its last character decides whether that character ends it
    (北京市 | 市场). Tokenising the whole report would cost as much again as scoring it.
    """
    counts: Counter = Counter()
    for m in _PLACE_END.finditer(text):
        end = m.end()
        before = _HAN_BEFORE.search(text, max(0, end - 13), end)
        after = _HAN_AFTER.match(text, end)
        start = before.start() if before else m.start()
        pos = start
        for token in tokenize(text[start:after.end()]):
            pos += len(token)
            if pos == end:
                if _REGION_TOKEN.match(token) and _is_place(token):
                    counts[token] += 1
                break
            if pos > end:
                break
    return counts


def _is_place(token: str) -> bool:
    stem = re.sub(r"(省|自治区|市|区|县|旗|自治州|州|盟)$", "", token)
    return bool(stem) and stem not in _NOT_A_PLACE and token not in _NOT_A_PLACE and not stem.endswith(("治", "全"))


def _rank(name: str) -> int:
    """0 province, 1 city, 2 county or district."""
    if name.endswith(("省", "自治区")):
        return 0
    if name.endswith(("市", "州", "盟")):
        return 1
    return 2


def _masked(text: str, excluded) -> str:
    if not excluded:
        return text
    chars = list(text)
    for a, b in excluded:
        for i in range(a, min(b, len(chars))):
            chars[i] = " "
    return "".join(chars)
