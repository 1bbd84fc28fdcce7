"""Rubrics: YAML files evaluators edit. Loading, inheritance and validation.

A rubric has metadata (id, title, version, sources), a level scale, areas with
points, the criteria (each with rules and examples), optional `wholes` (a
whole named as one, e.g. 三项制度, and its member criteria) and optional
`language` overrides (the words that decide levels). `extends: other.yaml`
builds on another rubric (see rubric_files.py).
Every problem is reported with file:line:col, the key, the bad value, the
allowed values and a did-you-mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import RubricError, did_you_mean
from .rubric_files import EDIT_KEYS, Origins, merge_chain, where
from .rules import (
    RULE_KINDS,
    DocumentRule,
    Rule,
    build_rule,
    checked_patterns,
    list_form_hint,
    list_problem,
    norm_term,
    parse_years,
)
from .structure import PartRole
from .yamlpos import load_yaml

ROLES = tuple(r.value for r in PartRole)
DEFAULT_SCOPE = ("achievements", "duties", "other")
DEFAULT_LEVELS = (
    {"level": 0, "name": "未体现", "share": 0.0},
    {"level": 1, "name": "泛泛提及", "share": 1 / 3},
    {"level": 2, "name": "具体举措", "share": 2 / 3},
    {"level": 3, "name": "量化成效", "share": 1.0},
)
TOP_KEYS = ("id", "title", "version", "description", "total", "sources", "levels", "areas",
            "criteria", "wholes", "language", "extends", "remove")
AREA_KEYS = ("id", "title", "points", "description")
CRITERION_KEYS = ("id", "title", "area", "points", "scope", "rules", "message", "source",
                  "examples", "unless", "description", "years")
EXAMPLE_KEYS = ("text", "level", "note")
LEVEL_KEYS = ("level", "name", "share")
WHOLE_KEYS = ("name", "terms", "members")
LANGUAGE_KEYS = ("negations", "future", "actions", "concrete", "counters", "honours", "set_phrases",
                 "formulas", "agenda_verbs", "agenda_ends", "study_verbs", "plan_nouns",
                 "continuations")


@dataclass(frozen=True)
class Level:
    level: int
    name: str
    share: float


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    points: float
    description: str = ""


@dataclass(frozen=True)
class Example:
    text: str
    level: int
    note: str = ""


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    area: str
    points: float
    scope: tuple[str, ...]
    rules: tuple[Rule, ...]
    message: str
    source: str
    examples: tuple[Example, ...]
    unless: tuple[str, ...] = ()
    description: str = ""
    years: tuple[int | None, int | None] = (None, None)  # the covered years it applies to

    @property
    def document_rule(self) -> DocumentRule | None:
        """The rule that judges the document as a whole (it stands alone), if any."""
        return next((r for r in self.rules if isinstance(r, DocumentRule)), None)

    @property
    def is_structure(self) -> bool:
        return self.document_rule is not None

    @property
    def top_level(self) -> int:
        """The highest level the criterion's rules reach (a document kind's 2, else 3)."""
        return max((r.top_level for r in self.rules), default=3)


@dataclass(frozen=True)
class Whole:
    """A whole named as one (三项制度): each member gets level 1 from it unless the
    same paragraph reports members on their own (then the paragraph is the breakdown)."""

    name: str
    terms: tuple[str, ...]
    members: tuple[str, ...]


@dataclass(frozen=True)
class Language:
    negations: tuple[str, ...]
    future: tuple[str, ...]
    actions: tuple[str, ...]
    concrete: tuple[str, ...]
    counters: tuple[str, ...]
    honours: tuple[str, ...]
    set_phrases: tuple[str, ...]
    formulas: tuple[str, ...]  # regular expressions, one per kind of ritual clause
    agenda_verbs: tuple[str, ...]
    agenda_ends: tuple[str, ...]
    study_verbs: tuple[str, ...]
    plan_nouns: tuple[str, ...]
    continuations: tuple[str, ...]


@dataclass(frozen=True)
class Rubric:
    id: str
    title: str
    version: str
    description: str
    total: float
    sources: tuple[str, ...]
    levels: tuple[Level, ...]
    areas: tuple[Area, ...]
    criteria: tuple[Criterion, ...]
    wholes: tuple[Whole, ...]
    language: Language
    path: str
    sha256: str  # of the rubric file and every file it extends

    def level(self, n: int) -> Level:
        return next(lv for lv in self.levels if lv.level == n)

    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)


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


class _Problems:
    def __init__(self, origins: Origins, file: str) -> None:
        self.origins = origins  # where each merged value was written: the child or a parent
        self.file = file
        self.items: list[str] = []

    def where(self, path: tuple) -> str:
        return where(self.origins, path, self.file)

    def in_parent(self, path: tuple) -> bool:
        """Whether the value at `path` was inherited: written in a parent, not in this file."""
        return not self.where(path).startswith(f"{self.file}:")

    def edited(self, path: tuple, candidates) -> tuple:
        """A problem with an inherited value that the child's edits caused (a sum that no longer
        adds up) is shown at the first of `candidates` the child wrote, so the evaluator looks
        at their own file; else at `path`."""
        if self.in_parent(path):
            return next((c for c in candidates if not self.in_parent(c)), path)
        return path

    def add(self, path: tuple, message: str) -> None:
        key = ".".join(str(p) for p in path) or "(top)"
        self.items.append(f"{self.where(path)}: {key}: {message}")

    def bad_value(self, path: tuple, value: Any, allowed, what: str = "") -> None:
        allowed = list(allowed)
        self.add(path, f"{what or 'bad value'} {value!r}; allowed: {', '.join(map(str, allowed))}"
                 + did_you_mean(str(value), allowed))

    def unknown_keys(self, path: tuple, mapping: dict, allowed) -> None:
        for key in mapping:
            if key not in allowed:
                self.add(path + (key,), f"unknown key '{key}'; allowed: {', '.join(allowed)}" + did_you_mean(str(key), allowed))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _str_list(p: _Problems, path: tuple, value: Any, *, allow_empty: bool = False,
              words: bool = True) -> tuple[str, ...]:
    # A single word stands for a list of one; words separated by commas are a
    # list without brackets (`words=False` for free text such as sources).
    if isinstance(value, str) and not (words and list_form_hint(value)):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        p.add(path, list_problem(path, value))
        return ()
    if not value and not allow_empty:
        p.add(path, "the list is empty")
    return tuple(v.strip() for v in value)


@lru_cache(maxsize=1)
def default_language() -> dict:
    text = resources.files("scorer.data").joinpath("language.yaml").read_text("utf-8")
    return load_yaml(text, "scorer/data/language.yaml").value


def _build(doc: dict, origins: Origins, file: str, digest: str) -> Rubric:
    p = _Problems(origins, file)
    p.unknown_keys((), doc, TOP_KEYS)
    for key in ("id", "title", "version"):
        if not isinstance(doc.get(key), (str, int, float)) or isinstance(doc.get(key), bool) or str(doc.get(key)).strip() == "":
            p.add((key,), f"required: a {key} for the rubric" if key not in doc else f"expected text, got {doc.get(key)!r}")
    total = doc.get("total", 100)
    if not _number(total) or total <= 0:
        p.add(("total",), f"expected a positive number of points, got {total!r}")
        total = 100
    levels = _levels(p, doc.get("levels"))
    areas = _areas(p, doc.get("areas"), total)
    language = _language(p, doc.get("language") or {})
    criteria = _criteria(p, doc.get("criteria"), areas, levels)
    wholes = _wholes(p, doc.get("wholes") or [], criteria)
    if p.items:
        raise RubricError(p.items, path=file)
    return Rubric(
        id=str(doc["id"]), title=str(doc["title"]), version=str(doc["version"]),
        description=str(doc.get("description") or ""), total=float(total),
        sources=_str_list(p, ("sources",), doc.get("sources") or [], allow_empty=True, words=False),
        levels=levels, areas=areas, criteria=criteria, wholes=wholes, language=language,
        path=file, sha256=digest,
    )


def _levels(p: _Problems, raw: Any) -> tuple[Level, ...]:
    if raw is None:
        return tuple(Level(**lv) for lv in DEFAULT_LEVELS)
    if not isinstance(raw, list) or not raw:
        p.add(("levels",), "expected a list of levels: {level, name, share}")
        return tuple(Level(**lv) for lv in DEFAULT_LEVELS)
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            p.add(("levels", i), f"expected a mapping {{level, name, share}}, got {item!r}")
            continue
        p.unknown_keys(("levels", i), item, LEVEL_KEYS)
        level, name, share = item.get("level"), item.get("name"), item.get("share")
        if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 3:
            p.bad_value(("levels", i, "level"), level, range(4), "level")
            continue
        if not _number(share) or not 0 <= share <= 1:
            p.add(("levels", i, "share"), f"expected a share of the criterion's points between 0 and 1, got {share!r}")
            continue
        out.append(Level(level, str(name or level), float(share)))
    if sorted(lv.level for lv in out) != list(range(len(out))) or (out and len(out) != 4):
        p.add(("levels",), "the scale needs levels 0, 1, 2 and 3, each once")
    return tuple(sorted(out, key=lambda lv: lv.level)) or tuple(Level(**lv) for lv in DEFAULT_LEVELS)


def _areas(p: _Problems, raw: Any, total: float) -> tuple[Area, ...]:
    if not isinstance(raw, list) or not raw:
        p.add(("areas",), "required: a list of areas {id, title, points}")
        return ()
    out: list[Area] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            p.add(("areas", i), f"expected a mapping {{id, title, points}}, got {item!r}")
            continue
        p.unknown_keys(("areas", i), item, AREA_KEYS)
        points = item.get("points")
        if not isinstance(item.get("id"), str):
            p.add(("areas", i, "id"), f"expected an id, got {item.get('id')!r}")
            continue
        if any(a.id == item["id"] for a in out):
            p.add(("areas", i, "id"), f"duplicate area id '{item['id']}'")
        if not _number(points) or points < 0:
            p.add(("areas", i, "points"), f"expected a number of points ≥ 0, got {points!r}")
            points = 0
        out.append(Area(item["id"], str(item.get("title") or item["id"]), float(points), str(item.get("description") or "")))
    area_sum = sum(a.points for a in out)
    if out and abs(area_sum - total) > 1e-6:
        at = p.edited(("areas",), [("total",)] + [("areas", i, "points") for i in range(len(raw))])
        p.add(at, f"the areas' points add up to {area_sum:g}, not the rubric's total {total:g}")
    return tuple(out)


def _language(p: _Problems, raw: Any) -> Language:
    base = dict(default_language())
    if not isinstance(raw, dict):
        p.add(("language",), f"expected a mapping of word lists ({', '.join(LANGUAGE_KEYS)})")
        raw = {}
    p.unknown_keys(("language",), raw, LANGUAGE_KEYS)
    values = {}
    for key in LANGUAGE_KEYS:
        value = raw.get(key, base.get(key, []))
        if key == "formulas":
            values[key] = tuple(checked_patterns(value, ("language", key), p))
        else:  # matched in normalised text, like rule terms
            words = _str_list(p, ("language", key), value, allow_empty=True)
            values[key] = tuple(dict.fromkeys(norm_term(w) for w in words))
    return Language(**values)


def _criteria(p: _Problems, raw: Any, areas: tuple[Area, ...], levels) -> tuple[Criterion, ...]:
    if not isinstance(raw, list) or not raw:
        p.add(("criteria",), "required: a list of criteria")
        return ()
    area_ids = [a.id for a in areas]
    out: list[Criterion] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        path = ("criteria", i)
        if not isinstance(item, dict):
            p.add(path, f"expected a mapping (id, title, area, points, rules, examples …), got {item!r}")
            continue
        p.unknown_keys(path, item, CRITERION_KEYS + EDIT_KEYS)
        cid = item.get("id")
        if not isinstance(cid, str) or not cid.strip():
            p.add(path + ("id",), f"required: a stable dotted id such as 'enforcement.publicity', got {cid!r}")
            continue
        if cid in seen:
            p.add(path + ("id",), f"duplicate criterion id '{cid}' (also criteria[{seen[cid]}])")
        seen[cid] = i
        area = item.get("area")
        if area not in area_ids:
            p.bad_value(path + ("area",), area, area_ids, "unknown area")
        points = item.get("points")
        if not _number(points) or points < 0:
            p.add(path + ("points",), f"expected a number of points ≥ 0, got {points!r}")
            points = 0
        scope = item.get("scope", list(DEFAULT_SCOPE))
        scope_t = _str_list(p, path + ("scope",), scope)
        for j, role in enumerate(scope_t):
            if role not in ROLES:
                p.bad_value(path + ("scope", j), role, ROLES, "unknown part role")
        rules_raw = item.get("rules")
        rules: list[Rule] = []
        if not isinstance(rules_raw, list) or not rules_raw:
            p.add(path + ("rules",), f"required: a list of rules, each of one kind: {', '.join(RULE_KINDS)}")
        else:
            for j, rule_raw in enumerate(rules_raw):
                rule = build_rule(rule_raw, path + ("rules", j), p)
                if rule is not None:
                    rules.append(rule)
        examples = _examples(p, path, item.get("examples"))
        _stand_alone(p, path, cid, rules)
        for key in (k for k in EDIT_KEYS if k in item):  # left over: nothing inherited to edit
            p.add(path + (key,), f"'{cid}' is not inherited from a parent rubric, so there is nothing to edit; "
                  f"{key} works in a rubric that `extends` another. Write its words in rules: "
                  "(e.g. rules: [{terms: [词, …]}]) or unless: instead")
        unless = tuple(norm_term(w) for w in _str_list(p, path + ("unless",), item.get("unless") or [], allow_empty=True))
        out.append(Criterion(
            id=cid, title=str(item.get("title") or cid), area=str(area), points=float(points),
            scope=scope_t or DEFAULT_SCOPE, rules=tuple(rules), message=str(item.get("message") or ""),
            source=str(item.get("source") or ""), examples=examples, unless=unless,
            description=str(item.get("description") or ""),
            years=parse_years(item.get("years"), path + ("years",), p),
        ))
    for area in areas:
        got = sum(c.points for c in out if c.area == area.id)
        if abs(got - area.points) > 1e-6:
            at = ("areas", area_ids.index(area.id), "points")
            mine = [("criteria", i, "points") for i, c in enumerate(raw) if isinstance(c, dict) and c.get("area") == area.id]
            shown = p.edited(at, mine)
            p.add(shown, f"area '{area.id}' has {area.points:g} points"
                  + (f" (at {p.where(at)})" if shown != at else "") + f" but its criteria add up to {got:g}")
    return tuple(out)


def _stand_alone(p: _Problems, path: tuple, cid: str, rules: list[Rule]) -> None:
    """`part` and `metadata` judge the whole document: a criterion holding one has no other rule."""
    kinds = [r.kind for r in rules]
    whole = [k for k in kinds if k in ("part", "metadata")]
    if whole and len(kinds) > 1:
        p.add(path + ("rules",), f"criterion '{cid}' mixes the kinds {', '.join(kinds)}: document-level kinds "
              "(part, metadata) stand alone; give each its own criterion")


def _examples(p: _Problems, path: tuple, raw: Any) -> tuple[Example, ...]:
    if not isinstance(raw, list) or not raw:
        p.add(path + ("examples",), "required: examples, at least one that scores (level > 0) and one that must not (level 0)")
        return ()
    out = []
    for k, ex in enumerate(raw):
        if not isinstance(ex, dict) or not isinstance(ex.get("text"), str):
            p.add(path + ("examples", k), f"expected {{text: ..., level: 0-3}}, got {ex!r}")
            continue
        p.unknown_keys(path + ("examples", k), ex, EXAMPLE_KEYS)
        level = ex.get("level")
        if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 3:
            p.bad_value(path + ("examples", k, "level"), level, range(4), "level")
            continue
        out.append(Example(ex["text"], level, str(ex.get("note") or "")))
    if out and not any(e.level > 0 for e in out):
        p.add(path + ("examples",), "needs an example that scores (level > 0)")
    if out and not any(e.level == 0 for e in out):
        p.add(path + ("examples",), "needs an example that must not score (level 0)")
    return tuple(out)


def _wholes(p: _Problems, raw: Any, criteria: tuple[Criterion, ...]) -> tuple[Whole, ...]:
    if not isinstance(raw, list):
        p.add(("wholes",), "expected a list of {name, terms, members}")
        return ()
    ids = [c.id for c in criteria]
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            p.add(("wholes", i), f"expected a mapping {{name, terms, members}}, got {item!r}")
            continue
        p.unknown_keys(("wholes", i), item, WHOLE_KEYS)
        terms = tuple(norm_term(t) for t in _str_list(p, ("wholes", i, "terms"), item.get("terms")))
        members = _str_list(p, ("wholes", i, "members"), item.get("members"))
        for j, member in enumerate(members):
            if member not in ids:
                p.bad_value(("wholes", i, "members", j), member, ids, "unknown criterion")
        out.append(Whole(str(item.get("name") or "/".join(terms)), terms, members))
    return tuple(out)
