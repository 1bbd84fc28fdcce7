"""Checking a merged rubric's sections, each problem located: file:line:col, the key, the
bad value, the allowed values and a did-you-mean. The rules are checked by their kinds
(scorer/rules/); everything else a rubric holds is checked here."""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources
from typing import Any

from .errors import did_you_mean
from .rubric_files import EDIT_KEYS, Origins, where
from .rubric_model import (
    AREA_KEYS,
    CRITERION_KEYS,
    DEFAULT_LEVELS,
    DEFAULT_SCOPE,
    EXAMPLE_KEYS,
    LANGUAGE_KEYS,
    LEVEL_KEYS,
    WHOLE_KEYS,
    Area,
    Criterion,
    Example,
    Language,
    Level,
    Whole,
)
from .rules import (
    DOCUMENT_KINDS,
    RULE_KINDS,
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


class Problems:
    """The problems found so far, each written where its value was: the child or a parent."""

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


def number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def str_list(p: Problems, path: tuple, value: Any, *, allow_empty: bool = False,
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


def check_levels(p: Problems, raw: Any) -> tuple[Level, ...]:
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
        if not number(share) or not 0 <= share <= 1:
            p.add(("levels", i, "share"), f"expected a share of the criterion's points between 0 and 1, got {share!r}")
            continue
        out.append(Level(level, str(name or level), float(share)))
    if sorted(lv.level for lv in out) != list(range(len(out))) or (out and len(out) != 4):
        p.add(("levels",), "the scale needs levels 0, 1, 2 and 3, each once")
    return tuple(sorted(out, key=lambda lv: lv.level)) or tuple(Level(**lv) for lv in DEFAULT_LEVELS)


def check_areas(p: Problems, raw: Any, total: float) -> tuple[Area, ...]:
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
        if not number(points) or points < 0:
            p.add(("areas", i, "points"), f"expected a number of points ≥ 0, got {points!r}")
            points = 0
        out.append(Area(item["id"], str(item.get("title") or item["id"]), float(points), str(item.get("description") or "")))
    area_sum = sum(a.points for a in out)
    if out and abs(area_sum - total) > 1e-6:
        at = p.edited(("areas",), [("total",)] + [("areas", i, "points") for i in range(len(raw))])
        p.add(at, f"the areas' points add up to {area_sum:g}, not the rubric's total {total:g}")
    return tuple(out)


def check_language(p: Problems, raw: Any) -> Language:
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
            words = str_list(p, ("language", key), value, allow_empty=True)
            values[key] = tuple(dict.fromkeys(norm_term(w) for w in words))
    return Language(**values)


def check_criteria(p: Problems, raw: Any, areas: tuple[Area, ...]) -> tuple[Criterion, ...]:
    if not isinstance(raw, list) or not raw:
        p.add(("criteria",), "required: a list of criteria")
        return ()
    area_ids = [a.id for a in areas]
    out: list[Criterion] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        criterion = _criterion(p, ("criteria", i), item, area_ids, seen)
        if criterion is not None:
            out.append(criterion)
    for area in areas:
        got = sum(c.points for c in out if c.area == area.id)
        if abs(got - area.points) > 1e-6:
            at = ("areas", area_ids.index(area.id), "points")
            mine = [("criteria", i, "points") for i, c in enumerate(raw) if isinstance(c, dict) and c.get("area") == area.id]
            shown = p.edited(at, mine)
            p.add(shown, f"area '{area.id}' has {area.points:g} points"
                  + (f" (at {p.where(at)})" if shown != at else "") + f" but its criteria add up to {got:g}")
    return tuple(out)


def _criterion(p: Problems, path: tuple, item: Any, area_ids: list[str], seen: dict[str, int]) -> Criterion | None:
    if not isinstance(item, dict):
        p.add(path, f"expected a mapping (id, title, area, points, rules, examples …), got {item!r}")
        return None
    p.unknown_keys(path, item, CRITERION_KEYS + EDIT_KEYS)
    cid = item.get("id")
    if not isinstance(cid, str) or not cid.strip():
        p.add(path + ("id",), f"required: a stable dotted id such as 'enforcement.publicity', got {cid!r}")
        return None
    if cid in seen:
        p.add(path + ("id",), f"duplicate criterion id '{cid}' (also criteria[{seen[cid]}])")
    seen[cid] = path[-1]
    area = item.get("area")
    if area not in area_ids:
        p.bad_value(path + ("area",), area, area_ids, "unknown area")
    points = item.get("points")
    if not number(points) or points < 0:
        p.add(path + ("points",), f"expected a number of points ≥ 0, got {points!r}")
        points = 0
    scope = str_list(p, path + ("scope",), item.get("scope", list(DEFAULT_SCOPE)))
    for j, role in enumerate(scope):
        if role not in ROLES:
            p.bad_value(path + ("scope", j), role, ROLES, "unknown part role")
    rules = _rules(p, path, item.get("rules"))
    examples = check_examples(p, path, item.get("examples"))
    _stand_alone(p, path, cid, rules)
    for key in (k for k in EDIT_KEYS if k in item):  # left over: nothing inherited to edit
        p.add(path + (key,), f"'{cid}' is not inherited from a parent rubric, so there is nothing to edit; "
              f"{key} works in a rubric that `extends` another. Write its words in rules: "
              "(e.g. rules: [{terms: [词, …]}]) or unless: instead")
    unless = tuple(norm_term(w) for w in str_list(p, path + ("unless",), item.get("unless") or [], allow_empty=True))
    return Criterion(
        id=cid, title=str(item.get("title") or cid), area=str(area), points=float(points),
        scope=scope or DEFAULT_SCOPE, rules=tuple(rules), message=str(item.get("message") or ""),
        source=str(item.get("source") or ""), examples=examples, unless=unless,
        description=str(item.get("description") or ""),
        years=parse_years(item.get("years"), path + ("years",), p),
    )


def _rules(p: Problems, path: tuple, raw: Any) -> list[Rule]:
    if not isinstance(raw, list) or not raw:
        p.add(path + ("rules",), f"required: a list of rules, each of one kind: {', '.join(RULE_KINDS)}")
        return []
    built = (build_rule(rule_raw, path + ("rules", j), p) for j, rule_raw in enumerate(raw))
    return [rule for rule in built if rule is not None]


def _stand_alone(p: Problems, path: tuple, cid: str, rules: list[Rule]) -> None:
    """`part` and `metadata` judge the whole document: a criterion holding one has no other rule."""
    kinds = [r.kind for r in rules]
    whole = [k for k in kinds if k in DOCUMENT_KINDS]
    if whole and len(kinds) > 1:
        p.add(path + ("rules",), f"criterion '{cid}' mixes the kinds {', '.join(kinds)}: document-level kinds "
              f"({', '.join(DOCUMENT_KINDS)}) stand alone; give each its own criterion")


def check_examples(p: Problems, path: tuple, raw: Any) -> tuple[Example, ...]:
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


def check_wholes(p: Problems, raw: Any, criteria: tuple[Criterion, ...]) -> tuple[Whole, ...]:
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
        terms = tuple(norm_term(t) for t in str_list(p, ("wholes", i, "terms"), item.get("terms")))
        members = str_list(p, ("wholes", i, "members"), item.get("members"))
        for j, member in enumerate(members):
            if member not in ids:
                p.bad_value(("wholes", i, "members", j), member, ids, "unknown criterion")
        out.append(Whole(str(item.get("name") or "/".join(terms)), terms, members))
    return tuple(out)
