"""A Document as a summary: the JSON of `scorer inspect --json` and its text tree."""

from __future__ import annotations

from typing import Any

from .document import Document
from .files import show_name
from .labels import GOVERNMENT_LEVELS, ON_TIME, UNKNOWN
from .result import document_flags, document_metadata, part_tree
from .structure import ROLE_LABELS


def document_summary(doc: Document) -> dict[str, Any]:
    """What `scorer inspect --json` prints: a result's metadata, flags and parts, and how the file was read."""
    return {
        "file": doc.path,
        "sha256": doc.sha256,
        "kind": doc.kind,
        "encoding": doc.encoding,
        **document_metadata(doc),
        "flags": doc.flag_names(),
        "flag_details": document_flags(doc),
        "warnings": list(doc.warnings),
        "parts": [part_tree(p) for p in doc.parts],
    }


def _place_note(m) -> str:
    """（县级 · 重庆市）: the level and the governments above, where known."""
    words = [GOVERNMENT_LEVELS.get(m.level or "", "")] + [n for n in dict.fromkeys((m.city, m.province)) if n]
    words = [w for w in words if w and w != m.region]
    return f"（{' · '.join(words)}）" if words else ""


def outline_lines(doc: Document, max_level: int = 2) -> list[str]:
    """Metadata, flags and the parts as an indented tree."""
    m = doc.metadata
    on_time = ON_TIME[m.on_time]
    lines = [
        show_name(doc.path),
        f"  地区 {m.region or '?'}{_place_note(m)}  年度 {m.year or '?'}  发布 {m.published or UNKNOWN}（{on_time}）",
        f"  发文 {m.issuer or UNKNOWN}  标题 {m.title or UNKNOWN}",
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
