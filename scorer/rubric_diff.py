"""What an edit to a rubric does to a batch, before a ranking is published.

Each report is read and built into a Document once; only matching and scoring
run under each rubric. Ranks come from ranking.py's `build_ranking` on the same
summaries `scorer score` builds, so the groups and ties are the ones a real run
would publish.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .batch import discover, output_names
from .doccache import load_document
from .document import Document
from .errors import UserError
from .labels import reason_word
from .matcher import match_document, matching_key
from .ranking import build_ranking, summarize
from .result import build_result
from .rubric import Criterion, Rubric
from .scoring import score_document

SCHEMA = "scorer.rubric-diff/1"
PARALLEL_MIN = 40  # reports below which starting workers costs more than it saves


@dataclass(frozen=True)
class Placed:
    """One report scored and ranked under one rubric."""
    name: str
    file: str
    region: str | None
    total: float
    max: float  # below the rubric's total when criteria bound to other years do not apply
    group: str
    rank: int
    levels: dict[str, int]


@dataclass(frozen=True)
class CriterionChange:
    id: str
    title: str
    old_points: float
    new_points: float
    edited: bool  # its definition differs, whether or not any level moved
    up: tuple[str, ...]
    down: tuple[str, ...]


@dataclass(frozen=True)
class ReportMove:
    name: str
    file: str
    region: str | None
    old_total: float
    new_total: float
    old_max: float
    new_max: float
    old_group: str
    new_group: str
    old_rank: int
    new_rank: int

    @property
    def delta(self) -> float:
        return round(self.new_total - self.old_total, 2)

    @property
    def moved(self) -> bool:
        return self.delta != 0 or self.old_rank != self.new_rank or self.old_group != self.new_group


@dataclass(frozen=True)
class RubricDiff:
    old: Rubric
    new: Rubric
    group_by: str
    added: tuple[tuple[Criterion, tuple[str, ...]], ...]  # a new criterion and the reports it credits
    removed: tuple[tuple[Criterion, tuple[str, ...]], ...]  # a dropped one and the reports it credited
    criteria: tuple[CriterionChange, ...]
    reports: tuple[ReportMove, ...]
    failures: tuple[dict[str, str], ...]


def load_reports(reports: Path) -> tuple[list[tuple[str, Document]], list[dict[str, str]]]:
    """Every report under a folder (as `scorer score` finds them), built once (or taken from the
    document cache: a rubric edit re-matches only); unreadable ones listed."""
    items, failures = _discover(reports)
    docs: list[tuple[str, Document]] = []
    for name, path in items:
        doc = _read(path, failures)
        if doc is not None:
            docs.append((name, doc))
    return docs, failures


def _discover(reports: Path) -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
    """Each report's name and path, in the order `scorer score` lists them, and the failures."""
    if not reports.exists():
        raise UserError("no such file or folder", path=str(reports))
    files, failures = discover([reports])
    if not files and not failures:
        raise UserError("no report files found (.txt .docx .pdf .html .htm)", path=str(reports))
    names = output_names(files)
    return [(names[f], str(f)) for f in files], failures


def _read(path: str, failures: list[dict[str, str]]) -> Document | None:
    try:
        return load_document(path)
    except UserError as exc:
        failures.append({"file": path, "error": _one_line(str(exc))})
    except Exception as exc:  # a bug on one report must not hide the effect on the others
        failures.append({"file": path, "error": f"{path}: internal error ({type(exc).__name__}: {exc})"})
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _summary(name: str, doc: Document, rubric: Rubric, matched: dict[tuple, Any] | None = None) -> dict[str, Any]:
    """A report's summary under a rubric; `matched` holds its matches by matching_key, so that
    rubrics that differ only in points (the common what-if) match it once."""
    matched = {} if matched is None else matched
    key = matching_key(rubric)
    if key not in matched:
        matched[key] = match_document(doc, rubric)
    score = score_document(doc, rubric, matched[key])
    return summarize(build_result(doc, rubric, score)) | {"name": name, "path": doc.path}


def score_items(items: Sequence[tuple[str, str]], rubrics: Sequence[Rubric]) -> dict[str, Any]:
    """Read each (name, path) once and summarise it under each rubric: `rows` holds a list of
    summaries per report read, one per rubric; `failures` the reports that could not be read."""
    rows, failures = [], []
    for name, path in items:
        doc = _read(path, failures)
        if doc is None:
            continue
        try:
            matched: dict[tuple, Any] = {}
            rows.append([_summary(name, doc, r, matched) for r in rubrics])
        except Exception as exc:  # as when reading: one report's bug is listed, the others go on
            failures.append({"file": path, "error": f"{path}: internal error ({type(exc).__name__}: {exc})"})
    return {"rows": rows, "failures": failures}


def score_reports(reports: Path, rubrics: Sequence[Rubric], jobs: int = 1) -> tuple[list[list[dict[str, Any]]],
                                                                                   list[dict[str, str]]]:
    """Every report's summary under each rubric (a list per rubric, in the batch's order) and the
    reports that could not be read; in `jobs` worker processes when the batch is worth it."""
    items, failures = _discover(reports)
    if jobs > 1 and len(items) >= PARALLEL_MIN:
        from .batch.workers import score_in_workers

        rows, more = score_in_workers(items, rubrics, jobs)
    else:
        scored = score_items(items, rubrics)
        rows, more = scored["rows"], scored["failures"]
    return [[row[k] for row in rows] for k in range(len(rubrics))], failures + more


def place(docs: list[tuple[str, Document]], rubric: Rubric, group_by: str = "auto") -> tuple[str, dict[str, Placed]]:
    """Score every document with a rubric and rank the batch as `scorer score` would."""
    return rank([_summary(name, doc, rubric) for name, doc in docs], rubric, group_by)


def rank(summaries: list[dict[str, Any]], rubric: Rubric, group_by: str = "auto") -> tuple[str, dict[str, Placed]]:
    """Rank summaries made with a rubric as `scorer score` would."""
    ranking = build_ranking(summaries, [], rubric, group_by=group_by)
    placed = {e["name"]: Placed(e["name"], e["path"], e["region"], e["total"], e["max"], group["key"], e["rank"],
                                e["levels"]) for group in ranking["groups"] for e in group["entries"]}
    return ranking["group_by"], placed


def compare(old_rubric: Rubric, new_rubric: Rubric, old: dict[str, Placed], new: dict[str, Placed],
            group_by: str = "auto", failures: Sequence[dict[str, str]] = ()) -> RubricDiff:
    """The moves between two placings of the same reports."""
    names = sorted(old)
    old_ids = {c.id for c in old_rubric.criteria}
    new_ids = {c.id for c in new_rubric.criteria}

    def credited(placed: dict[str, Placed], cid: str) -> tuple[str, ...]:
        return tuple(n for n in names if placed[n].levels.get(cid, 0) > 0)

    changes = []
    for c in new_rubric.criteria:
        if c.id not in old_ids:
            continue
        before = old_rubric.criterion(c.id)
        up = tuple(n for n in names if new[n].levels[c.id] > old[n].levels[c.id])
        down = tuple(n for n in names if new[n].levels[c.id] < old[n].levels[c.id])
        edited = _definition(before) != _definition(c)
        if up or down or edited:
            changes.append(CriterionChange(c.id, c.title, before.points, c.points, edited, up, down))
    changes.sort(key=lambda ch: (-(len(ch.up) + len(ch.down)), ch.id))
    moves = [ReportMove(n, old[n].file, old[n].region, old[n].total, new[n].total, old[n].max, new[n].max,
                        old[n].group, new[n].group, old[n].rank, new[n].rank) for n in names]
    moves.sort(key=lambda m: (-abs(m.delta), -abs(m.new_rank - m.old_rank), m.name))
    return RubricDiff(
        old_rubric, new_rubric, group_by,
        added=tuple((c, credited(new, c.id)) for c in sorted(new_rubric.criteria, key=lambda c: c.id)
                    if c.id not in old_ids),
        removed=tuple((c, credited(old, c.id)) for c in sorted(old_rubric.criteria, key=lambda c: c.id)
                      if c.id not in new_ids),
        criteria=tuple(changes), reports=tuple(moves),
        failures=tuple(sorted(failures, key=lambda f: f["file"])))


def _definition(c: Criterion) -> Criterion:
    # Examples and wording do not score; only what can move a level or a point counts as an edit.
    return replace(c, examples=(), message="", source="", description="")


def diff_rubrics(old: Rubric, new: Rubric, reports: Path, group_by: str = "auto", jobs: int | None = None) -> RubricDiff:
    """Read the batch once, score it with both rubrics (in `jobs` processes, by default one per
    core) and compare."""
    from .batch import default_jobs

    (before, after), failures = score_reports(reports, (old, new), default_jobs() if jobs is None else jobs)
    effective, placed_before = rank(before, old, group_by)
    _, placed_after = rank(after, new, group_by)
    return compare(old, new, placed_before, placed_after, effective, failures)


def _rubric_json(r: Rubric) -> dict[str, Any]:
    return {"id": r.id, "title": r.title, "version": r.version, "sha256": r.sha256, "path": r.path}


def diff_json(d: RubricDiff) -> dict[str, Any]:
    """The diff as one JSON-ready mapping, in a fixed order."""
    def criterion(c: Criterion, reports: tuple[str, ...]) -> dict[str, Any]:
        return {"id": c.id, "title": c.title, "area": c.area, "points": c.points, "credited": list(reports)}

    return {
        "schema": SCHEMA,
        "old": _rubric_json(d.old), "new": _rubric_json(d.new), "group_by": d.group_by,
        "n_reports": len(d.reports), "n_moved": sum(m.moved for m in d.reports),
        "added": [criterion(c, r) for c, r in d.added],
        "removed": [criterion(c, r) for c, r in d.removed],
        "criteria": [{"id": c.id, "title": c.title, "old_points": c.old_points, "new_points": c.new_points,
                      "edited": c.edited, "up": list(c.up), "down": list(c.down)} for c in d.criteria],
        "reports": [{"name": m.name, "file": m.file, "region": m.region, "old_total": m.old_total,
                     "new_total": m.new_total, "delta": m.delta, "old_max": m.old_max, "new_max": m.new_max, "old_group": m.old_group,
                     "new_group": m.new_group, "old_rank": m.old_rank, "new_rank": m.new_rank}
                    for m in d.reports],
        "group_changes": sorted(m.name for m in d.reports if m.old_group != m.new_group),
        "failures": list(d.failures),
    }


def _total(total: float, mx: float, other_max: float) -> str:
    # The maximum only when it differs: a total out of fewer points is not the same total.
    return f"{total:.2f}" if mx == other_max else f"{total:.2f}/{mx:g}"


def print_diff(d: RubricDiff, console: Any = None) -> None:
    """Tables for the evaluator: criteria whose levels moved, then reports by the size of their move."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = console or Console()
    for label, r in (("旧", d.old), ("新", d.new)):
        console.print(f"{label}: {escape(r.title)}  {escape(r.id)} {escape(r.version)}  sha256 {r.sha256[:12]}")
    for label, items in (("新增指标", d.added), ("删除指标", d.removed)):
        for c, reports in items:
            console.print(f"{label}: {escape(c.title)} ({escape(c.id)}, {c.points:g} 分), 得分报告 {len(reports)} 份")
    if d.criteria:
        table = Table(title="指标等级变化")
        for col in ("指标", "id", "分值", "升", "降", "报告"):
            table.add_column(col, overflow="fold")  # a cut id or report name could not be looked up
        for c in d.criteria:
            points = f"{c.old_points:g}" if c.old_points == c.new_points else f"{c.old_points:g} → {c.new_points:g}"
            who = " ".join([f"↑{n}" for n in c.up] + [f"↓{n}" for n in c.down])
            table.add_row(escape(c.title), escape(c.id), points, str(len(c.up)), str(len(c.down)), escape(who))
        console.print(table)
    moves = [m for m in d.reports if m.moved]
    if moves:
        several = len({m.old_group for m in d.reports} | {m.new_group for m in d.reports}) > 1
        table = Table(title="总分与名次变化(按变动大小)")
        for col in ("报告", "地区", *(("组",) if several else ()), "旧总分", "新总分", "变化", "旧名次", "新名次"):
            table.add_column(col, justify="right" if col.endswith(("分", "化", "次")) else "left", overflow="fold")
        for m in moves:
            group = m.new_group if m.old_group == m.new_group else f"{m.old_group} → {m.new_group}"
            table.add_row(escape(m.name), escape(m.region or "?"), *((escape(group),) if several else ()),
                          _total(m.old_total, m.old_max, m.new_max), _total(m.new_total, m.new_max, m.old_max),
                          f"{m.delta:+.2f}",
                          str(m.old_rank), str(m.new_rank))
        console.print(table)
    for m in (m for m in d.reports if m.old_group != m.new_group):
        console.print(f"换组: {escape(m.name)} ({escape(m.region or '?')}) {escape(m.old_group)} → {escape(m.new_group)}")
    for f in d.failures:  # named and worded as `scorer score` lists its failures
        message = f["error"] if f["error"].startswith(f["file"]) else f"{f['file']}: {f['error']}"
        console.print(f"[red]未能读取[/red] {escape(reason_word(message))}")
    console.print(f"{len(d.reports)} 份报告, {len(moves)} 份总分或名次变化, {len(d.criteria)} 项指标有变, "
                  f"{len(d.failures)} 份无法读取")
