"""What a loaded rubric is: frozen values, checked by rubric_checks.py, built by rubric.py."""

from __future__ import annotations

from dataclasses import dataclass

from .rules import DocumentRule, Rule
from .rules.values import Years

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
LANGUAGE_KEYS = ("negations", "future", "actions", "concrete", "counters", "honours", "profile",
                 "set_phrases", "formulas", "agenda_verbs", "agenda_ends", "study_verbs", "plan_nouns",
                 "continuations", "stances", "other_bodies", "economy")


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
    years: Years = (None, None)  # the covered years it applies to

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
    profile: tuple[str, ...]  # words of a clause describing the place itself (常住人口, 下辖)
    set_phrases: tuple[str, ...]
    formulas: tuple[str, ...]  # regular expressions, one per kind of ritual clause
    agenda_verbs: tuple[str, ...]
    agenda_ends: tuple[str, ...]
    study_verbs: tuple[str, ...]
    plan_nouns: tuple[str, ...]
    continuations: tuple[str, ...]
    stances: tuple[str, ...]  # an action in one is a leader's stance, no measure (亲自督办)
    other_bodies: tuple[str, ...]  # bodies outside the government whose names hold a concrete word
    economy: tuple[str, ...]  # the economy's aggregates (地区生产总值): their numbers count no work


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
