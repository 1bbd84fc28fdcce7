"""Evidence → levels → points: a criterion's points are its weight times its level's share.

A criterion's top level comes from its rules (`Rule.top_level`): achievement
criteria use the full scale (top level 3); structure criteria (`part`,
`metadata` rules) use 0–2, so their level 2 earns the full points.
A criterion bound to years the report does not cover (`years:`) does not apply:
it earns nothing and its points leave the report's maximum, so a report on 2020
loses nothing for a law of 2024.
"""

from __future__ import annotations

from dataclasses import dataclass

from .document import Document
from .matcher import CriterionMatch, match_document
from .rubric import Area, Criterion, Rubric


@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    match: CriterionMatch
    level: int
    top_level: int
    points: float
    max_points: float


@dataclass(frozen=True)
class AreaScore:
    area: Area
    points: float
    max_points: float


@dataclass(frozen=True)
class Score:
    total: float
    max_points: float
    areas: tuple[AreaScore, ...]
    criteria: tuple[CriterionScore, ...]


def exact_points(rubric: Rubric, criterion: Criterion, level: int) -> float:
    top = criterion.top_level
    share = rubric.level(min(level, top)).share / rubric.level(top).share
    return criterion.points * share


def criterion_points(rubric: Rubric, criterion: Criterion, level: int) -> float:
    """A criterion's points as shown (to 0.01)."""
    return round(exact_points(rubric, criterion, level), 2)


def area_points(rubric: Rubric, levels: dict[str, int]) -> tuple[dict[str, float], float]:
    """Each area's points and the total for criteria at `levels` (criteria left out do not
    apply). Rounded once, at the area, from exact points (three criteria at 3.333… make
    10, not 9.99); the total is the sum of the areas as shown, so every output adds up."""
    return _area_sums(rubric, {c.id: exact_points(rubric, c, levels[c.id])
                               for c in rubric.criteria if c.id in levels})


def _area_sums(rubric: Rubric, exact: dict[str, float]) -> tuple[dict[str, float], float]:
    """`area_points` from each applying criterion's exact points, added in the rubric's order."""
    areas = {a.id: round(sum(exact[c.id] for c in rubric.criteria if c.area == a.id and c.id in exact), 2)
             for a in rubric.areas}
    return areas, round(sum(areas.values()), 2)


def score_document(doc: Document, rubric: Rubric,
                   matches: dict[str, CriterionMatch] | None = None) -> Score:
    """Match every criterion on a document and add up the points. `matches`: the document's
    matches under a rubric of the same matching_key, when the caller has them."""
    matches = match_document(doc, rubric) if matches is None else matches
    # Each criterion's exact points once, for its own points and its area's.
    exact = {c.id: exact_points(rubric, c, matches[c.id].level) for c in rubric.criteria}
    criteria = tuple(
        CriterionScore(c, matches[c.id], matches[c.id].level, c.top_level, round(exact[c.id], 2),
                       c.points if matches[c.id].applies else 0.0)
        for c in rubric.criteria
    )
    points, total = _area_sums(rubric, exact)
    areas = tuple(
        AreaScore(a, points[a.id], round(sum(cs.max_points for cs in criteria if cs.criterion.area == a.id), 2))
        for a in rubric.areas
    )
    return Score(total, round(sum(a.max_points for a in areas), 2), areas, criteria)
