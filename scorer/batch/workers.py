"""What runs in a worker process: scoring one report, rendering one scorecard or the
ranking PDF. Each returns a small mapping (with "error" when the input was at fault),
never raises for a bad report, and writes its files atomically."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import signal
import threading
from array import array
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..files import show, show_name, write_atomic
from ..ranking import summarize
from ..result import dumps_bytes, load_result
from ..review import Entry
from ..rubric import Rubric
from .outfolder import SHOWN_RESULT
from .reviewing import reviewed_result

RESULT = "result.json"
FINGERPRINT = ".fingerprint.json"  # beside result.json: for copied-text detection in later runs
RENDER_KEY = ".render-key"  # beside the scorecards: what they were rendered from

_STATE: dict[str, Any] = {}


def init_worker(rubric: Rubric | None = None, parent: int | None = None) -> None:
    """A worker's state; with the parent's pid (as the pool gives it), its signals too."""
    _STATE["rubric"] = rubric
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides how to stop
    if parent is not None:
        signal.signal(signal.SIGTERM, _on_term)
        _die_with_parent(parent)


def init_scoring_worker(rubric: Rubric, warm: bool, parent: int | None = None) -> None:
    """A worker that scores reports. With `warm` it loads what scoring needs (the dictionary,
    the gazetteer) before its first report, so that the load does not count against that
    report's time limit; workers forked after the parent warmed up share what it loaded."""
    init_worker(rubric, parent)
    if warm:
        with contextlib.suppress(Exception):  # the report meets the same error and reports it as its own
            warm_up_scoring(rubric)


def _on_term(signum, frame):
    raise SystemExit(128 + signum)  # unwinds: write_atomic removes its temp file


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive its parent (killed with SIGKILL, it cannot stop them): Linux
    sends the worker SIGKILL when the parent dies."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)


class ReportTimeout(BaseException):
    """A report that took longer than the batch's time limit (a BaseException, so that no
    `except Exception` in the engine swallows it)."""


def _on_alarm(signum, frame):
    raise ReportTimeout


HARD_GRACE = 30.0  # seconds past the limit a report stuck in one library call gets before its worker ends


def _watchdog(time_limit: float) -> threading.Timer:
    """The limit's backstop: SIGALRM interrupts Python code only when it runs, so a report
    stuck in one long library call ends its worker (the pool then fails that report alone)."""
    timer = threading.Timer(time_limit + HARD_GRACE, os._exit, (70,))
    timer.daemon = True
    if time_limit > 0:
        timer.start()
    return timer


def score_file(path: str | Path, rubric: Rubric) -> dict[str, Any]:
    """Read, score and describe one report: its result."""
    return _result(_read(path), rubric)


def _read(path: str | Path):
    from ..doccache import load_document

    return load_document(path)  # reading does not depend on the rubric: a report scored again re-matches only


def _result(doc, rubric: Rubric) -> dict[str, Any]:
    from ..result import build_result
    from ..scoring import score_document

    return build_result(doc, rubric, score_document(doc, rubric))


def score_report(path: str, folder: str, entries: tuple[Entry, ...] = (), time_limit: float = 0) -> dict[str, Any]:
    """result.json and the fingerprint for one report, with its review entries applied;
    returns its summary, fingerprint and the sha256 of the result as written. A report
    still running after `time_limit` seconds (0: none) is a failure of that report."""
    from ..copying import fingerprint

    shown = show_name(path)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    watchdog = _watchdog(time_limit)
    try:
        signal.setitimer(signal.ITIMER_REAL, max(time_limit, 0))  # in the try: a tiny limit fires at once
        doc = _read(path)
        # Before matching: the memory a long report's fingerprint takes for a while is then
        # what reading freed, not more on top of matching's (which Python keeps until exit).
        # Kept while the report is matched: its JSON (about 12 bytes a hash) and the hashes as
        # 4-byte crc32s, not a list of int objects (40 bytes each).
        fp = fingerprint(doc.match_text)
        fp_json = json.dumps(fp)
        fp = array("I", fp)
        result = _result(doc, _STATE["rubric"])
        result = reviewed_result(result, doc, entries, _STATE["rubric"])  # quotes checked with doc at hand
        signal.setitimer(signal.ITIMER_REAL, 0)
        watchdog.cancel()
        result = result | {"input": result["input"] | {"file": show_name(Path(path).name), "path": shown}}
        data = dumps_bytes(result)
        # Checked whenever read again (schema, sums, the index's sha256) and made anew when
        # damaged: no fsync, which cost a batch more than the scoring of a report.
        write_atomic(Path(folder) / FINGERPRINT, fp_json, durable=False)
        write_atomic(Path(folder) / RESULT, data, durable=False)
    except ReportTimeout:
        return {"error": f"{shown}: scoring took longer than the time limit of {time_limit:g} s; skipped "
                         "(check the file, or raise the limit with --time-limit)"}
    except UserError as exc:
        return {"error": show(str(exc).replace(path, shown))}
    except Exception as exc:  # a bug must not stop the batch; it is reported per file
        return {"error": show(f"{shown}: internal error ({type(exc).__name__}: {exc}); please report it")}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        watchdog.cancel()
        signal.signal(signal.SIGALRM, previous)
    return {"summary": summarize(result), "fingerprint": fp, "result_sha256": hashlib.sha256(data).hexdigest()}


def render_scorecard(folder: str, formats: tuple[str, ...], template_dir: str | None,
                     batch: dict[str, Any], key: str, result_sha256: str = "") -> dict[str, Any]:
    """The scorecards of one result.json, with its place in the batch."""
    from ..render import write_scorecard

    try:
        result = load_result(Path(folder) / RESULT)
        write_scorecard(result, Path(folder), formats, template_dir=template_dir, batch=batch,
                        scored_on=batch.get("scored_on"))
        write_atomic(Path(folder) / RENDER_KEY, key)
        write_atomic(Path(folder) / SHOWN_RESULT, result_sha256)
    except UserError as exc:
        return {"error": str(exc)}
    return {}


def render_ranking_pdf(ranking: dict[str, Any], out: str, template_dir: str | None) -> dict[str, Any]:
    from ..exports import write_ranking_pdf

    try:
        write_ranking_pdf(ranking, Path(out), template_dir=template_dir)
    except UserError as exc:
        return {"error": str(exc)}
    return {}


def warm_up_scoring(rubric: Rubric) -> None:
    """Load the dictionary, converters and automaton once, before forking workers."""
    from ..document import document_from_text
    from ..matcher import match_document

    match_document(document_from_text("2023年,某区政府召开常务会会前学法5次。", "<warm-up>"), rubric)


def warm_up_rendering(template_dir: Path | None) -> None:
    """Import WeasyPrint and set up its fonts once, before forking workers: each
    worker would otherwise spend about a second on it."""
    from ..render import html_to_pdf

    html_to_pdf("<html><body><p class=\"x\">法治</p></body></html>", template_dir=template_dir)


def init_diff_worker(rubrics: tuple[Rubric, ...], parent: int | None = None) -> None:
    """A `rubric diff` worker: the rubrics to score with, and the batch workers' signals."""
    init_worker(None, parent)
    _STATE["rubrics"] = rubrics


def score_for_diff(items: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """A chunk of (name, path): each report's summary under each rubric, the failures."""
    from ..rubric_diff import score_items

    return score_items(items, _STATE["rubrics"])


def score_in_workers(items: list[tuple[str, str]], rubrics: tuple[Rubric, ...] | list[Rubric],
                     jobs: int) -> tuple[list[list[dict[str, Any]]], list[dict[str, str]]]:
    """`rubric diff`'s scoring in worker processes: rows of summaries in the order of `items`."""
    from .pool import Task, run_tasks

    for rubric in rubrics:  # loaded before forking, so that each worker does not load them again
        warm_up_scoring(rubric)
    size = max(1, min(25, len(items) // (jobs * 8)))  # chunks: fewer round trips, still balanced
    chunks = [tuple(items[i:i + size]) for i in range(0, len(items), size)]
    tasks = [Task(chunk[0][1], score_for_diff, (chunk,)) for chunk in chunks]
    order = {task: k for k, task in enumerate(tasks)}
    rows: dict[int, list] = {}
    failures: list[dict[str, str]] = []

    def done(task: Task, value: dict[str, Any]) -> str:
        if "error" in value:  # its worker died: every report of the chunk is listed with why
            failures.extend({"file": path, "error": value["error"]} for _, path in task.args[0])
        else:
            rows[order[task]] = value["rows"]
            failures.extend(value["failures"])
        return ""

    stopped = run_tasks(tasks, jobs=jobs, done=done, progress=lambda _: None,
                        initializer=init_diff_worker, initargs=(tuple(rubrics),))
    if stopped:
        raise SystemExit(128 + stopped)  # the shell's convention, as `scorer score` exits
    return [row for k in sorted(rows) for row in rows[k]], failures
