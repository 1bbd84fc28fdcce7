"""The review record in a batch: which entries go with which report, when a report's
result must be made again because its entries changed, the entries that could not be
applied (each with what to do), and the results of a scored output folder.

The record itself is review.py; applying it and checking entries is review_tools.py.
A worker applies a report's entries while its Document is at hand (workers.py); what
this module adds is the batch's side: entries that name no report of the batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import UserError
from ..result import load_result
from ..review import Entry, Record
from ..review_tools import Stale, apply_review, check_entry, quote_problem, result_for, review_key
from ..rubric import Rubric

REVIEW_FILE = "review.yaml"  # in the output folder, unless --review names another
KEY = "record_key"  # in a reviewed result's `reviewed`: the digest of the entries applied to it
_UNKEYED = "(reviewed outside a batch)"  # a review with no key is never taken as current


def entries_for_job(record: Record, file: str, sha256: str) -> tuple[Entry, ...]:
    """The entries naming one report of the batch (its file name and the sha256 of its bytes)."""
    return tuple(e for e in record.entries if e.file == file and e.sha256 == sha256)


def expected_key(entries: tuple[Entry, ...]) -> str | None:
    """What a result's `reviewed.record_key` must be for it to be reused: None without entries."""
    return review_key(list(entries)) if entries else None


def stored_key(result: dict[str, Any]) -> str | None:
    reviewed = result.get("reviewed")
    return None if reviewed is None else reviewed.get(KEY, _UNKEYED)


def reviewed_result(result: dict[str, Any], doc: Document, entries: tuple[Entry, ...],
                    rubric: Rubric) -> dict[str, Any]:
    """The machine's result with the report's entries applied; an entry that is stale or whose
    quote is not in the report is not applied and is listed in `reviewed.stale`. Without
    entries the result is the machine's, unchanged (a batch without a record writes what it did)."""
    if not entries:
        return result
    stale = [check_entry(e, result) or quote_problem(e, doc) for e in entries]
    applied = [e for e, s in zip(entries, stale, strict=True) if s is None]
    out = apply_review(result, applied, rubric)
    out["reviewed"] |= {KEY: review_key(list(entries)), "stale": [s.as_dict() for s in stale if s is not None]}
    return out


def unmatched_stale(record: Record, scored: list[tuple[str, str]], failed: list[str]) -> list[dict[str, Any]]:
    """Entries naming no scored report of the batch by file name and sha256: the report
    changed, failed to be read, or is not in the batch (each with what to do)."""
    stubs = [{"input": {"file": file, "sha256": sha}} for file, sha in scored]
    here, failed_names = set(scored), {Path(f).name for f in failed}
    out = []
    for e in record.entries:
        if (e.file, e.sha256) in here:
            continue  # applied, or found stale, by the worker that scored the report
        if e.file in failed_names and not any(file == e.file for file, _ in scored):
            out.append(Stale(e, "not_scored", "该报告未能评分(见失败列表),复核未应用:解决读取问题后重新评分").as_dict())
        else:
            out.append(check_entry(e, result_for(e, stubs)).as_dict())
    return out


def batch_stale(per_report: list[list[dict[str, Any]]], unmatched: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every stale entry of the batch once, by file, criterion, time and reviewer."""
    seen = {tuple(sorted((k, str(v)) for k, v in s.items())): s for group in (*per_report, unmatched) for s in group}
    return sorted(seen.values(), key=lambda s: (s["file"], s["criterion"], s["at"], s["reviewer"], s["problem"]))


def results_in(folder: Path) -> list[dict[str, Any]]:
    """The results of a scored output folder (OUT/<name>/result.json), by folder name."""
    paths = sorted(Path(folder).glob("*/result.json"))
    if not paths:
        raise UserError("no result.json in its subfolders; give the output folder of `scorer score`",
                        path=str(folder))
    return [load_result(p) for p in paths]


def machine_results(folder: Path, rubric: Rubric) -> list[dict[str, Any]]:
    """Results to take the machine's levels from: an output folder's, or a report folder scored now
    (a report that cannot be read is left out: its items have no machine level)."""
    if any(Path(folder).glob("*/result.json")):
        return results_in(folder)
    from .discover import discover
    from .workers import score_file

    files, _ = discover([Path(folder)])
    if not files:
        raise UserError("neither result.json files nor reports (.txt .docx .pdf .html .htm) in it",
                        path=str(folder))
    results = []
    for f in files:
        try:
            results.append(score_file(f, rubric))
        except UserError:
            continue
    return results


def import_rows(workbook: Path, into: Path, out: Path) -> tuple[int, list[str]]:
    """Merge a workbook's filled 复核 rows into the record at `into` (written atomically when it
    changes), checked against the batch in `out`: how many entries were added or changed, and
    each row not imported, by sheet and row."""
    from ..review import load_review, save_review
    from ..review_tools import import_review_xlsx

    before = load_review(into)
    after, problems = import_review_xlsx(workbook, before, results_in(out))
    after = keep_standing(before, after)
    if after != before:
        save_review(into, after)
    return len(set(after.entries) - set(before.entries)), problems


def keep_standing(before: Record, after: Record) -> Record:
    """An imported entry that says what the same reviewer's standing entry says (a row of the
    复核 sheet shown filled from the record and left as it was) keeps the standing entry, with
    its time and quote: importing the same sheet twice changes nothing."""
    standing = {_said(e): e for e in before.entries}
    return Record(tuple(standing.get(_said(e), e) for e in after.entries))


def _said(e: Entry) -> tuple:
    return (e.file, e.sha256, e.criterion, e.reviewer, e.level, e.reason)
