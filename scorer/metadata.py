"""Report metadata: title, region, the year covered, issuer, publication date, on time.

The year is the year the report covers: from the title, the achievements
heading or the opening sentence, never from a web page's date ("今天是…") or
the plans' year; failing these, the year the achievements name most where the
publication date allows it (the year before, or the same year for a report out in
November or December), else the year before publication. The publication date is
the one stated above the report's first paragraph: a labelled line (发布时间/发布日期/公开发布日期/日期/时间, with or
without a colon), a bare date line under the title, or a source line with its
date (来源:XX 2023-02-15); in figures, 年月日 or Chinese numerals. A document's
creation date (成文日期, 公文生成日期) counts only where no publication date is
given; a date in a URL, the date a report was delivered to a people's congress
(…在…会议上) and a page's clock (今天是…) never. Failing all, the date under the
signature. Region, level, city and province: issuer.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from itertools import islice

from .issuer import DELIVERED, is_prose, issuing_place, text_lines, title_place
from .structure import Part, PartRole, RoleSource


@dataclass(frozen=True)
class Metadata:
    title: str | None
    region: str | None  # the issuing government's official name (昌平区), or its department's (威海市生态环境局)
    city: str | None  # the city above it (for a department: the city it belongs to), from the gazetteer
    level: str | None  # province | city | county | department (from the gazetteer; by suffix only for a place it lacks)
    year: int | None  # the year the report covers
    year_source: str | None  # title | heading | opening | body | published
    issuer: str | None
    published: str | None  # ISO date
    published_source: str | None  # header | signature
    on_time: bool | None  # published before 1 April of the following year
    province: str | None = None  # the province above it, from the gazetteer


_YEAR = re.compile(r"(?<!\d)(20\d\d|19\d\d)(?!\d)\s*年(?!\s*\d{1,2}\s*月)")
_TITLE_HINT = re.compile(r"报告|情况|工作总结")
_ISO_DATE = re.compile(r"(?<!\d)(20\d\d|19\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?")
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
_ISSUER = re.compile(r"^.{2,40}(人民政府|政府|委员会|区委|县委|市委|局|办公室|管委会)$")


def extract_metadata(text: str, parts: tuple[Part, ...], excluded: list[tuple[int, int]],
                     tokenize=None) -> Metadata:
    """Read the metadata from the normalised text and its parts.

    `tokenize` is accepted for callers of the earlier signature; place names now
    come from the gazetteer (places.py), not from word segmentation."""
    lines = list(islice(text_lines(text, excluded), HEAD_LINES))
    all_lines = list(islice(text_lines(text), HEAD_LINES + 1))  # the opening may go on a line below
    title = _title(lines)
    published, published_source = _published(all_lines, parts, text)
    issuer = _issuer(parts, text, title)
    year, year_source = _year(title, parts, text, excluded)
    # A year the body names most may be a cited document's (2022年出台的方案) or a target's
    # (2035年远景目标): where the report was published, only the years _covered_by allows are
    # the year covered.
    if published and (year is None or year_source == "body" and year not in _covered_by(published)):
        year, year_source = int(published[:4]) - 1, "published"
    place = issuing_place(text, all_lines, excluded, issuer) or title_place(title)
    on_time = None
    if published and year:
        on_time = dt.date.fromisoformat(published) < dt.date(year + 1, 4, 1)
    return Metadata(title, place and place.region, place and place.city, place and place.level,
                    year, year_source, issuer, published, published_source, on_time,
                    place and place.province)


HEAD_LINES = 40  # the lines the metadata reads: title, issuer, dates and opening stand in these


def _title(lines: list[tuple[int, str]]) -> str | None:
    """The first title-like line above the prose. A title set on two lines (文昌市人民政府 /
    关于2022年度…的报告, or 关于…法治政府 / 建设情况的报告) is joined."""
    head = []
    for _, line in lines[:8]:
        if is_prose(line):
            break
        head.append(line)
    for i, line in enumerate(head[:4]):
        if _TITLE_HINT.search(line) and len(line) <= 80 and "。" not in line and "," not in line:
            before = head[i - 1] if i else ""
            if before and len(before) <= 40 and not _TITLE_HINT.search(before) and not re.search(r"[,:：。]", before) \
                    and (_ISSUER.match(before) or re.search(r"^关于|法治政府", before)):
                return before + line
            return line
    return None


def _covered_by(published: str) -> tuple[int, ...]:
    """The years a report published on this date may cover: the one before, and its own year
    only late in it (a report on 2023 may go out in December 2023; one out in February 2024
    citing 2024年工作要点 covers 2023)."""
    year = int(published[:4])
    return (year, year - 1) if int(published[5:7]) >= 11 else (year - 1,)


def _year(title, parts, text, excluded) -> tuple[int | None, str | None]:
    """The year named by the title, the achievements heading or the opening; else the year
    the achievements name most."""
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


# Labels of a date line. Publication first; a bare 日期/时间 next; a document's
# creation date (成文日期, 公文生成日期) only where no publication date is given;
# an expiry or a page's clock never.
_DATE_LABEL = re.compile(r"(公开发布|发布|发表|公开|发文|更新|公文生成|生成|成文|印发|签发|废止|截止|失效|有效)?"
                         r"\s*(时间|日期)\s*[】\]]?\s*[:：]?\s*")
_LABEL_RANK = {"公开发布": 0, "发布": 0, "发表": 0, "公开": 0, "发文": 0, "": 1, "更新": 1,
               "公文生成": 3, "生成": 3, "成文": 3, "印发": 3, "签发": 3}
# A line that is a date and nothing but page fields around it: 2023-02-15 14:49,
# 来源:XX 2023-02-15, 2022-03-29 17:13:17 来源:XX 打印.
_BARE_DATE = re.compile(r"^[\s•·*\-—【\[(（]*((信息|文章)?来源\s*[:：]?[^\s:：]{0,30}\s*)?$")
_PAGE_FIELDS = re.compile(r"[\s|]*(来源|作者|编辑|浏览|访问|阅读|点击|字号|字体|打印|分享).*$")
_TIME = re.compile(r"^\s*\d{1,2}:\d{2}(:\d{2})?")
# A bare domain's match starts where its run of non-space starts (the leftmost start it could
# have anyway): tried inside the run too, a long run without one took the square of its length.
_URL_TEXT = re.compile(r"(https?://|www\.)\S+|(?<!\S)\S+\.(gov|com|net|org)(\.cn)?/\S*", re.IGNORECASE | re.ASCII)
_DATE_ANY = re.compile(_ISO_DATE.pattern + "|" + _CN_DATE.pattern)


def _published(all_lines, parts, text) -> tuple[str | None, str | None]:
    """The publication date stated above the report's first paragraph (or, failing
    that, under its signature). A date in a URL, the date a report was delivered to
    a people's congress (…在…会议上) and a page's clock (今天是…) are not it."""
    best: tuple[int, str] | None = None
    for _, line in all_lines[:40]:
        if is_prose(line):
            break  # the report's prose has begun: nothing below is a header
        line = _URL_TEXT.sub(lambda m: " " * len(m.group()), line)
        if line.startswith(("今天", "今日")):
            continue
        for rank, date in _line_dates(line):
            if best is None or rank < best[0]:
                best = (rank, date)
    if best is not None:
        return best[1], "header"
    signature = next((p for p in parts if p.kind == "signature"), None)
    if signature is not None:
        date = parse_date(text[signature.start:signature.end])
        if date:
            return date, "signature"
    return None, None


def _line_dates(line: str):
    """(rank, ISO date) of each date a header line states."""
    for m in _DATE_ANY.finditer(line):
        date = parse_date(m.group())
        if not date or DELIVERED.match(line, m.end()) or line[m.end():].lstrip().startswith("在"):
            continue
        label = _label_before(line, m.start())
        if label is not None:
            if label in _LABEL_RANK:
                yield _LABEL_RANK[label], date
            continue
        rest = _TIME.sub("", line[m.end():])
        rest = _PAGE_FIELDS.sub("", rest)
        if _BARE_DATE.match(line[:m.start()]) and not rest.strip(" |【】[]()（）"):
            yield 2, date


def _label_before(line: str, pos: int) -> str | None:
    """The date label right before a date (its prefix, "" for a bare 日期/时间), or None."""
    for m in _DATE_LABEL.finditer(line, max(0, pos - 12), pos):
        if m.end() == pos:
            return m.group(1) or ""
    return None


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
