"""A batch from files to outputs, in named phases, each a function from what the one
before made to what the next needs:

    discover  paths              → jobs (file, output folder, sha256) and failures
    score     jobs               → reports: OUT/<name>/result.json with the review record's
                                   entries applied, reused when input, rubric, scorer
                                   version and the report's entries are unchanged (known
                                   from OUT/.results-index while result.json is unchanged)
    compare   reports            → the same, with copied passages recorded in result.json
    rank      reports, failures  → the ranking (ranking.py)
    render    reports, ranking   → scorecards and ranking.pdf, reused when the result,
                                   templates and batch context are unchanged
    export    ranking            → ranking.json, errors.json, ranking.csv/.xlsx, index.html,
                                   each written only when what it is made from changed

result.json is the boundary: every per-report fact (batch-level ones included) is in
it, and everything after scoring reads it through result.load_result. A signal stops
the running phase at once (pool.py) and the batch with it; the same command resumes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from .. import __version__, exports
from ..errors import UserError
from ..exports import RANKING_PDF, ExportRecord, Ranked, export_keys, write_exports
from ..files import show_name, write_atomic
from ..ranking import build_ranking, scorecard_context, summarize
from ..render import SCORECARD, prepare_template, template_dirs
from ..result import digest, dumps_bytes, load_result, points_follow_rubric, with_copies
from ..review import Record
from ..rubric import Rubric
from . import outfolder
from .discover import Discovered, Job, discover_jobs
from .pool import Task, run_tasks
from .reviewing import batch_stale, entries_for_job, expected_key, stored_key, unmatched_stale
from .workers import (
    FINGERPRINT,
    RENDER_KEY,
    RESULT,
    init_scoring_worker,
    init_worker,
    render_ranking_pdf,
    render_scorecard,
    score_report,
    warm_up_rendering,
    warm_up_scoring,
)

TIME_LIMIT = 300.0  # a real report scores in under 2 s; the largest allowed in about a minute
# phase, done, total, failed (None in a phase in which nothing fails alone), message
Progress = Callable[[str, int, int, int | None, str | None], None]
Copies = outfolder.Index  # an index holding only the copies found and their key


@dataclass(frozen=True)
class BatchRequest:
    paths: tuple[Path, ...]
    out: Path
    rubric: Rubric
    formats: frozenset[str]  # json, html, pdf
    jobs: int
    template_dir: Path | None = None
    group_by: str = "auto"
    scored_on: str | None = None  # a date for the scorecards, only when asked for
    review: Record = Record()  # the evaluators' record (review.yaml), applied while scoring
    time_limit: float = TIME_LIMIT  # seconds one report may take to score (0: no limit)
    follow_links: bool = False  # follow symbolic links leading out of a folder given


@dataclass(frozen=True)
class Report:
    """A scored report as the batch holds it between phases."""
    job: Job
    summary: dict[str, Any]  # ranking's view of its result.json, with the folder name
    fingerprint: tuple[int, ...]
    result_sha256: str  # of its result.json: the scorecards' reuse key
    indexed: bool = False  # taken from .results-index as it stands: the index need not be written


@dataclass(frozen=True)
class Scored:
    reports: tuple[Report, ...]
    failures: tuple[dict[str, str], ...]
    scored: int
    reused: int
    interrupted: int  # the signal that stopped the phase, 0 when none
    index: outfolder.Index = outfolder.Index()  # .results-index as this run found it


@dataclass(frozen=True)
class Rendered:
    rendered: int
    reused: int
    interrupted: int
    removed: tuple[Path, ...] = ()
    ranking_pdf: bool = False  # ranking.pdf was rendered (not unchanged)


@dataclass(frozen=True)
class BatchOutcome:
    ranking: dict[str, Any] | None  # None when the batch stopped while scoring
    failures: tuple[dict[str, str], ...]
    scored: int
    reused: int
    rendered: int = 0
    renders_reused: int = 0
    interrupted: int = 0  # SIGINT or SIGTERM when a signal stopped the batch
    removed: tuple[Path, ...] = ()  # stale scorecards and ranking.pdf removed (a format this run did not render)
    written: tuple[str, ...] = ()  # the ranking files written, in the order written
    unchanged: tuple[str, ...] = ()  # those left as they were: what they are made from did not change


def run_batch(request: BatchRequest, progress: Progress | None = None) -> BatchOutcome:
    """Every phase in turn, the output folder locked; a signal stops the running phase and
    the batch after it."""
    progress = progress or (lambda *args: None)
    template_dirs(request.template_dir)  # a missing template folder is an error before any work
    outfolder.refuse_inputs_as_out(request.paths, request.out)
    with outfolder.locked_out(request.out):
        return _run(request, progress)


def _run(request: BatchRequest, progress: Progress) -> BatchOutcome:
    found = discover_jobs(request.paths, request.out, request.follow_links)
    if not found.jobs and not found.failures:
        raise UserError("no report files found (.txt .docx .pdf .html .htm)",
                        path="、".join(show_name(str(p)) for p in request.paths))
    scored = score(found, request, progress)
    outcome = BatchOutcome(None, scored.failures, scored.scored, scored.reused, interrupted=scored.interrupted)
    if scored.interrupted:
        return outcome
    reports, copies = compare(scored.reports, request.out, scored.index)
    _save_index(reports, request, scored.index, copies)
    ranking = rank(reports, scored.failures, request)
    batch = Ranked(ranking, request.rubric, tuple(r.summary for r in reports), request.template_dir)
    record, keys = ExportRecord(request.out), export_keys(batch)
    rendered = render(reports, ranking, request, progress, record, keys[RANKING_PDF])
    outcome = replace(outcome, ranking=ranking, rendered=rendered.rendered, renders_reused=rendered.reused,
                      interrupted=rendered.interrupted, removed=rendered.removed)
    if rendered.interrupted:
        return outcome
    written, unchanged = write_exports(batch, request.out, record, keys,  # the export phase
                                       lambda done, due: progress("export", done, due, None, None))
    if "pdf" in request.formats:  # rendered beside the scorecards, or left as it was
        (written if rendered.ranking_pdf else unchanged).insert(0, RANKING_PDF)
    return replace(outcome, written=tuple(written), unchanged=tuple(unchanged))


# ── score ─────────────────────────────────────────────────────────────────
def score(found: Discovered, request: BatchRequest, progress: Progress) -> Scored:
    """result.json for every job whose result cannot be reused, in worker processes."""
    reports: list[Report] = []
    todo: list[Job] = []
    index = outfolder.read_index(request.out, exports.scorer_key(), request.rubric.sha256)
    for job in found.jobs:
        report = _reusable(job, request, index.entries.get(job.name))
        if report is None:
            todo.append(job)
        else:
            reports.append(report)
    reused = len(reports)
    failures = list(found.failures)
    total, failed_before = found.n_files, len(failures)
    progress("score", reused, total, len(failures), None)
    if not todo:
        return Scored(tuple(reports), tuple(failures), 0, reused, 0, index)
    shared = len(todo) > 1  # warmed up here, shared by the forked workers; else by the one worker itself
    if shared:
        warm_up_scoring(request.rubric)
    owner = {Task(job.file, score_report, (str(job.path), str(request.out / job.name), _entries(job, request),
                                           request.time_limit)): job for job in todo}

    def done(task: Task, value: dict[str, Any]) -> str:
        job = owner[task]
        if "error" in value:
            failures.append({"file": show_name(str(job.path)), "error": value["error"]})
            return f"✘ {value['error']}"
        reports.append(Report(job, _named(value["summary"], job), tuple(value["fingerprint"]),
                              value["result_sha256"]))
        return f"✔ {job.file} {value['summary']['total']:.1f}"

    interrupted = run_tasks(
        list(owner), jobs=min(request.jobs, len(owner)), done=done, initializer=init_scoring_worker,
        initargs=(request.rubric, not shared), meanwhile=partial(exports.prepare, request.template_dir),
        progress=lambda message: progress("score", len(reports) + len(failures) - failed_before, total,
                                          len(failures), message))
    order = {job.name: i for i, job in enumerate(found.jobs)}  # not the workers' finishing order: the
    reports.sort(key=lambda r: order[r.job.name])  # outputs listing reports as given must not vary
    return Scored(tuple(reports), tuple(failures), len(reports) - reused, reused, interrupted, index)


def _named(summary: dict[str, Any], job: Job) -> dict[str, Any]:
    return summary | {"name": job.name, "path": show_name(str(job.path))}


def _entries(job: Job, request: BatchRequest):
    return entries_for_job(request.review, job.file, job.sha256)


def _reusable(job: Job, request: BatchRequest, entry: dict[str, Any] | None) -> Report | None:
    folder = request.out / job.name
    fingerprint = outfolder.read_fingerprint(folder / FINGERPRINT)
    if fingerprint is None:
        return None  # none yet, damaged, or scored by an older run without a fingerprint
    if outfolder.as_indexed(folder / RESULT, entry, job.sha256, expected_key(_entries(job, request))):
        return Report(job, _named(entry["summary"], job), fingerprint, entry["result"], indexed=True)
    try:
        result = load_result(folder / RESULT)  # checked: its schema, its sums, its points
    except UserError:
        return None
    if not points_follow_rubric(result, request.rubric):
        return None  # a hand-edited level or total is scored again, never trusted
    if (result["input"].get("sha256") != job.sha256 or result["rubric"].get("sha256") != request.rubric.sha256
            or result.get("scorer_version") != __version__  # a new scorer may judge differently
            or stored_key(result) != expected_key(_entries(job, request))):  # the record changed for it
        return None
    return Report(job, _named(summarize(result), job), fingerprint, digest(result))


def _save_index(reports: tuple[Report, ...], request: BatchRequest, found: outfolder.Index, new: Copies) -> None:
    """The index of every report's result as it now stands, and the copies found, unless every
    report is as indexed, the index holds no other, and the copies are those it holds."""
    if all(r.indexed for r in reports) and len(reports) == len(found.entries) and new.copies_key == found.copies_key:
        return
    entries = {r.job.name: outfolder.index_entry(r.result_sha256, r.summary["sha256"],
                                                 expected_key(_entries(r.job, request)), r.summary) for r in reports}
    outfolder.write_index(request.out, exports.scorer_key(), request.rubric.sha256, replace(new, entries=entries))


# ── compare ───────────────────────────────────────────────────────────────
def compare(reports: tuple[Report, ...], out: Path, index: outfolder.Index) -> tuple[tuple[Report, ...], Copies]:
    """Reports sharing long passages: each one's copies recorded in its result.json (and an
    earlier batch's finding that no longer holds removed); and the copies found with the key of
    what they were found from (the index's copies when that key is the same)."""
    from ..copying import find_copies
    from ..document import load_document

    by_name = {r.job.name: r for r in reports}
    shown = [{"name": r.job.name, "file": r.summary["file"], "region": r.summary["metadata"]["region"],
              "fingerprint": r.fingerprint} for r in reports]
    key = outfolder.copies_key(shown, [r.job.sha256 for r in reports], exports.scorer_key())
    copies = index.copies if key == index.copies_key else find_copies(
        [r | {"fingerprint": list(r["fingerprint"])} for r in shown], lambda name: load_document(by_name[name].job.path))
    return tuple(_record_copies(r, copies.get(r.job.name, []), out) for r in reports), Copies({}, key, copies)


def _record_copies(report: Report, copies: list[dict[str, Any]], out: Path) -> Report:
    if copies == report.summary["copied"]:
        return report
    path = out / report.job.name / RESULT
    result = with_copies(load_result(path), copies)
    data = dumps_bytes(result)
    write_atomic(path, data)
    return replace(report, summary=_named(summarize(result), report.job), result_sha256=hashlib.sha256(data).hexdigest(),
                   indexed=False)


# ── rank ──────────────────────────────────────────────────────────────────
def rank(reports: tuple[Report, ...], failures: tuple[dict[str, str], ...], request: BatchRequest) -> dict[str, Any]:
    """The ranking, with every review entry that was not applied (from each result, and the
    entries naming no scored report)."""
    summaries = [r.summary for r in reports]
    unmatched = unmatched_stale(request.review, [(s["file"], s["sha256"]) for s in summaries],
                                [f["file"] for f in failures])
    stale = batch_stale([s["review_stale"] for s in summaries], unmatched)
    return build_ranking(summaries, list(failures), request.rubric, group_by=request.group_by, stale=stale)


# ── render ────────────────────────────────────────────────────────────────
def render(reports: tuple[Report, ...], ranking: dict[str, Any], request: BatchRequest, progress: Progress,
           record: ExportRecord, pdf_key: str) -> Rendered:
    """Scorecards whose result, templates or place in the batch changed, and ranking.pdf when
    what it is made from changed (slow for a big batch: it renders beside the scorecards)."""
    formats = tuple(sorted(request.formats & {"html", "pdf"}))
    removed = tuple(p for r in reports
                    for p in outfolder.remove_stale_scorecards(request.out / r.job.name, r.result_sha256, formats))
    if "pdf" not in request.formats:  # a ranking.pdf showing another ranking is removed
        removed += record.remove_stale(RANKING_PDF, pdf_key)
    if not formats:
        return Rendered(0, 0, 0, removed)
    tdir = str(request.template_dir) if request.template_dir else None
    pdf_due = "pdf" in formats and not record.current(RANKING_PDF, pdf_key)
    tasks = [Task(RANKING_PDF, render_ranking_pdf, (ranking, str(request.out), tdir))] if pdf_due else []
    templates = exports.templates_sha256(request.template_dir)
    for r in reports:
        context = scorecard_context(ranking, r.job.name) | {"scored_on": request.scored_on}
        key = hashlib.sha256(json.dumps([r.result_sha256, templates, formats, context], sort_keys=True,
                                        ensure_ascii=False).encode()).hexdigest()
        if not outfolder.rendered_before(request.out / r.job.name, formats, RENDER_KEY, key):
            tasks.append(Task(r.job.name, render_scorecard, (str(request.out / r.job.name), formats, tdir,
                                                             context, key, r.result_sha256)))
        else:
            outfolder.note_shown(request.out / r.job.name, r.result_sha256)
    reused = len(reports) - sum(task.run is render_scorecard for task in tasks)
    progress("render", reused, len(reports), 0, None)
    if not tasks:
        return Rendered(0, reused, 0, removed)
    prepare_template(SCORECARD, request.template_dir)  # the forked workers find it compiled
    if "pdf" in formats:
        warm_up_rendering(request.template_dir)
    rendered, errors = [], []

    def done(task: Task, value: dict[str, Any]) -> str:
        if "error" in value:
            errors.append(value["error"])
            return f"✘ {value['error']}"
        if task.run is render_scorecard:
            rendered.append(task)
        else:
            record.note(RANKING_PDF, pdf_key)  # saved with the exports, once the batch is done
        return f"✔ {task.label}"

    interrupted = run_tasks(
        tasks, jobs=request.jobs, done=done, initializer=init_worker, initargs=(None,),
        progress=lambda message: progress("render", reused + len(rendered), len(reports), len(errors), message))
    if errors:
        raise UserError(errors[0])  # a template error is the evaluator's to fix, not the report's: stop
    return Rendered(len(rendered), reused, interrupted, removed, pdf_due)
