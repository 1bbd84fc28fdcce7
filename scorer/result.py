"""A scored report as one versioned JSON document, and atomic writing of outputs.

The same inputs always give byte-identical JSON: keys are sorted, numbers are
rounded, and nothing depends on the clock unless asked for.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import __version__
from .document import Document, load_document
from .outline import document_summary
from .rubric import Rubric
from .rules import PartRule
from .scoring import Score, score_document

SCHEMA = "scorer.result/1"


def build_result(doc: Document, rubric: Rubric, score: Score) -> dict[str, Any]:
    summary = document_summary(doc)
    return {
        "schema": SCHEMA,
        "scorer_version": __version__,
        "input": {"file": Path(doc.path).name, "path": doc.path, "sha256": doc.sha256,
                  "kind": doc.kind, "encoding": doc.encoding, "warnings": list(doc.warnings)},
        "rubric": {"id": rubric.id, "title": rubric.title, "version": rubric.version,
                   "sha256": rubric.sha256, "path": rubric.path},
        "metadata": {k: summary[k] for k in ("title", "region", "city", "province", "level", "year", "year_source",
                                             "issuer", "published", "published_source", "on_time")},
        "flags": summary["flag_details"],
        "parts": summary["parts"],
        "total": score.total,
        "max": score.max_points,
        "areas": [{"id": a.area.id, "title": a.area.title, "points": a.points, "max_points": a.max_points}
                  for a in score.areas],
        "missing_parts": [cs.criterion.id for cs in score.criteria if _is_part(cs) and cs.level == 0],
        "criteria": [
            {
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
            for cs in score.criteria
        ],
    }


def _is_part(cs) -> bool:
    """A criterion that asks whether a required part is there (not how long it is, not metadata)."""
    return any(isinstance(r, PartRule) and not r.min_share for r in cs.criterion.rules) and cs.match.applies


def score_file(path: str | Path, rubric: Rubric) -> dict[str, Any]:
    """Read, score and describe one report."""
    doc = load_document(path)
    return build_result(doc, rubric, score_document(doc, rubric))


def dumps(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write a file so that it is either complete or absent: temp file, fsync, rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
