"""A scored report as one versioned JSON document, `result.json`: the boundary between
scoring and everything that follows (ranking, scorecards, exports, reuse).

This module owns the schema: it builds a result from a Document and its Score,
checks one read back (`load_result`), and records the facts a batch adds to a
report (`with_copies`). The same inputs always give byte-identical JSON: keys
are sorted, numbers are rounded, and nothing depends on the clock.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import UserError
from .files import to_json

if TYPE_CHECKING:
    from .document import Document
    from .rubric import Rubric
    from .scoring import CriterionScore, Score
    from .structure import Part

SCHEMA = "scorer.result/1"
COPIED = "copied_text"  # the batch-level flag: passages shared with another report of the batch
METADATA_KEYS = ("title", "region", "city", "province", "level", "year", "year_source",
                 "issuer", "published", "published_source", "on_time")


def build_result(doc: Document, rubric: Rubric, score: Score) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "scorer_version": __version__,
        "input": {"file": Path(doc.path).name, "path": doc.path, "sha256": doc.sha256,
                  "kind": doc.kind, "encoding": doc.encoding, "warnings": list(doc.warnings)},
        "rubric": {"id": rubric.id, "title": rubric.title, "version": rubric.version,
                   "sha256": rubric.sha256, "path": rubric.path,
                   "levels": [{"level": lv.level, "name": lv.name} for lv in rubric.levels]},
        "metadata": document_metadata(doc),
        "flags": document_flags(doc),
        "parts": [part_tree(p) for p in doc.parts],
        "total": score.total,
        "max": score.max_points,
        "areas": [{"id": a.area.id, "title": a.area.title, "points": a.points, "max_points": a.max_points}
                  for a in score.areas],
        "missing_parts": [cs.criterion.id for cs in score.criteria if _is_part(cs) and cs.level == 0],
        "criteria": [_criterion(cs, rubric) for cs in score.criteria],
    }


def _criterion(cs: CriterionScore, rubric: Rubric) -> dict[str, Any]:
    return {
        "id": cs.criterion.id,
        "title": cs.criterion.title,
        "area": cs.criterion.area,
        "level": cs.level,
        "level_name": rubric.level(cs.level).name,
        "top_level": cs.top_level,
        "points": cs.points,
        "max_points": cs.max_points,
        "applies": cs.match.applies,
        "summary": cs.match.summary,
        "message": cs.criterion.message,
        "evidence": [asdict(e) | {"terms": list(e.terms)} for e in cs.match.evidence],
        "rejected": [asdict(r) | {"terms": list(r.terms)} for r in cs.match.rejected],
    }


def document_metadata(doc: Document) -> dict[str, Any]:
    """What the report says about itself (the `metadata` of a result)."""
    return {key: getattr(doc.metadata, key) for key in METADATA_KEYS}


def document_flags(doc: Document) -> list[dict[str, Any]]:
    """Hygiene flags with their messages and up to five quotes each."""
    return [{"name": f.name, "message": f.message, "quotes": [doc.quote(a, b) for a, b in f.spans[:5]]}
            for f in doc.flags]


def part_tree(part: Part) -> dict[str, Any]:
    """A part and the parts below it (items only where they carry a role of their own)."""
    return {
        "heading": part.heading,
        "marker": part.marker,
        "path": part.path,
        "kind": part.kind,
        "role": part.role.value,
        "role_source": part.role_source.value,
        "level": part.level,
        "children": [part_tree(c) for c in part.children if c.kind != "item" or c.role_source.value == "nested"],
    }


def _is_part(cs: CriterionScore) -> bool:
    """A criterion that asks whether a required part is there (not how long it is, not metadata)."""
    from .rules import PartRule

    return any(isinstance(r, PartRule) and not r.min_share for r in cs.criterion.rules) and cs.match.applies


def dumps(result: dict[str, Any]) -> str:
    """result.json's text."""
    return to_json(result)


def load_result(path: str | Path) -> dict[str, Any]:
    """A result.json read back and checked: a UserError naming the file when it is not one."""
    path = Path(path)
    try:
        result = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"cannot read a result: {exc}", path=str(path)) from None
    missing = [k for k in ("input", "rubric", "metadata", "flags", "total", "max", "areas", "criteria")
               if not isinstance(result, dict) or k not in result]
    if not isinstance(result, dict) or result.get("schema") != SCHEMA or missing:
        raise UserError(f"not a scorer result ({SCHEMA}); score the report first", path=str(path))
    return result


def copies_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The reports of the last batch this one shares passages with (empty when none)."""
    return next((f["copies"] for f in result["flags"] if f["name"] == COPIED), [])


def with_copies(result: dict[str, Any], copies: list[dict[str, Any]]) -> dict[str, Any]:
    """The result with its batch's copied-text finding in place of any earlier one.

    Each copy: the other report's folder name, file and region, the share of this
    report's text the shared passages cover, and up to three passages as written.
    """
    flags = [f for f in result["flags"] if f["name"] != COPIED]
    if copies:
        flags.append({"name": COPIED, "message": "与本批其他报告共有大段相同文字",
                      "quotes": [c["passages"][0] for c in copies], "copies": copies})
    return result | {"flags": flags}


def digest(result: dict[str, Any]) -> str:
    """The sha256 of a result as result.json holds it: what its scorecards were rendered from."""
    return hashlib.sha256(dumps(result).encode("utf-8")).hexdigest()
