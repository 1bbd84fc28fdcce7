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

import contextlib
import hashlib
import io
import pickle
import threading
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache, wraps
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .rubric_model import (
    LANGUAGE_KEYS,
    Area,
    Criterion,
    Example,
    Language,
    Level,
    Rubric,
    Whole,
)

if TYPE_CHECKING:
    from .rubric_files import Origins

T = TypeVar("T")

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


PER_RUBRIC = 16  # rubrics whose derived values each `per_rubric` function keeps


def per_rubric(fn: Callable[[Rubric], T]) -> Callable[[Rubric], T]:
    """`fn(rubric)` worked out once per rubric, and found again first by the rubric's identity:
    hashing a rubric (a deep frozen value) costs about 60 µs, and matching asks once a report.
    Equal rubrics loaded apart share one value, found by value as lru_cache finds it."""
    by_value = lru_cache(maxsize=PER_RUBRIC)(fn)
    recent: dict[int, tuple[Rubric, T]] = {}  # id → (the rubric, kept so that its id stays its own; value)
    lock = threading.Lock()  # a library caller may match from threads, as lru_cache allows

    @wraps(fn)
    def cached(rubric: Rubric) -> T:
        seen = recent.get(id(rubric))
        if seen is not None and seen[0] is rubric:
            return seen[1]
        value = by_value(rubric)
        with lock:
            if len(recent) >= PER_RUBRIC:
                del recent[next(iter(recent))]  # the first kept
            recent[id(rubric)] = (rubric, value)
        return value

    return cached


@lru_cache(maxsize=16)
def _load_cached(resolved: str, shown: str, _version: tuple[int, int] | None) -> Rubric:
    cached = _read_cache(resolved)
    if cached is not None:
        return replace(cached, path=shown)
    from .rubric_files import merge_chain

    files: list[tuple[str, str]] = []
    merged, origins, digest = merge_chain(Path(resolved), shown, files=files)
    rubric = _build(merged, origins, shown, digest)
    _write_cache(resolved, files, rubric)
    return rubric


# A valid rubric is cached as built, under SCORER_CACHE_DIR/rubrics/: reading and checking
# its YAML took a tenth of a second at every start. An entry serves only while every file of
# the rubric's chain has the same sha256 and the package's code is the same.
_CACHE_FORMAT = "scorer-rubric/1"
_CACHE_KEEP = 64  # entries, the most recently written


def _cache_file(resolved: str) -> Path | None:
    from .tokens import cache_folder

    folder = cache_folder("rubrics")
    return folder / (hashlib.sha256(resolved.encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".pickle") \
        if folder else None


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """The scorer's version, its source and data files (language.yaml holds a rubric's default
    words) and the versions of Python and of the libraries that normalise text, as the
    document cache keys its entries: a rubric built by other code is never served."""
    from .doccache import code_key

    return code_key()


class _Unpickler(pickle.Unpickler):
    """Builds nothing but the rubric's own classes: the cache folder may be shared."""

    def find_class(self, module: str, name: str):
        if module == "scorer.rubric_model" or module.startswith("scorer.rules."):
            found = super().find_class(module, name)
            if isinstance(found, type):  # a class, never a function to call
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a rubric")


def _same_file(path: str, digest: str) -> bool:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest
    except OSError:
        return False


def _read_cache(resolved: str) -> Rubric | None:
    """The cached rubric for this file, or None (missing, stale or damaged: built again)."""
    file = _cache_file(resolved)
    try:
        if file is None or not file.is_file():
            return None
        form, stamp, files, rubric = _Unpickler(io.BytesIO(file.read_bytes())).load()
    except Exception:  # a damaged entry can fail in any way; it is only rebuilt
        return None
    if form != _CACHE_FORMAT or stamp != _code_stamp() or not isinstance(rubric, Rubric) \
            or not files or files[0][0] != resolved or not all(_same_file(p, d) for p, d in files):
        return None
    return rubric


def _write_cache(resolved: str, files: list[tuple[str, str]], rubric: Rubric) -> None:
    from .errors import UserError
    from .files import write_atomic

    file = _cache_file(resolved)
    if file is None:
        return
    with contextlib.suppress(OSError, UserError):  # a read-only cache only costs time
        write_atomic(file, pickle.dumps((_CACHE_FORMAT, _code_stamp(), files, rubric), protocol=5))
        entries = sorted(file.parent.glob("*.pickle"), key=lambda f: f.stat().st_mtime_ns)
        for old in entries[:-_CACHE_KEEP]:  # rubrics in passing folders (tests, tmp) come and go
            old.unlink()


def _build(doc: dict, origins: Origins, file: str, digest: str) -> Rubric:
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
    from .rubric_model import TOP_KEYS

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
