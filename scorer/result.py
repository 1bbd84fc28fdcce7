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
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import UserError
from .files import to_json, to_json_bytes

if TYPE_CHECKING:
    from .document import Document
    from .matcher import Evidence, Rejected
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
        "evidence": [_flat(e) for e in cs.match.evidence],
        "rejected": [_flat(r) for r in cs.match.rejected],
    }


def _flat(item: Evidence | Rejected) -> dict[str, Any]:
    """A quote's fields as JSON holds them (dataclasses.asdict, without its deep copies)."""
    return {f.name: getattr(item, f.name) for f in fields(item)} | {"terms": list(item.terms)}


def document_metadata(doc: Document) -> dict[str, Any]:
    """What the report says about itself (the `metadata` of a result)."""
    return {key: getattr(doc.metadata, key) for key in METADATA_KEYS}


def document_flags(doc: Document) -> list[dict[str, Any]]:
    """Hygiene flags with their messages, up to five quotes each, how many passages were found
    and where (so that a scorecard can say how often and where, not only one example)."""
    return [{"name": f.name, "message": f.message, "quotes": [doc.quote(a, b) for a, b in f.spans[:5]],
             "count": len(f.spans), "places": flag_places(doc, f.spans)} for f in doc.flags]


def flag_places(doc: Document, spans: tuple[tuple[int, int], ...], limit: int = 10) -> list[dict[str, Any]]:
    """The part (its path) and paragraph (1 = the report's first) of each flagged passage, once each."""
    import bisect

    starts = [a for a, _ in doc.paragraphs]
    parts = [p for top in doc.parts for p in top.walk()]
    places: list[dict[str, Any]] = []
    for a, _ in spans:
        holding = [p for p in parts if p.start <= a < p.end]
        place = {"part": max(holding, key=lambda p: p.level).path if holding else "",
                 "paragraph": max(bisect.bisect_right(starts, a), 1)}
        if place not in places:
            places.append(place)
            if len(places) == limit:  # stuffing may flag thousands of passages: the first places say where
                break
    return places


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


def dumps_bytes(result: dict[str, Any]) -> bytes:
    """result.json as written."""
    return to_json_bytes(result)


def load_result(path: str | Path) -> dict[str, Any]:
    """A result.json read back and checked (its schema, its sums and its points): a UserError
    naming the file when it is not one, or is damaged, even when still valid JSON."""
    path = Path(path)
    try:
        result = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise UserError(f"cannot read a result: {exc}", path=str(path)) from None
    if not isinstance(result, dict) or result.get("schema") != SCHEMA:
        raise UserError(f"not a scorer result ({SCHEMA}); score the report first", path=str(path))
    problem = check_result(result)
    if problem:
        raise UserError(f"a damaged result ({problem}); score the report again", path=str(path))
    return result


_NUMBER = (int, float)
_TOP = {"input": dict, "rubric": dict, "metadata": dict, "flags": list, "parts": list, "total": _NUMBER,
        "max": _NUMBER, "areas": list, "criteria": list, "missing_parts": list}
_INPUT = {"file": str, "path": str, "sha256": str}
_RUBRIC = {"id": str, "title": str, "version": str, "sha256": str}
_AREA = {"id": str, "title": str, "points": _NUMBER, "max_points": _NUMBER}
_CRITERION = {"id": str, "title": str, "area": str, "level": int, "top_level": int, "points": _NUMBER,
              "max_points": _NUMBER, "evidence": list, "rejected": list}
_EVIDENCE = {"quote": str, "part_path": str}
_FLAG = {"name": str, "message": str, "quotes": list}


def _misfit(value: Any, shape: dict[str, Any], where: str) -> str | None:
    """The first key of `shape` missing from `value` or of another type, or None."""
    if not isinstance(value, dict):
        return f"{where} is not a mapping"
    for key, kind in shape.items():
        if key not in value:
            return f"{where}{key} is missing"
        if not isinstance(value[key], kind) or (kind is _NUMBER and isinstance(value[key], bool)):
            return f"{where}{key} is not a {kind.__name__ if isinstance(kind, type) else 'number'}"
    return None


def check_result(result: dict[str, Any]) -> str | None:
    """What is wrong with a result read back, or None: a key missing or of another type,
    areas that do not add up to the total, points that do not follow levels."""
    problem = (_misfit(result, _TOP, "") or _misfit(result["input"], _INPUT, "input.")
               or _misfit(result["rubric"], _RUBRIC, "rubric.")
               or next(filter(None, (_misfit(a, _AREA, "areas[].") for a in result["areas"])), None)
               or next(filter(None, (_misfit(c, _CRITERION, "criteria[].") for c in result["criteria"])), None)
               or next(filter(None, (_misfit(e, _EVIDENCE, "evidence[].") for c in result["criteria"]
                                     for e in c["evidence"])), None)
               or next(filter(None, (_misfit(f, _FLAG, "flags[].") for f in result["flags"])), None))
    if problem:
        return problem
    missing = [k for k in METADATA_KEYS if k not in result["metadata"]]
    if missing:
        return f"metadata.{missing[0]} is missing"
    optional = (("reviewed", result, "reviewed", dict), ("input.warnings", result["input"], "warnings", list),
                ("rubric.levels", result["rubric"], "levels", list))  # absent from older results
    problem = next((f"{label} is not a {kind.__name__}" for label, where, key, kind in optional
                    if key in where and not isinstance(where[key], kind)), None)
    if not problem and any(_misfit(lv, {"level": int, "name": str}, "") for lv in result["rubric"].get("levels", [])):
        problem = "rubric.levels[] is not a level with its name"
    return problem or _sums_problem(result)


_CENT = 0.011  # every sum is rounded to hundredths


def _sums_problem(result: dict[str, Any]) -> str | None:
    for c in result["criteria"]:
        level = effective_level(c)
        if not (0 <= level <= max(c["top_level"], 0) and 0 <= c["points"] <= c["max_points"] + _CENT):
            return f"criterion {c['id']}: level {level} or points {c['points']} out of range"
        if (level == 0 and c["points"]) or (level == c["top_level"] and abs(c["points"] - c["max_points"]) > _CENT):
            return f"criterion {c['id']}: {c['points']} points do not follow level {level}"
    for a in result["areas"]:
        own = [c for c in result["criteria"] if c["area"] == a["id"]]
        if abs(sum(c["points"] for c in own) - a["points"]) > _CENT * max(1, len(own)):
            return f"area {a['id']}: its criteria do not add up to {a['points']}"
    if abs(sum(a["points"] for a in result["areas"]) - result["total"]) > _CENT * max(1, len(result["areas"])):
        return f"the areas do not add up to the total {result['total']}"
    if abs(sum(a["max_points"] for a in result["areas"]) - result["max"]) > _CENT * max(1, len(result["areas"])):
        return f"the areas do not add up to the maximum {result['max']}"
    return None


def effective_level(criterion: dict[str, Any]) -> Any:
    """The level that counts: the evaluator's when reviewed, else the machine's."""
    review = criterion.get("review")
    return review["level"] if isinstance(review, dict) and type(review.get("level")) is int else criterion["level"]


def points_follow_rubric(result: dict[str, Any], rubric: Rubric) -> bool:
    """Whether every criterion is the rubric's, and its points, the areas' and the total are
    what its levels earn under the rubric."""
    from .scoring import area_points, criterion_points

    if [c["id"] for c in result["criteria"]] != [c.id for c in rubric.criteria]:
        return False
    levels = {c["id"]: effective_level(c) for c in result["criteria"] if c.get("applies", True)}
    if any(abs(c["points"] - criterion_points(rubric, rubric.criterion(c["id"]), effective_level(c))) > 0.001
           for c in result["criteria"]):
        return False
    areas, total = area_points(rubric, levels)
    return (abs(total - result["total"]) <= 0.001
            and all(abs(areas.get(a["id"], -1) - a["points"]) <= 0.001 for a in result["areas"]))


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
    return hashlib.sha256(dumps_bytes(result)).hexdigest()
