"""Score a batch of reports in parallel, reuse what did not change, and never stop on a bad file.

Phase 1 scores each report in a worker process (forked once the rubric and the
dictionary are loaded) and writes OUT/<name>/result.json. Phase 2 ranks the
batch and renders each scorecard with its rank and the batch medians. A
result is reused when its input and rubric hashes match; a scorecard when its
render key (result, templates, batch context) matches. Every file is written
atomically, so an interrupted batch leaves no half-written file and a re-run
resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .errors import UserError
from .read import SUFFIXES
from .render import template_dirs
from .result import dumps, write_atomic
from .rubric import Rubric


@dataclass(frozen=True)
class Job:
    path: Path
    name: str  # output folder name, unique in the batch
    sha256: str


@dataclass
class BatchOutcome:
    summaries: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    reused: int = 0
    scored: int = 0
    rendered: int = 0
    renders_reused: int = 0
    interrupted: int = 0  # the signal that stopped the batch (SIGINT, SIGTERM), 0 when none
    ranking_pdf: bool = False  # ranking.pdf was written by a render worker


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[dict[str, str]]]:
    """Report files named, and found recursively in folders (symlink loops are skipped)."""
    files: list[Path] = []
    problems: list[dict[str, str]] = []
    seen_dirs: set[tuple[int, int]] = set()
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path, followlinks=True):
                st = os.stat(root)
                if (st.st_dev, st.st_ino) in seen_dirs:
                    problems.append({"file": root, "error": "symlink loop: this folder was already visited; skipped"})
                    dirs[:] = []
                    continue
                seen_dirs.add((st.st_dev, st.st_ino))
                dirs.sort()
                for name in sorted(names):
                    if Path(name).suffix.lower() in SUFFIXES and not name.startswith((".", "~$")):
                        files.append(Path(root) / name)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            problems.append({"file": str(path), "error": "no such file or folder"})
    unique: dict[Path, Path] = {}
    for f in files:  # the same file named twice (a/../b.txt and b.txt) is scored once
        unique.setdefault(f.resolve(), f)
    return list(unique.values()), problems


_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff.\-]+")


def safe_name(stem: str) -> str:
    """A folder name that every filesystem accepts: no separators, quotes or control
    characters, no leading dot, at most 80 characters."""
    name = _UNSAFE.sub("_", stem).strip("._") or "report"
    return name[:80]


def output_names(files: list[Path]) -> dict[Path, str]:
    """One output folder per input; inputs that share a stem get a short hash of their path."""
    by_name: dict[str, list[Path]] = {}
    for f in files:
        by_name.setdefault(safe_name(f.stem), []).append(f)
    names = {}
    for name, group in by_name.items():
        for f in group:
            if len(group) == 1:
                names[f] = name
            else:
                digest = hashlib.sha256(str(f.resolve()).encode("utf-8")).hexdigest()[:8]
                names[f] = f"{name}-{digest}"
    return names


def templates_sha256(template_dir: Path | None) -> str:
    h = hashlib.sha256()
    for folder in template_dirs(template_dir):
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                h.update(str(f.relative_to(folder)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()


RANKING_PDF = "\0ranking.pdf"  # the render job for the batch summary (no report can have this name)
FINGERPRINT = ".fingerprint.json"  # beside result.json: for copied-text detection in later runs

# ── worker side ────────────────────────────────────────────────────────────
_STATE: dict[str, Any] = {}


def _init_worker(rubric: Rubric) -> None:
    _STATE["rubric"] = rubric
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides how to stop


def _score_one(path: str, folder: str) -> dict[str, Any]:
    from .copying import fingerprint
    from .document import load_document
    from .result import build_result
    from .scoring import score_document

    try:
        doc = load_document(path)
        result = build_result(doc, _STATE["rubric"], score_document(doc, _STATE["rubric"]))
        fp = fingerprint(doc.match_text)
    except UserError as exc:
        return {"error": str(exc)}
    except Exception as exc:  # a bug must not stop the batch; it is reported per file
        return {"error": f"{path}: internal error ({type(exc).__name__}: {exc}); please report it"}
    write_atomic(Path(folder) / FINGERPRINT, json.dumps(fp))
    write_atomic(Path(folder) / "result.json", dumps(result))
    return summarize(result) | {"fingerprint": fp}


def _render_one(folder: str, formats: tuple[str, ...], template_dir: str | None,
                batch: dict[str, Any], key: str) -> dict[str, Any]:
    from .render import write_scorecard

    try:
        result = json.loads((Path(folder) / "result.json").read_text("utf-8"))
        write_scorecard(result, Path(folder), formats, template_dir=template_dir, batch=batch,
                        scored_on=batch.get("scored_on"))
        write_atomic(Path(folder) / ".render-key", key)
    except UserError as exc:
        return {"error": str(exc)}
    return {}


def _ranking_pdf_one(ranking: dict[str, Any], out: str, template_dir: str | None) -> dict[str, Any]:
    from .exports import write_ranking_pdf

    try:
        write_ranking_pdf(ranking, Path(out), template_dir=template_dir)
    except UserError as exc:
        return {"error": str(exc)}
    return {}


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    """What ranking needs of a result: small enough to keep thousands in memory."""
    return {
        "file": result["input"]["file"],
        "path": result["input"]["path"],
        "sha256": result["input"]["sha256"],
        "metadata": result["metadata"],
        "total": result["total"],
        "max": result["max"],
        "areas": {a["id"]: a["points"] for a in result["areas"]},
        "area_max": {a["id"]: a["max_points"] for a in result["areas"]},
        "area_titles": {a["id"]: a["title"] for a in result["areas"]},
        "levels": {c["id"]: c["level"] for c in result["criteria"]},
        "not_applicable": [c["id"] for c in result["criteria"] if not c.get("applies", True)],
        "criteria_titles": {c["id"]: c["title"] for c in result["criteria"]},
        "evidence": {c["id"]: (c["evidence"][0]["quote"], c["evidence"][0]["part_path"])
                     for c in result["criteria"] if c["evidence"]},
        "flags": [f["name"] for f in result["flags"]],
        "missing_parts": result["missing_parts"],
        "rubric_sha256": result["rubric"]["sha256"],
    }


# ── parent side ───────────────────────────────────────────────────────────
Progress = Callable[[str, int, int, int, str | None], None]  # phase, done, total, failed, message


def _reusable(folder: Path, job: Job, rubric: Rubric) -> dict[str, Any] | None:
    try:
        result = json.loads((folder / "result.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if (result.get("input", {}).get("sha256") == job.sha256
            and result.get("rubric", {}).get("sha256") == rubric.sha256
            and result.get("scorer_version") == __version__):  # a new scorer may judge differently
        try:
            fp = json.loads((folder / FINGERPRINT).read_text("utf-8"))
        except (OSError, ValueError):
            return None  # scored by an older run without a fingerprint: score again
        return summarize(result) | {"fingerprint": fp}
    return None


def _pool(jobs: int, rubric: Rubric) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(rubric,))


def _warm_up(rubric: Rubric) -> None:
    """Load the dictionary, converters and automaton once, before forking workers."""
    from .document import document_from_text
    from .matcher import match_document

    match_document(document_from_text("2023年,某区政府召开常务会会前学法5次。", "<warm-up>"), rubric)


def _warm_up_renderer(template_dir: Path | None) -> None:
    """Import WeasyPrint and set up its fonts once, before forking workers: each
    worker would otherwise spend about a second on it."""
    from .render import html_to_pdf

    html_to_pdf("<html><body><p class=\"x\">法治</p></body></html>", template_dir=template_dir)


def run_batch(paths: list[Path], out: Path, rubric: Rubric, *, formats: set[str], jobs: int,
              template_dir: Path | None = None, group_by: str = "auto", scored_on: str | None = None,
              progress: Progress | None = None) -> tuple[BatchOutcome, dict[str, Any]]:
    """Score, rank and render a batch. Returns the outcome and the ranking."""
    from .ranking import build_ranking, scorecard_context

    progress = progress or (lambda *a: None)
    outcome = BatchOutcome()
    files, problems = discover(paths)
    outcome.failures.extend(problems)
    names = output_names(files)
    todo: list[Job] = []
    for f in files:
        try:
            sha = hashlib.sha256(f.read_bytes()).hexdigest()
        except OSError as exc:
            outcome.failures.append({"file": str(f), "error": f"cannot read: {exc.strerror or exc}"})
            continue
        job = Job(f, names[f], sha)
        summary = _reusable(out / job.name, job, rubric)
        if summary is not None:
            summary["name"] = job.name
            summary["path"] = str(f)
            outcome.summaries.append(summary)
            outcome.reused += 1
        else:
            todo.append(job)
    total = len(files)
    progress("score", outcome.reused, total, len(outcome.failures), None)
    if todo:
        _warm_up(rubric)
        failed_before = len(outcome.failures)
        _run_pool(
            jobs, rubric, todo,
            submit=lambda pool, job: pool.submit(_score_one, str(job.path), str(out / job.name)),
            done=lambda job, value: _scored(outcome, job, value),
            progress=lambda message: progress(
                "score", outcome.reused + outcome.scored + len(outcome.failures) - failed_before,
                total, len(outcome.failures), message),
            outcome=outcome,
        )
    if not outcome.interrupted:
        from .copying import find_copies
        from .document import load_document

        find_copies(outcome.summaries, lambda summary: load_document(summary["path"]))
    ranking = build_ranking(outcome.summaries, outcome.failures, rubric, group_by=group_by)
    if outcome.interrupted or not formats & {"html", "pdf"}:
        return outcome, ranking
    tsha = templates_sha256(template_dir)
    renders: list[tuple[Job, dict[str, Any], str]] = []
    for summary in outcome.summaries:
        context = scorecard_context(ranking, summary["name"])
        context["scored_on"] = scored_on
        key = hashlib.sha256(json.dumps([summary["sha256"], summary["rubric_sha256"], tsha, sorted(formats),
                                         context], sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        folder = out / summary["name"]
        have = all((folder / f"scorecard.{ext}").exists() for ext in formats & {"html", "pdf"})
        try:
            same = have and (folder / ".render-key").read_text("utf-8") == key
        except OSError:
            same = False
        if same:
            outcome.renders_reused += 1
        else:
            renders.append((Job(Path(summary["path"]), summary["name"], summary["sha256"]), context, key))
    progress("render", outcome.renders_reused, len(outcome.summaries), 0, None)
    if renders:
        fmt = tuple(sorted(formats & {"html", "pdf"}))
        if "pdf" in fmt:
            _warm_up_renderer(template_dir)
        tdir = str(template_dir) if template_dir else None
        contexts = {job.name: (context, key) for job, context, key in renders}
        render_failures: list[str] = []
        items = [job for job, _, _ in renders]
        if "pdf" in fmt:
            # The summary PDF (long for a big batch) renders beside the scorecards, not after them.
            items.insert(0, Job(out / "ranking.pdf", RANKING_PDF, ""))

        def submit(pool, job: Job):
            if job.name == RANKING_PDF:
                return pool.submit(_ranking_pdf_one, ranking, str(out), tdir)
            return pool.submit(_render_one, str(out / job.name), fmt, tdir, *contexts[job.name])

        _run_pool(
            jobs, rubric, items,
            submit=submit,
            done=lambda job, value: _rendered(outcome, job, value, render_failures),
            progress=lambda message: progress("render", outcome.renders_reused + outcome.rendered,
                                              len(outcome.summaries), len(render_failures), message),
            outcome=outcome,
        )
        if render_failures:
            # A template error is the evaluator's to fix, not the report's: stop with it.
            raise UserError(render_failures[0])
    return outcome, ranking


def _scored(outcome: BatchOutcome, job: Job, value: dict[str, Any]) -> str:
    if "error" in value:
        outcome.failures.append({"file": str(job.path), "error": value["error"]})
        return f"✘ {value['error']}"
    value["name"] = job.name
    value["path"] = str(job.path)
    outcome.summaries.append(value)
    outcome.scored += 1
    return f"✔ {job.path.name} {value['total']:.1f}"


def _rendered(outcome: BatchOutcome, job: Job, value: dict[str, Any], failures: list[str]) -> str:
    if "error" in value:
        failures.append(value["error"])
        return f"✘ {value['error']}"
    if job.name == RANKING_PDF:
        outcome.ranking_pdf = True
        return "✔ ranking.pdf"
    outcome.rendered += 1
    return f"✔ {job.name}"


def _run_pool(jobs: int, rubric: Rubric, items: list[Job], *, submit, done, progress, outcome: BatchOutcome) -> None:
    """Run jobs in worker processes; on SIGINT/SIGTERM stop submitting, finish what runs, and return."""
    stop = {"requested": 0}

    def request_stop(signum, frame):
        stop["requested"] = signum

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with _pool(jobs, rubric) as pool:
            pending: dict[Future, Job] = {}
            queue = list(items)
            while queue or pending:
                while queue and len(pending) < jobs * 2 and not stop["requested"]:
                    job = queue.pop(0)
                    pending[submit(pool, job)] = job
                if not pending:
                    break
                finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = pending.pop(future)
                    try:
                        value = future.result()
                    except Exception as exc:  # a worker that died (e.g. out of memory)
                        value = {"error": f"{job.path}: the worker stopped ({type(exc).__name__}); skipped"}
                    progress(done(job, value))
                if stop["requested"] and not queue:
                    continue
                if stop["requested"]:
                    queue.clear()
                    outcome.interrupted = stop["requested"]
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)

