"""A scored round read back for its evaluation report: one compact record per report.

Everything comes from the batch's `result.json` files (through `result.load_result`)
and its `ranking.json`; nothing is scored again. A record keeps only what the round
report, the year-over-year comparison and the intake check need, so that thousands
of reports fit in memory: levels as they count (the evaluator's where reviewed), area
points, metadata, flags, and per criterion its best quote.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .batch.workers import FINGERPRINT, RESULT
from .errors import UserError
from .labels import GOVERNMENT_GROUPS
from .result import load_result
from .rubric_model import Area  # the rubric's own area: id, title, points

RANKING = "ranking.json"
PARALLEL_FROM = 200  # reports: below this, worker processes cost more than they save


@dataclass(frozen=True)
class Quote:
    """A criterion's best evidence in one report."""
    criterion: str
    level: int  # the level that counts
    text: str  # as written in the report
    place: str  # where it stands in the report (e.g. 一、(三) 二是)
    reviewed: bool  # the level was set or confirmed by an evaluator


@dataclass(frozen=True)
class Report:
    name: str  # the report's folder in the output
    file: str
    path: str  # the input as the batch read it
    sha256: str
    region: str | None
    city: str | None
    province: str | None
    level: str | None  # province | city | county | department
    year: int | None
    published: str | None
    on_time: bool | None
    total: float
    max: float
    areas: dict[str, tuple[float, float]]  # area id → (points, max points)
    levels: dict[str, int]  # criterion id → the level that counts; criteria that do not apply are absent
    reviewed: frozenset[str]  # criteria an evaluator reviewed
    flags: tuple[str, ...]
    missing_parts: tuple[str, ...]
    quotes: dict[str, Quote]  # criterion id → its best evidence
    copied: tuple[dict[str, Any], ...] = ()  # copied_text: other reports of the batch

    @property
    def rate(self) -> float:
        """得分率: the total as a share of the report's own maximum."""
        return self.total / self.max if self.max else 0.0

    @property
    def government(self) -> str:
        return self.region or f"未识别地区（{self.file}）"

    @property
    def label(self) -> str:
        """The government and its year, as the report names it."""
        return f"{self.government}{self.year or ''}年度" if self.year else self.government

    @property
    def level_word(self) -> str:
        return GOVERNMENT_GROUPS.get(self.level, GOVERNMENT_GROUPS[None])

    @property
    def key(self) -> tuple[str | None, str | None, str | None]:
        """The issuing government: its region, level and city (two 城关区 are told apart by city)."""
        return (self.region, self.level, self.city)


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    area: str
    points: float
    top_level: int
    message: str


@dataclass(frozen=True)
class Round:
    folder: Path
    reports: tuple[Report, ...]
    ranking: dict[str, Any]
    rubric: dict[str, Any]  # id, title, version, sha256, levels
    areas: tuple[Area, ...]
    criteria: tuple[Criterion, ...]
    failures: tuple[dict[str, Any], ...] = field(default=())

    def criterion(self, cid: str) -> Criterion:
        return next(c for c in self.criteria if c.id == cid)


def load_round(folder: str | Path) -> Round:
    """A scored output folder read back: its reports (by folder name) and ranking."""
    folder = Path(folder)
    ranking_path = folder / RANKING
    if not ranking_path.is_file():
        raise UserError("no ranking.json here: score the reports first (scorer score … --out DIR)",
                        path=str(folder))
    try:
        ranking = json.loads(ranking_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read ranking.json: {exc}", path=str(ranking_path)) from None
    names = sorted(e["name"] for g in ranking.get("groups", []) for e in g["entries"])
    if not names:
        raise UserError("the batch holds no scored report", path=str(folder))
    loaded = _load_all([folder / name / RESULT for name in names])
    reports = tuple(report for report, _ in loaded)
    areas, criteria = _rubric_parts(ranking, [parts for _, parts in loaded])
    rubric = load_result(folder / names[0] / RESULT)["rubric"]
    rubric = {k: rubric.get(k) for k in ("id", "title", "version", "sha256", "levels")}
    return Round(folder, reports, ranking, rubric, areas, criteria, tuple(ranking.get("failures", [])))


def _load_all(paths: list[Path]) -> list[tuple[Report, list[dict[str, Any]]]]:
    """Each result read and reduced to its record, in worker processes for a large round:
    parsing the JSON is most of the time, and a record is a small fraction of a result."""
    if len(paths) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return [_load_one(p) for p in paths]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        return list(pool.map(_load_one, paths, chunksize=64))


def _load_one(path: Path) -> tuple[Report, list[dict[str, Any]]]:
    """A report's record, and its criteria's points, scale and message (for the rubric's table)."""
    result = load_result(path)
    parts = [{k: c.get(k) for k in ("id", "applies", "max_points", "top_level", "message")} for c in result["criteria"]]
    return report_record(path.parent.name, result), parts


def report_record(name: str, result: dict[str, Any]) -> Report:
    """The compact record of one result."""
    m = result["metadata"]
    levels, reviewed, quotes = {}, set(), {}
    for c in result["criteria"]:
        if not c.get("applies", True):
            continue
        review = c.get("review")
        level = review["level"] if review else c["level"]
        levels[c["id"]] = level
        if review:
            reviewed.add(c["id"])
        if c["evidence"] and level > 0:
            e = c["evidence"][0]
            quotes[c["id"]] = Quote(c["id"], level, e["quote"], e.get("part_path") or "", bool(review))
    copied = next((f.get("copies", []) for f in result["flags"] if f["name"] == "copied_text"), [])
    return Report(
        name=name, file=result["input"]["file"], path=result["input"]["path"], sha256=result["input"]["sha256"],
        region=m.get("region"), city=m.get("city"), province=m.get("province"), level=m.get("level"),
        year=m.get("year"), published=m.get("published"), on_time=m.get("on_time"),
        total=result["total"], max=result["max"],
        areas={a["id"]: (a["points"], a["max_points"]) for a in result["areas"]},
        levels=levels, reviewed=frozenset(reviewed), flags=tuple(f["name"] for f in result["flags"]),
        missing_parts=tuple(result.get("missing_parts", [])), quotes=quotes, copied=tuple(copied),
    )


def _rubric_parts(ranking: dict[str, Any], results: list[list[dict[str, Any]]]) -> tuple[tuple[Area, ...], tuple[Criterion, ...]]:
    """Areas and criteria in the rubric's order, with points and messages from the results
    (a criterion's points are taken from a report it applies to)."""
    seen: dict[str, dict[str, Any]] = {}
    for criteria in results:
        for c in criteria:
            if c["id"] not in seen or (c.get("applies", True) and not seen[c["id"]].get("applies", True)):
                seen[c["id"]] = c
    criteria = tuple(Criterion(c["id"], c["title"], c["area"], seen.get(c["id"], {}).get("max_points", 0.0),
                               seen.get(c["id"], {}).get("top_level", 3), seen.get(c["id"], {}).get("message", ""))
                     for c in ranking["criteria"])
    areas = tuple(Area(a["id"], a["title"], a["points"]) for a in ranking["areas"])
    return areas, criteria


def read_fingerprint(folder: Path, name: str) -> list[int] | None:
    """The sampled shingles the batch kept for a report, or None when there are none."""
    try:
        return json.loads((folder / name / FINGERPRINT).read_text("utf-8"))
    except (OSError, ValueError):
        return None
