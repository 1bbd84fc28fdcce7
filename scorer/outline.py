"""A Document as a summary: the JSON of `scorer inspect --json` and its text tree."""

from __future__ import annotations

from typing import Any

from .document import Document
from .structure import ROLE_LABELS, Part


def document_summary(doc: Document) -> dict[str, Any]:
    m = doc.metadata
    return {
        "file": doc.path,
        "sha256": doc.sha256,
        "kind": doc.kind,
        "encoding": doc.encoding,
        "title": m.title,
        "region": m.region,
        "city": m.city,
        "province": m.province,
        "level": m.level,
        "year": m.year,
        "year_source": m.year_source,
        "issuer": m.issuer,
        "published": m.published,
        "published_source": m.published_source,
        "on_time": m.on_time,
        "flags": doc.flag_names(),
        "flag_details": [
            {"name": f.name, "message": f.message,
             "quotes": [doc.quote(a, b) for a, b in f.spans[:5]]}
            for f in doc.flags
        ],
        "warnings": list(doc.warnings),
        "parts": [_part(p) for p in doc.parts],
    }


def _part(part: Part) -> dict[str, Any]:
    return {
        "heading": part.heading,
        "marker": part.marker,
        "path": part.path,
        "kind": part.kind,
        "role": part.role.value,
        "role_source": part.role_source.value,
        "level": part.level,
        "children": [_part(c) for c in part.children if c.kind != "item" or c.role_source.value == "nested"],
    }


_LEVEL_WORDS = {"province": "省级", "city": "市级", "county": "县级", "department": "部门"}


def _place_note(m) -> str:
    """(县级 · 重庆市): the level and the governments above, where known."""
    words = [_LEVEL_WORDS.get(m.level or "", "")] + [n for n in dict.fromkeys((m.city, m.province)) if n]
    words = [w for w in words if w and w != m.region]
    return f" ({' · '.join(words)})" if words else ""


def outline_lines(doc: Document, max_level: int = 2) -> list[str]:
    """Metadata, flags and the parts as an indented tree."""
    m = doc.metadata
    on_time = {True: "按时", False: "逾期", None: "未注明"}[m.on_time]
    lines = [
        doc.path,
        f"  地区 {m.region or '?'}{_place_note(m)}  年度 {m.year or '?'}  发布 {m.published or '未注明'} ({on_time})",
        f"  发文 {m.issuer or '未注明'}  标题 {m.title or '未注明'}",
        f"  读取 {doc.kind}" + (f" {doc.encoding}" if doc.encoding else ""),
    ]
    for flag in doc.flags:
        quote = doc.quote(*flag.spans[0]).strip()[:30] if flag.spans else ""
        lines.append(f"  ⚠ {flag.name}: {flag.message}" + (f" 「{quote}」" if quote else ""))
    for warning in doc.warnings:
        lines.append(f"  ⚠ {warning}")
    for top in doc.parts:
        for part in top.walk():
            if part.level > max_level and part.role_source.value != "nested":
                continue
            if part.kind == "item" and part.role_source.value != "nested":
                continue
            label = ROLE_LABELS[part.role]
            title = part.heading if part.kind in ("heading", "item") else ""
            lines.append(f"  {'  ' * part.level}{part.path} {title[:36]}  [{part.role.value} {label}·{part.role_source.value}]")
    return lines
