"""What the review page reads and writes: a scored batch's results, their report texts and
rubrics, the review record, and the checks of one submitted review.

The page reads nothing but OUT_DIR's <report>/result.json files, the report files and
rubrics those results name (each checked against its sha256), the review record, and the
shipped templates (review_page.py: the page's own, and the scorecard's when it re-renders). A
request names a report by its output folder, looked up among the folders found, never
joined into a path.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .document import Document, load_document
from .errors import UserError
from .result import load_result
from .review import (
    Entry,
    Record,
    ReviewError,
    add_entry,
    entries_for,
    load_review,
    make_entry,
    save_review,
)
from .review_tools import apply_review, check_entry, quote_problem, stale_entries
from .rubric import Rubric, load_rubric

RESULT = "result.json"


class PageError(Exception):
    """A problem the page shows in Chinese instead of the report or the saved review."""


@dataclass(frozen=True)
class Reviewed:
    """A report as the page shows it: its result, the record applied, and what is off."""

    name: str
    result: dict[str, Any]  # the machine's, as in result.json
    reviewed: dict[str, Any] | None  # with the record applied; None when the rubric is unusable
    stale: list[str]  # why some of its entries are not applied
    problem: str | None  # why it cannot be reviewed now (report or rubric changed)


class Batch:
    """A scored batch and its review record; report documents and rubrics are kept once read."""

    def __init__(self, out_dir: Path, review_path: Path | None = None) -> None:
        self.out_dir = Path(out_dir).resolve()
        if not self.out_dir.is_dir():
            raise UserError(f"这不是文件夹，请给出 scorer score 的输出文件夹：{out_dir}" if self.out_dir.exists()
                            else f"没有这个文件夹：{out_dir}")
        self.review_path = Path(review_path) if review_path else self.out_dir / "review.yaml"
        self._docs: dict[tuple[str, str], Document] = {}
        self._rubrics: dict[tuple[str, str], Rubric] = {}
        self.lock = threading.Lock()  # one writer of the record at a time (the server is threaded)
        if not self.folders():
            raise UserError(f"{out_dir} 中没有评分结果（<报告>/{RESULT}）：请先运行 scorer score … --out {out_dir}")

    def folders(self) -> dict[str, Path]:
        """Output folder name → folder, for each result.json directly inside OUT_DIR."""
        found = {}
        for path in sorted(self.out_dir.glob(f"*/{RESULT}")):
            if path.resolve().is_relative_to(self.out_dir):  # a symlink out of OUT_DIR is not followed
                found[path.parent.name] = path.parent
        return found

    def result(self, name: str) -> dict[str, Any]:
        folder = self.folders().get(name)
        if folder is None:
            raise PageError(f"本批次中没有报告 {name}")
        try:
            return load_result(folder / RESULT)
        except UserError as exc:
            raise PageError(f"评分结果无法读取：{exc}") from None

    def record(self) -> Record:
        try:
            return load_review(self.review_path)
        except ReviewError as exc:
            raise PageError("复核记录文件有误，请先改正（页面不会覆盖它）：\n" + "\n".join(exc.problems)) from None
        except UserError as exc:
            raise PageError(f"复核记录文件无法读取：{exc}") from None

    def rubric(self, result: dict[str, Any]) -> Rubric:
        """The rubric the result was scored with, as long as its file is unchanged."""
        path, sha = result["rubric"].get("path") or "", result["rubric"]["sha256"]
        if (path, sha) not in self._rubrics:
            try:
                rubric = load_rubric(path)
            except UserError:
                rubric = None
            if rubric is None or rubric.sha256 != sha:
                raise PageError(f"评分标准 {path} 已更改或无法读取：请重新运行 scorer score 后再复核")
            self._rubrics[(path, sha)] = rubric
        return self._rubrics[(path, sha)]

    def document(self, result: dict[str, Any]) -> Document:
        """The report the result was scored from, found through its input path."""
        key = (result["input"]["path"], result["input"]["sha256"])
        if key not in self._docs:
            path = _report_file(result, self.out_dir)
            try:
                self._docs[key] = load_document(path, data_sha256=key[1])
            except UserError as exc:
                raise PageError(f"报告文件无法读取：{exc}") from None
        return self._docs[key]

    def view(self, name: str, record: Record | None = None, *, read_report: bool = True) -> Reviewed:
        """One report with the record applied (never written back to result.json). Without
        `read_report` (the batch page) the report file is not read nor its quotes checked."""
        result = self.result(name)
        record = self.record() if record is None else record
        entries = entries_for(record, result)
        stale = [s.message for s in stale_entries(Record(tuple(entries)), [result])]
        try:
            reviewed = apply_review(result, entries, self.rubric(result))
        except (PageError, UserError) as exc:
            return Reviewed(name, result, None, stale, str(exc))
        if not read_report:
            return Reviewed(name, result, reviewed, stale, None)
        try:
            doc = self.document(result)
        except PageError as exc:
            return Reviewed(name, result, reviewed, stale, str(exc))
        stale += [s.message for s in (quote_problem(e, doc) for e in entries) if s]
        return Reviewed(name, result, reviewed, stale, None)


def _report_file(result: dict[str, Any], out_dir: Path) -> Path:
    """The report file named by the result: its path as given, or relative to the folder the
    batch was scored from (the working folder, else OUT_DIR's parent), with the same sha256."""
    given = Path(result["input"]["path"])
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, out_dir.parent / given]
    existing = [p for p in candidates if p.is_file()]
    for path in existing:
        if hashlib.sha256(path.read_bytes()).hexdigest() == result["input"]["sha256"]:
            return path
    if existing:
        raise PageError(f"报告文件 {given} 已更改（sha256 不同）：请重新运行 scorer score 后再复核")
    raise PageError(f"找不到报告文件 {given}：请在评分时所在的文件夹中启动复核页面")


# --- one submitted review ------------------------------------------------------------------

def submit(batch: Batch, name: str, form: dict[str, str]) -> Entry:
    """Check one review from the page's form and write it to the record at once.
    Every refusal is a PageError with what to do, and leaves the record as it was."""
    result = batch.result(name)
    doc = batch.document(result)
    cid = form.get("criterion", "").strip()
    criterion = next((c for c in result["criteria"] if c["id"] == cid), None)
    if criterion is None:
        raise PageError(f"没有指标 {cid or '（空）'}：请从页面上的指标中选择")
    level, confirm = _level(form.get("level", ""), result, criterion)
    reason, reviewer = form.get("reason", "").strip(), form.get("reviewer", "").strip()
    if not reason:
        raise PageError("理由为空：请写明为何定为该等级")
    if not reviewer:
        raise PageError("复核人为空：请写上复核人姓名")
    quote = form.get("quote", "").strip() or None
    try:
        entry = make_entry(doc, cid, reason=reason, reviewer=reviewer, level=level, confirm=confirm, quote=quote)
    except UserError as exc:
        if quote and str(exc).startswith("quote:"):
            raise PageError("引文在报告中找不到：请在左侧报告原文中选取文字作为引文，或清空引文") from None
        raise PageError(f"复核无效：{exc}") from None
    stale = check_entry(entry, result)
    if stale is not None:
        raise PageError(stale.message)
    with batch.lock:  # read, add and write as one step, so that two submissions both stay
        save_review(batch.review_path, add_entry(batch.record(), entry))
    return entry


def _level(raw: str, result: dict[str, Any], criterion: dict[str, Any]) -> tuple[int | None, bool]:
    """(level, confirm) from the form's choice: a level of the rubric's scale up to the
    criterion's top, or 'confirm' for the machine's level."""
    if raw == "confirm":
        return None, True
    scale = [lv["level"] for lv in result["rubric"]["levels"]]
    top = criterion.get("top_level", max(scale))
    allowed = [lv for lv in scale if lv <= top]
    try:
        level = int(raw)
    except ValueError:
        level = None
    if level not in allowed:
        raise PageError(f"复核等级 {raw[:20] or '（空）'} 无效：请选择 {allowed[0]}–{allowed[-1]} 之间的等级，"
                        "或确认机器等级")
    return level, False


# --- the report's text with its marks ------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # ev (evidence) | rej (a hit that did not count) | rq (the reviewer's quote)
    criterion: str
    anchor: str  # the id the criterion's panel links to
    note: str  # shown on hover


def marks(result: dict[str, Any]) -> list[Mark]:
    """Every criterion's evidence, rejected hits and reviewed quote, with their offsets in the
    report as written."""
    out = []
    for c in result["criteria"]:
        for i, e in enumerate(c.get("evidence") or []):
            out.append(Mark(e["start"], e["end"], "ev", c["id"], f"ev-{c['id']}-{i}", f"证据：{c['title']}"))
        for i, r in enumerate(c.get("rejected") or []):
            out.append(Mark(r["start"], r["end"], "rej", c["id"], f"rej-{c['id']}-{i}",
                            f"未计入：{c['title']}（{r.get('reason', '')}）"))
        quote = (c.get("review") or {}).get("quote")
        if quote:
            out.append(Mark(quote["start"], quote["end"], "rq", c["id"], f"rq-{c['id']}", f"复核引文：{c['title']}"))
    return out


KIND_ORDER = ("rq", "ev", "rej")  # the colour a stretch under several marks takes


def segments(text: str, found: list[Mark]) -> list[dict[str, Any]]:
    """The text cut where any mark starts or ends: each piece with the marks over it (the
    first criterion it belongs to, its hover note) and the anchors of marks starting there."""
    found = [m for m in found if 0 <= m.start < m.end <= len(text)]
    bounds = sorted({0, len(text), *(m.start for m in found), *(m.end for m in found)})
    starting: dict[int, list[Mark]] = {}
    for m in found:
        starting.setdefault(m.start, []).append(m)
    active: list[Mark] = []
    pieces = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        active = [m for m in active if m.end > a] + starting.get(a, [])
        kinds = [k for k in KIND_ORDER if any(m.kind == k for m in active)]
        pieces.append({"text": text[a:b], "kind": kinds[0] if kinds else "",
                       "criterion": active[0].criterion if active else "",
                       "note": "\n".join(dict.fromkeys(m.note for m in active)),
                       "anchors": [m.anchor for m in starting.get(a, [])]})
    return pieces
