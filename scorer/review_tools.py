"""The review record against a batch's results: applying it (reviewed levels, points and
totals), stale entries, the reuse key, and the Excel route (a 复核 sheet of one row per report
and criterion, filled in Excel or WPS and imported into the record).

The record itself, its entries and its file are in review.py; two evaluators' agreement is in
review_agreement.py (its names are re-exported here).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .document import Document
from .errors import UserError
from .evaluate import K
from .quotes import QuoteFinder
from .review import Entry, Record, add_entry, entry_dict, latest_entries, now_iso
from .review_agreement import Difference, Pair, ReviewAgreement, machine_levels, review_agreement
from .rubric import Rubric
from .scoring import area_points, criterion_points

__all__ = ["CONFIRM_WORDS", "REVIEW_COLUMNS", "REVIEW_SHEET", "Difference", "Pair", "ReviewAgreement", "Stale",
           "apply_review", "check_entry", "import_review_xlsx", "machine_levels", "quote_problem", "result_for",
           "review_agreement", "review_key", "review_rows", "stale_entries"]

REVIEW_SHEET = "复核"
REVIEW_COLUMNS = ("文件", "sha256", "地区", "指标", "指标名称", "机器等级", "等级名称", "得分", "引文",
                  "复核等级", "理由", "复核人")
CONFIRM_WORDS = frozenset({"确认", "confirm", "✓", "√"})  # 复核等级 that confirms the machine's level

Item = tuple[str, str]  # (file, criterion)


@dataclass(frozen=True)
class Stale:
    """An entry that is not applied, and why, in a line the evaluator can act on."""

    entry: Entry
    kind: str  # changed | missing_report | unknown_criterion | not_applicable | level | quote
    message: str

    def as_dict(self) -> dict[str, Any]:
        e = self.entry
        return {"file": e.file, "sha256": e.sha256, "criterion": e.criterion, "reviewer": e.reviewer,
                "at": e.at, "problem": self.kind, "message": self.message}


# --- applying it ---------------------------------------------------------------------------

def check_entry(entry: Entry, result: dict[str, Any] | None) -> Stale | None:
    """Why an entry cannot be applied to the report `result` (None: it can). `result` is the
    batch's result for the entry's file name, or None when the batch has no such report."""
    if result is None:
        return Stale(entry, "missing_report", "本批次中没有该报告：请核对文件名（file），或删除该条目")
    if result["input"]["sha256"] != entry.sha256:
        return Stale(entry, "changed", "报告已更换（sha256 不同）：请重新复核该项或删除该条目")
    criterion = next((c for c in result["criteria"] if c["id"] == entry.criterion), None)
    if criterion is None:
        return Stale(entry, "unknown_criterion",
                     "评分指标中已无该指标（criterion）：请改为现有指标的 id，或删除该条目")
    if not criterion.get("applies", True):
        return Stale(entry, "not_applicable", "该指标不适用于本报告所涉年度，不能复核：请删除该条目")
    top = criterion.get("top_level", K - 1)
    if entry.level is not None and entry.level > top:
        return Stale(entry, "level", f"复核等级 {entry.level} 超出该指标的等级范围（0–{top}）："
                                     f"请改为 0–{top} 之间的等级")
    return None


def quote_problem(entry: Entry, doc: Document) -> Stale | None:
    """A quote written by hand that is not where its offsets say in the report read as `doc`
    (the page and the import check quotes as they are given; a hand edit is checked here)."""
    if entry.quote is None or (entry.quote.start, entry.quote.end) in QuoteFinder.of(doc).spans(entry.quote.text):
        return None
    return Stale(entry, "quote", "引文不在报告中（或位置不符）：请从报告中原样复制引文，或删去 quote")


def result_for(entry: Entry, results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The result the entry names: same file name, the same report if several share the name."""
    named = [r for r in results if r["input"]["file"] == entry.file]
    return next((r for r in named if r["input"]["sha256"] == entry.sha256), named[0] if named else None)


def stale_entries(record: Record, results: list[dict[str, Any]]) -> list[Stale]:
    """Entries that will not be applied to this batch, each with what to do, in record order."""
    results = list(results)
    found = (check_entry(e, result_for(e, results)) for e in record.entries)
    return [s for s in found if s is not None]


def review_key(entries: list[Entry]) -> str:
    """A digest of the entries touching one report, in any order: part of the report's reuse
    key, so a re-run re-scores the reports whose entries changed and no other."""
    canonical = sorted(json.dumps(entry_dict(e), ensure_ascii=False, sort_keys=True) for e in entries)
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False).encode("utf-8")).hexdigest()


def apply_review(result: dict[str, Any], entries: list[Entry], rubric: Rubric) -> dict[str, Any]:
    """A new result in which each reviewed criterion keeps the machine's level and evidence and
    gains `review`, and points, area subtotals and `total` follow the reviewed level (the
    machine's total is kept as `machine_total`). Entries for other reports or stale ones are
    not applied. Applying to an already reviewed result starts again from the machine's levels."""
    if result["rubric"]["sha256"] != rubric.sha256:
        raise UserError(f"{result['input']['file']} was scored with rubric {result['rubric']['id']} "
                        f"{result['rubric']['sha256'][:12]}, not {rubric.id} {rubric.sha256[:12]}; score it again")
    out = copy.deepcopy(result)
    valid = [e for e in entries if e.file == result["input"]["file"] and check_entry(e, result) is None]
    chosen = {criterion: e for (_, criterion), e in latest_entries(valid).items()}
    for c in out["criteria"]:
        c.pop("review", None)
        entry = chosen.get(c["id"])
        level = c["level"] if entry is None or entry.confirm else entry.level
        if entry is not None:
            c["review"] = _review(entry, level, rubric)
        c["points"] = criterion_points(rubric, rubric.criterion(c["id"]), level)
    levels = {c["id"]: (c["review"]["level"] if "review" in c else c["level"]) for c in out["criteria"]}
    points, total = area_points(rubric, levels)  # rounded as score_document rounds them
    for a in out["areas"]:
        a["points"] = points[a["id"]]
    out["machine_total"] = result.get("machine_total", result["total"])
    out["total"] = total
    out["reviewed"] = {"count": len(chosen), "reviewers": sorted({e.reviewer for e in valid})}
    return out


def _review(entry: Entry, level: int, rubric: Rubric) -> dict[str, Any]:
    review = {"level": level, "level_name": rubric.level(level).name, "reviewer": entry.reviewer,
              "at": entry.at, "reason": entry.reason, "confirmed": entry.confirm}
    if entry.quote is not None:
        review["quote"] = {"text": entry.quote.text, "start": entry.quote.start, "end": entry.quote.end}
    return review


# --- the Excel route -----------------------------------------------------------------------

def review_rows(results: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows of a 复核 sheet under REVIEW_COLUMNS: one per report and criterion that applies,
    by file and rubric order, with the machine's level, points and best quote, and the
    evaluator's three columns empty."""
    rows = []
    for r in sorted(results, key=lambda r: (r["input"]["file"], r["input"]["sha256"])):
        for c in r["criteria"]:
            if not c.get("applies", True):
                continue  # nothing to review: the criterion is outside the report's years
            quote = c["evidence"][0]["quote"] if c.get("evidence") else ""
            rows.append((r["input"]["file"], r["input"]["sha256"], r["metadata"].get("region") or "",
                         c["id"], c["title"], c["level"], c.get("level_name", ""), c["points"], quote,
                         None, None, None))
    return rows


def import_review_xlsx(path: str | Path, record: Record, results: list[dict[str, Any]], *,
                       at: str | None = None) -> tuple[Record, list[str]]:
    """Merge the filled rows of every 复核 sheet of a workbook into the record. A row without
    复核等级, 理由 and 复核人 is skipped; a bad row is reported by sheet and row and not
    imported; every other row is. `at` (default: now) is the time given to the imported entries."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike for a bad file
        raise UserError(f"cannot read the workbook ({type(exc).__name__}); save it as .xlsx", path=str(path)) from None
    problems: list[str] = []
    try:
        sheets = [(ws, _columns(ws)) for ws in wb.worksheets]
        if not any(columns for _, columns in sheets):
            raise UserError(f"no sheet with the columns {', '.join(REVIEW_COLUMNS)} in its first row; "
                            f"fill the {REVIEW_SHEET} sheet of ranking.xlsx", path=str(path))
        for ws, columns in sheets:
            for number, values in enumerate(ws.iter_rows(min_row=2, values_only=True) if columns else (), 2):
                row = {name: values[i] if i < len(values) else None for name, i in columns.items()}
                entry, problem = _row_entry(row, results, at or now_iso())
                if problem:
                    problems.append(f"{Path(path).name}：{ws.title}!第{number}行：{problem}")
                elif entry is not None:
                    record = add_entry(record, entry)
    finally:
        wb.close()
    return record, problems


def _columns(ws) -> dict[str, int] | None:
    """Column name → index from the header row, or None when it is not a 复核 sheet."""
    if not hasattr(ws, "iter_rows"):  # a chart sheet
        return None
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    names = {str(v).strip(): i for i, v in enumerate(header) if v is not None}
    needed = ("文件", "指标", "复核等级", "理由", "复核人")
    return names if all(n in names for n in needed) else None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _row_entry(row: dict[str, Any], results: list[dict[str, Any]], at: str) -> tuple[Entry | None, str]:
    """One filled row as an entry, or what is wrong with it (in words the evaluator reads)."""
    level_text, reason, reviewer = _text(row["复核等级"]), _text(row["理由"]), _text(row["复核人"])
    if not (level_text or reason):  # not reviewed (a name filled down the 复核人 column is not a review)
        return None, ""
    file, criterion = _text(row["文件"]), _text(row["指标"])
    confirm = level_text.lower() in CONFIRM_WORDS
    level = _level(level_text, results)
    if not confirm and level is None:
        return None, f"复核等级 {level_text or '（空）'} 不在等级范围内：请填 0–3 的数字、等级名称，或“确认”"
    if not reason:
        return None, "理由为空：请写明为何定为该等级"
    if not reviewer:
        return None, "复核人为空：请写上复核人"
    named = [r for r in results if r["input"]["file"] == file]
    if not named:
        return None, f"本批次中没有报告 {file or '（空）'}：请核对文件名"
    sha = _text(row.get("sha256")).lower() or named[0]["input"]["sha256"]
    if criterion not in {c["id"] for r in named for c in r["criteria"]}:
        return None, f"没有指标 {criterion or '（空）'}：请核对指标 id"
    try:
        entry = Entry(file=file, sha256=sha, criterion=criterion, reason=reason, reviewer=reviewer,
                      at=at, level=None if confirm else level)
    except UserError as exc:
        return None, str(exc)
    stale = check_entry(entry, result_for(entry, results))
    return (None, stale.message) if stale else (entry, "")


def _level(text: str, results: list[dict[str, Any]]) -> int | None:
    """'2', '2.0', '具体举措', '2 具体举措' → 2 (names as the batch's rubric gives them);
    anything else → None."""
    names = {"未体现": 0, "泛泛提及": 1, "具体举措": 2, "量化成效": 3}
    names |= {c["level_name"]: c["level"] for r in results for c in r["criteria"] if c.get("level_name")}
    head = text.split()[0] if text.split() else ""
    if head in names:
        return names[head]
    try:
        number = float(head)
    except ValueError:
        return None
    return int(number) if number.is_integer() and 0 <= number < K else None
