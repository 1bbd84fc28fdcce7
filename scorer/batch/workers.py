"""What runs in a worker process: scoring one report, rendering one scorecard or the
ranking PDF. Each returns a small mapping (with "error" when the input was at fault),
never raises for a bad report, and writes its files atomically."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..files import write_atomic
from ..ranking import summarize
from ..result import digest, dumps, load_result
from ..review import Entry
from ..rubric import Rubric
from .reviewing import reviewed_result

RESULT = "result.json"
FINGERPRINT = ".fingerprint.json"  # beside result.json: for copied-text detection in later runs
RENDER_KEY = ".render-key"  # beside the scorecards: what they were rendered from

_STATE: dict[str, Any] = {}


def init_worker(rubric: Rubric | None = None) -> None:
    _STATE["rubric"] = rubric
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides how to stop


def score_file(path: str | Path, rubric: Rubric) -> dict[str, Any]:
    """Read, score and describe one report: its result."""
    return _score(path, rubric)[1]


def _score(path: str | Path, rubric: Rubric):
    from ..document import load_document
    from ..result import build_result
    from ..scoring import score_document

    doc = load_document(path)
    return doc, build_result(doc, rubric, score_document(doc, rubric))


def score_report(path: str, folder: str, entries: tuple[Entry, ...] = ()) -> dict[str, Any]:
    """result.json and the fingerprint for one report, with its review entries applied;
    returns its summary, fingerprint and the sha256 of the result as written."""
    from ..copying import fingerprint

    try:
        doc, result = _score(path, _STATE["rubric"])
        result = reviewed_result(result, doc, entries, _STATE["rubric"])  # quotes checked with doc at hand
        fp = fingerprint(doc.match_text)
    except UserError as exc:
        return {"error": str(exc)}
    except Exception as exc:  # a bug must not stop the batch; it is reported per file
        return {"error": f"{path}: internal error ({type(exc).__name__}: {exc}); please report it"}
    text = dumps(result)
    write_atomic(Path(folder) / FINGERPRINT, json.dumps(fp))
    write_atomic(Path(folder) / RESULT, text)
    return {"summary": summarize(result), "fingerprint": fp, "result_sha256": digest(result)}


def render_scorecard(folder: str, formats: tuple[str, ...], template_dir: str | None,
                     batch: dict[str, Any], key: str) -> dict[str, Any]:
    """The scorecards of one result.json, with its place in the batch."""
    from ..render import write_scorecard

    try:
        result = load_result(Path(folder) / RESULT)
        write_scorecard(result, Path(folder), formats, template_dir=template_dir, batch=batch,
                        scored_on=batch.get("scored_on"))
        write_atomic(Path(folder) / RENDER_KEY, key)
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
