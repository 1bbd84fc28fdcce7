"""Rubrics: YAML files evaluators edit. Loading, inheritance and validation.

A rubric has metadata (id, title, version, sources), a level scale, areas with
points, the criteria (each with rules and examples), optional `wholes` (a
whole named as one, e.g. 三项制度, and its member criteria) and optional
`language` overrides (the words that decide levels). `extends: other.yaml`
builds on another rubric (see rubric_files.py).
Every problem is reported with file:line:col, the key, the bad value, the
allowed values and a did-you-mean.

What a rubric holds is in rubric_model.py, how each section is checked in
rubric_checks.py (the rules: scorer/rules/); this module reads and assembles.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import RubricError
from .rubric_checks import (
    Problems,
    check_areas,
    check_criteria,
    check_language,
    check_levels,
    check_wholes,
    number,
    str_list,
)
from .rubric_files import Origins, merge_chain
from .rubric_model import (
    LANGUAGE_KEYS,
    TOP_KEYS,
    Area,
    Criterion,
    Example,
    Language,
    Level,
    Rubric,
    Whole,
)

__all__ = ["LANGUAGE_KEYS", "Area", "Criterion", "Example", "Language", "Level", "Rubric", "Whole",
           "default_rubric_path", "load_rubric"]


def default_rubric_path() -> Path:
    """The shipped default rubric: rubrics/fazhi-annual.yaml beside the package."""
    here = Path(__file__).resolve().parent.parent / "rubrics" / "fazhi-annual.yaml"
    return here


def load_rubric(path: str | Path | None = None) -> Rubric:
    """Load, merge (`extends`) and validate a rubric. Raises RubricError listing every problem."""
    path = Path(path) if path else default_rubric_path()
    if not path.exists():
        return _load_cached(str(path), str(path), None)
    stat = path.stat()  # an edited rubric is read again
    return _load_cached(str(path.resolve()), str(path), (stat.st_size, stat.st_mtime_ns))


@lru_cache(maxsize=16)
def _load_cached(resolved: str, shown: str, _version: tuple[int, int] | None) -> Rubric:
    merged, origins, digest = merge_chain(Path(resolved), shown)
    return _build(merged, origins, shown, digest)


def _build(doc: dict, origins: Origins, file: str, digest: str) -> Rubric:
    p = Problems(origins, file)
    p.unknown_keys((), doc, TOP_KEYS)
    for key in ("id", "title", "version"):
        if not isinstance(doc.get(key), (str, int, float)) or isinstance(doc.get(key), bool) or str(doc.get(key)).strip() == "":
            p.add((key,), f"required: a {key} for the rubric" if key not in doc else f"expected text, got {doc.get(key)!r}")
    total = doc.get("total", 100)
    if not number(total) or total <= 0:
        p.add(("total",), f"expected a positive number of points, got {total!r}")
        total = 100
    levels = check_levels(p, doc.get("levels"))
    areas = check_areas(p, doc.get("areas"), total)
    language = check_language(p, doc.get("language") or {})
    criteria = check_criteria(p, doc.get("criteria"), areas)
    wholes = check_wholes(p, doc.get("wholes") or [], criteria)
    if p.items:
        raise RubricError(p.items, path=file)
    return Rubric(
        id=str(doc["id"]), title=str(doc["title"]), version=str(doc["version"]),
        description=str(doc.get("description") or ""), total=float(total),
        sources=str_list(p, ("sources",), doc.get("sources") or [], allow_empty=True, words=False),
        levels=levels, areas=areas, criteria=criteria, wholes=wholes, language=language,
        path=file, sha256=digest,
    )
