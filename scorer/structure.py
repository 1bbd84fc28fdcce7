"""A report's structure: parts with roles, inline items, paragraphs and sentences.

Headings are recognised at every level (一、 / (一) / 1. and 1、 / (1), and
第X部分); inline enumerations (一是…二是…) become items inside their part.
Each top-level part gets a role from its heading; a part without a heading
(a trailing paragraph that opens with "同时也存在一些薄弱环节" or "下步工作中将")
gets its role from its opening words (roles.py). Works on the normalised text.
"""

from __future__ import annotations

import dataclasses
import heapq
import operator
import re
from dataclasses import dataclass, field

from .roles import (
    PART_ORDER,
    ROLE_LABELS,
    PartRole,
    RoleSource,
    accounted,
    deficient,
    heading_role,
    heading_year,
    nested_role,
    opening_role,
    planned,
)
from .spans import Spans, span_index, spans_of

__all__ = ["ROLE_LABELS", "Part", "PartRole", "RoleSource", "Sentence", "parse_structure"]


def _pickled_as_a_call(cls: type) -> type:
    """Pickle a frozen dataclass with slots as a call with its fields: dataclasses pickle such
    a class through Python, field by field (fields() for every object), which took half the
    time a Document took to store in the document cache and to load from it."""
    names = [f.name for f in dataclasses.fields(cls)]
    values = operator.attrgetter(*names) if len(names) > 1 else lambda obj: (getattr(obj, names[0]),)
    cls.__reduce__ = lambda self: (cls, values(self))  # type: ignore[method-assign]
    return cls


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)  # slots: a long report has tens of thousands
class Part:
    """A part of the report: a heading and what follows it, or an unheaded block."""

    kind: str  # heading | unheaded | item | preamble | signature
    marker: str  # 一、 / (三) / 2. / 二是 / ""
    heading: str  # the heading text (normalised), "" when unheaded
    level: int  # 1 for top-level parts, deeper for sub-parts and items; 0 preamble
    role: PartRole
    role_source: RoleSource
    start: int  # span in the normalised text
    end: int
    path: str  # e.g. "一、(三) 二是"
    children: tuple[Part, ...] = field(default_factory=tuple)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: text between 。！？； or a line end, in normalised offsets."""

    start: int
    end: int
    paragraph: int
    part_path: str
    role: PartRole
    top_role: PartRole  # the role of the top-level part that holds it


_CN_NUM = "一二三四五六七八九十"
_HEADING_RES = (
    (1, re.compile(rf"^\s*(第[{_CN_NUM}]+部分|[{_CN_NUM}]+[、.])\s*")),
    (2, re.compile(rf"^\s*(\([{_CN_NUM}]+\))\s*")),
    (3, re.compile(r"^\s*(\d{1,2}[.、](?![\d%]))\s*")),
    (4, re.compile(r"^\s*(\(\d{1,2}\))\s*")),
)
_ITEM = re.compile(rf"(?:^|(?<=[。;:,!?\s]))((?:第)?[{_CN_NUM}]{{1,3}}是)")
_SENTENCE_END = re.compile(r"[。!?;]+[”’\"')\]]*")
_HEADING_MAX = 60

_SIGNATURE_LINE = re.compile(
    r"^(\d{4}年\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|[〇○零一二三四五六七八九十]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
    r"|.{2,40}(人民政府|政府|委员会|委|局|办公室|办|厅|司法局|管委会))$"
)


@dataclass
class _Line:
    start: int
    end: int
    text: str
    level: int = 0  # heading level, 0 for body
    marker: str = ""
    heading: str = ""


def parse_structure(text: str, excluded: list[tuple[int, int]]) -> tuple[tuple[Part, ...], tuple[Sentence, ...], Spans]:
    """Parse the normalised text into top-level parts, sentences and paragraphs.

    `excluded` spans (page furniture) are skipped: they belong to no part.
    """
    lines = _body_lines(text, excluded)
    signature = _signature_start(lines)
    body, tail = lines[:signature], lines[signature:]
    for ln in body:
        _classify_heading(ln)
    # Levels count from the report's own top level (a report whose parts are (一) has no 一、).
    top_level = min((ln.level for ln in body if ln.level), default=0)
    for ln in body:
        if ln.level:
            ln.level = ln.level - top_level + 1
    # The year the first dated top-level heading names: a later one's part is next year's plans.
    year = next((y for ln in body if ln.level == 1 and (y := heading_year(ln.heading))), None)
    parts = [p for kind, marker, heading, block in _top_blocks(body, year)
             for p in _build_top(kind, marker, heading, block, year)]
    if tail:
        parts.append(Part("signature", "", "", 0, PartRole.OTHER, RoleSource.DEFAULT,
                          tail[0].start, tail[-1].end, "〔落款〕"))
    paragraphs = spans_of((ln.start, ln.end) for ln in lines)
    sentences = _sentences(text, lines, parts)
    return tuple(parts), sentences, paragraphs


def _body_lines(text: str, excluded: list[tuple[int, int]]) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    flagged = span_index(excluded)
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        stripped = raw.strip()
        if not stripped or flagged.covers(start, end):
            continue
        lead = len(raw) - len(raw.lstrip())
        out.append(_Line(start + lead, start + lead + len(stripped), stripped))
    return out


def _signature_start(lines: list[_Line]) -> int:
    """Index of the first line of the closing signature block (issuer, date)."""
    i = len(lines)
    while i > 1 and _SIGNATURE_LINE.match(lines[i - 1].text) and "。" not in lines[i - 1].text:
        i -= 1
    return i if i < len(lines) and any(
        re.search(r"\d|[〇○]", ln.text) for ln in lines[i:]) else len(lines)


def _classify_heading(ln: _Line) -> None:
    for level, pattern in _HEADING_RES:
        m = pattern.match(ln.text)
        if m:
            ln.level = level
            ln.marker = m.group(1)
            rest = ln.text[m.end():]
            end = _SENTENCE_END.search(rest)
            if end and end.start() <= _HEADING_MAX:
                ln.heading = rest[: end.start()]
            else:
                ln.heading = rest if len(rest) <= _HEADING_MAX else rest[:_HEADING_MAX] + "…"
            return


def _top_blocks(body: list[_Line], year: int | None):
    """Split body lines into top-level blocks: preamble, headed parts and unheaded parts.

    An unheaded part starts at a paragraph that has no heading, stands after the
    last heading of its top-level part (nothing headed follows it there), and
    opens with words that name a role.
    """
    blocks: list[tuple[str, str, str, list[_Line]]] = []
    current: list[_Line] = []
    kind, marker, heading = "preamble", "", ""
    # Index of the last heading line (any level) before each next top-level heading.
    n = len(body)
    next_heading_after = [n] * (n + 1)
    for i in range(n - 1, -1, -1):
        next_heading_after[i] = i if body[i].level else next_heading_after[i + 1]
    headed = any(ln.level == 1 for ln in body)
    for i, ln in enumerate(body):
        if ln.level == 1:
            if current or kind != "preamble":
                blocks.append((kind, marker, heading, current))
            kind, marker, heading, current = "heading", ln.marker, ln.heading, [ln]
            continue
        following = next_heading_after[i + 1] if i + 1 <= n else n
        trailing = ln.level == 0 and (following == n or body[following].level == 1)
        role = opening_role(ln.text) if trailing and i > 0 else None
        if role == PartRole.ACHIEVEMENTS and headed:
            role = None  # a report with headings names its achievements in them
        if role is not None and _opens(role, _block_role(kind, heading, year), ln.text):
            if current or kind != "preamble":
                blocks.append((kind, marker, heading, current))
            kind, marker, heading, current = "unheaded", "", role.value, [ln]
            continue
        current.append(ln)
    if current or kind != "preamble":
        blocks.append((kind, marker, heading, current))
    return [b for b in blocks if b[3]]


def _opens(role: PartRole, current: PartRole | None, text: str) -> bool:
    """Whether an unheaded paragraph opens a part of its own role after the current part: one
    later in a report's order, or the 第一责任人 account wherever it stands: after the
    shortcomings, the order the regulation gives (art. 25), when it is no shortcoming of the
    duty (第一责任人职责落实不到位); after the plans when it is no plan (持续压实第一责任人职责)
    and accounts for the year (全年主持召开常务会议3次). In a report without headings the
    achievements follow the opening, or a 第一责任人 account that the report puts first;
    never the shortcomings or the plans."""
    if role == PartRole.ACHIEVEMENTS:
        return current is None or current in (PartRole.OTHER, PartRole.DUTIES)
    if role == PartRole.DUTIES and current == PartRole.PROBLEMS:
        return not deficient(text)
    if role == PartRole.DUTIES and current == PartRole.PLANS:
        return not deficient(text) and not planned(text) and accounted(text)
    return _later_part(role, current)


def _later_part(role: PartRole, current: PartRole | None) -> bool:
    """Whether an unheaded paragraph's role opens a part after the current one (PART_ORDER);
    after the preamble or an 其他 part, any part may follow."""
    if current is None or current not in PART_ORDER:
        return role != current
    return PART_ORDER[role] > PART_ORDER[current]


def _block_role(kind: str, heading: str, year: int | None) -> PartRole | None:
    """The role of the top-level block being built (unheaded blocks keep it in `heading`)."""
    if kind == "unheaded":
        return PartRole(heading)
    if kind == "heading":
        return heading_role(heading, year) or PartRole.ACHIEVEMENTS
    return None


def _build_top(kind: str, marker: str, heading: str, block: list[_Line], year: int | None) -> list[Part]:
    start, end = block[0].start, block[-1].end
    if kind == "preamble":
        children = _items(block, 1, "〔导语〕", PartRole.OTHER, year)
        return [Part("preamble", "", "", 0, PartRole.OTHER, RoleSource.DEFAULT, start, end,
                     "〔导语〕", children)]
    if kind == "unheaded":
        role = PartRole(heading)
        path = f"〔{ROLE_LABELS[role]}〕"
        children = _items(block, 2, path, role, year)
        return [Part("unheaded", "", "", 1, role, RoleSource.OPENING, start, end, path, children)]
    role = heading_role(heading, year)
    source = RoleSource.HEADING if role else RoleSource.INFERRED
    role = role or PartRole.ACHIEVEMENTS
    children = _sub_parts(block[1:], marker, role, 2, year)
    children = _items([block[0]], 2, marker, role, year, skip_heading=True) + children
    return [Part("heading", marker, heading, 1, role, source, start, end, marker, children)]


def _sub_parts(lines: list[_Line], path: str, parent_role: PartRole, level: int,
               year: int | None) -> tuple[Part, ...]:
    """Sub-parts of a part: its next-level headings, and items in its body text."""
    parts: list[Part] = []
    i = 0
    body_before: list[_Line] = []
    while i < len(lines) and lines[i].level < level:
        body_before.append(lines[i])
        i += 1
    parts.extend(_items(body_before, level, path, parent_role, year))
    while i < len(lines):
        head = lines[i]
        j = i + 1
        while j < len(lines) and (lines[j].level == 0 or lines[j].level > head.level):
            j += 1
        block = lines[i:j]
        sub_path = path + head.marker
        nested = _nested_role(head.heading, parent_role, year)
        role = nested or parent_role
        source = RoleSource.NESTED if nested else RoleSource.INHERITED
        children = _items([head], head.level + 1, sub_path, role, year, skip_heading=True) + _sub_parts(
            block[1:], sub_path, role, head.level + 1, year)
        parts.append(Part("heading", head.marker, head.heading, head.level, role, source,
                          head.start, block[-1].end, sub_path, children))
        i = j
    return tuple(parts)


def _items(lines: list[_Line], level: int, path: str, role: PartRole, year: int | None,
           skip_heading: bool = False) -> tuple[Part, ...]:
    """Inline enumerations (一是…二是…) inside paragraphs, each as an item part."""
    items: list[Part] = []
    for ln in lines:
        if "是" not in ln.text:  # every mark ends with 是; the pattern is tried at every character
            continue
        offset = len(ln.marker) if skip_heading else 0
        text = ln.text[offset:]
        marks = [m for m in _ITEM.finditer(text)]
        for k, m in enumerate(marks):
            a = ln.start + offset + m.start(1)
            b = ln.start + offset + (marks[k + 1].start(1) if k + 1 < len(marks) else len(text))
            body = text[m.end(1): (marks[k + 1].start(1) if k + 1 < len(marks) else len(text))]
            end = _SENTENCE_END.search(body)
            heading = body[: end.start()] if end and end.start() <= _HEADING_MAX else body[:_HEADING_MAX]
            nested = _nested_role(heading, role, year)
            items.append(Part("item", m.group(1), heading, level, nested or role,
                              RoleSource.NESTED if nested else RoleSource.INHERITED, a, b,
                              f"{path} {m.group(1)}".strip()))
    return tuple(items)


def _sentences(text: str, lines: list[_Line], parts: list[Part]) -> tuple[Sentence, ...]:
    spans: list[tuple[int, int, int]] = []
    for p_index, ln in enumerate(lines):
        pos = ln.start
        for m in _SENTENCE_END.finditer(text, ln.start, ln.end):
            end = m.end()  # one int for this sentence's end and the next one's start
            if end > pos:
                spans.append((pos, end, p_index))
            pos = end
        if pos < ln.end:
            spans.append((pos, ln.end, p_index))
    kept = []
    for start, end, p_index in spans:
        while start < end and text[start] in " \t,":
            start += 1
        if start < end:
            kept.append((start, end, p_index))
    flat = [(top, p) for top in parts for p in top.walk()]
    holders = _innermost(flat, [start for start, _, _ in kept])
    return tuple(Sentence(start, end, p_index, inner.path if inner else "",
                          inner.role if inner else PartRole.OTHER, top.role if top else PartRole.OTHER)
                 for (start, end, p_index), (top, inner) in zip(kept, holders, strict=True))


def _nested_role(heading: str, parent: PartRole, year: int | None) -> PartRole | None:
    """The role a sub-heading or item names, where it is a part later in a report's order than
    its parent's: an item 压实第一责任人职责 among next year's plans is a plan. Under the
    shortcomings a heading that names the account (…履行第一责任人职责情况) is the duties part;
    one that names where the shortcoming lies (第一责任人职责落实方面) is not."""
    nested = nested_role(heading, year)
    if nested is None or nested == parent or _later_part(nested, parent):
        return nested
    if nested == PartRole.DUTIES and parent == PartRole.PROBLEMS and heading.endswith("情况"):
        return nested
    return None


def _ended(part: Part, pos: int) -> bool:
    """Whether a part ends before `pos`. An inline item ends where the next one starts
    (一是…;二是…): the sentence that starts there is the next one's."""
    return part.end < pos or (part.kind == "item" and part.end == pos)


def _innermost(flat: list[tuple[Part, Part]], positions: list[int]) -> list[tuple[Part | None, Part | None]]:
    """For each position, the shortest part that holds it (its end included, an inline
    item's not), the deeper one of two as long, the first one of two as deep; with its
    top-level part.

    One sweep over positions in order: parts enter a heap, shortest first, once they
    start at or before the position, and leave it once they end before it."""
    order = sorted(range(len(flat)), key=lambda k: flat[k][1].start)
    heap: list[tuple[int, int, int]] = []
    out: list[tuple[Part | None, Part | None]] = [(None, None)] * len(positions)
    k = 0
    for q in sorted(range(len(positions)), key=positions.__getitem__):
        pos = positions[q]
        while k < len(order) and flat[order[k]][1].start <= pos:
            part = flat[order[k]][1]
            heapq.heappush(heap, (part.end - part.start, -part.level, order[k]))
            k += 1
        while heap and _ended(flat[heap[0][2]][1], pos):
            heapq.heappop(heap)  # ended before this position, so before every later one
        if heap:
            out[q] = flat[heap[0][2]]
    return out
