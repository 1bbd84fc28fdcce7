"""A batch's ranking as files: ranking.json, errors.json, ranking.csv, ranking.xlsx,
index.html and ranking.pdf. Each lists the failures with file and reason.

Every export is made from the same `Ranked` batch (the ranking, the rubric and the
reports' summaries) and is listed once in `EXPORTS`; ranking.pdf, slow for a big
batch, is rendered beside the scorecards instead (`ranking_pdf`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cells import append_row as _append
from .cells import inert as _inert
from .files import to_json, write_atomic
from .labels import FLAGS, ON_TIME, flag_word
from .render import html_to_pdf, render_template
from .review_tools import REVIEW_COLUMNS, REVIEW_SHEET, review_rows
from .rubric import Rubric


@dataclass(frozen=True)
class Ranked:
    """A ranked batch: what every export is made from."""
    ranking: dict[str, Any]
    rubric: Rubric
    summaries: tuple[dict[str, Any], ...]
    template_dir: Path | None = None


def _titles(ranking: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["title"] for c in ranking["criteria"]}


def has_review(ranking: dict[str, Any]) -> bool:
    """Whether any report of the batch was reviewed: only then do the tables show the review
    columns (a batch without a record gives the files it gave before)."""
    return any(e.get("reviewed") for g in ranking["groups"] for e in g["entries"])


def _review_values(entry: dict[str, Any]) -> list[Any]:
    return [entry["machine_total"], entry["reviewed"], "、".join(entry["reviewers"])]


REVIEW_HEADER = ["机器总分", "复核项数", "复核人"]


def stale_line(stale: dict[str, Any]) -> str:
    """A review entry not applied, as the evaluator reads it: which entry, why, what to do."""
    return (f"复核未应用:{stale['file']} · {stale['criterion']} · {stale['reviewer']} {stale['at']}:"
            f"{stale['message']}")


def _row_values(entry: dict[str, Any], group: str, ranking: dict[str, Any], rubric: Rubric) -> list[Any]:
    titles = _titles(ranking)
    return [
        group, entry["rank"], entry["region"] or "", entry["city"] or "", entry["year"] or "",
        entry["total"], entry["max"], *(_review_values(entry) if has_review(ranking) else []),
        *[entry["areas"].get(a.id, 0) for a in rubric.areas],
        "、".join([flag_word(f) for f in entry["flags"]]
                 + [f"与{c['name']}雷同{c['share']:.0%}" for c in entry["copied"]]),
        "、".join(titles.get(m, m) for m in entry["missing_parts"]),
        entry["published"] or "", ON_TIME[entry["on_time"]],
        entry["file"], entry["scorecard"], "ok", "",
    ]


def _header(rubric: Rubric, ranking: dict[str, Any]) -> list[str]:
    return ["分组", "名次", "地区", "上级", "年度", "总分", "满分", *(REVIEW_HEADER if has_review(ranking) else []),
            *[a.title for a in rubric.areas],
            "内容问题", "缺少部分", "发布日期", "按时公开", "文件", "评分表", "状态", "错误"]


def ranking_json(batch: Ranked) -> str:
    return to_json(batch.ranking)


def errors_json(batch: Ranked) -> str:
    """The failures, then the review entries not applied (`review`: the entry and its problem)."""
    stale = [{"file": s["file"], "error": stale_line(s), "review": s} for s in batch.ranking.get("review_stale", [])]
    return to_json(batch.ranking["failures"] + stale, sort_keys=False)


def ranking_csv(batch: Ranked) -> str:
    """UTF-8 with BOM, so that Excel and WPS open the Chinese correctly."""
    ranking, rubric = batch.ranking, batch.rubric
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = _header(rubric, ranking)
    writer.writerow(header)
    for group in ranking["groups"]:
        for entry in group["entries"]:
            writer.writerow(_inert(_row_values(entry, group["key"], ranking, rubric)))
    blanks = len(header) - 4
    for failure in ranking["failures"]:
        writer.writerow(_inert(["", "", "", "", *[""] * (blanks - 2), Path(failure["file"]).name, "", "failed",
                                failure["error"]]))
    for stale in ranking.get("review_stale", []):
        writer.writerow(_inert(["", "", "", "", *[""] * (blanks - 2), stale["file"], "", "review_stale",
                                stale_line(stale)]))
    writer.writerow([])
    writer.writerow([f"排名规则:{ranking['tie_rule']}"])
    return "\ufeff" + buffer.getvalue()


# Inside ranking.xlsx: openpyxl stamps the clock into its properties and zip entries.
_FIXED_TIME = dt.datetime(1980, 1, 1)


def ranking_xlsx(batch: Ranked) -> bytes:
    """A sheet per group, the evidence, the failures and notes; the same bytes for the same batch."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    _group_sheets(wb, batch)
    _evidence_sheet(wb, batch)
    ranking = batch.ranking
    failed = wb.create_sheet("失败")
    _append(failed, ["文件", "原因"])
    for f in ranking["failures"]:
        _append(failed, [f["file"], f["error"]])
    notes = wb.create_sheet("说明")
    _append(notes, ["排名规则", ranking["tie_rule"]])
    _append(notes, ["分组", ranking["group_by"]])
    _append(notes, ["评估指标", f"{ranking['rubric']['title']} {ranking['rubric']['version']}"])
    titles = _titles(ranking)
    _append(notes, ["无一份报告达标的指标", "、".join(titles.get(m, m) for m in ranking["never_matched"]) or "无"])
    for stale in ranking.get("review_stale", []):
        _append(notes, ["复核未应用", stale_line(stale)])
    review_sheet(wb, batch.summaries)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _without_clock(buffer.getvalue())


def _group_sheets(wb, batch: Ranked) -> None:
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ranking, rubric = batch.ranking, batch.rubric
    criteria = ranking["criteria"]
    header = _header(rubric, ranking)[:-4] + [c["title"] for c in criteria] + ["文件", "评分表"]
    for group in ranking["groups"]:
        ws = wb.create_sheet((group["key"] if ranking["group_by"] != "none" else "排名")[:31])
        _append(ws, header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for entry in group["entries"]:
            values = _row_values(entry, group["key"], ranking, rubric)[:-4]
            levels = entry["levels"] | entry.get("reviewed_levels", {})  # the levels that count
            values += [levels.get(c["id"], 0) for c in criteria] + [entry["file"], entry["scorecard"]]
            row = _append(ws, values)
            ws.cell(row=row, column=len(values)).hyperlink = entry["scorecard"]
        ws.freeze_panes = "C2"
        total_col = get_column_letter(header.index("总分") + 1)
        if group["entries"]:
            ws.conditional_formatting.add(
                f"{total_col}2:{total_col}{len(group['entries']) + 1}",
                ColorScaleRule(start_type="min", start_color="F8F8F8", end_type="max", end_color="7F7F7F"))
        for i, name in enumerate(header, 1):
            ws.column_dimensions[get_column_letter(i)].width = max(6, min(24, len(str(name)) * 2 + 2))


def _evidence_sheet(wb, batch: Ranked) -> None:
    from openpyxl.styles import Font

    ev = wb.create_sheet("依据")
    _append(ev, ["文件", "地区", "指标", "评定", "引文(照录原文)", "位置"])
    for cell in ev[1]:
        cell.font = Font(bold=True)
    ev.freeze_panes = "A2"
    for s in sorted(batch.summaries, key=lambda s: s["name"]):
        for c in batch.ranking["criteria"]:
            quote, where = s["evidence"].get(c["id"], ("", ""))
            _append(ev, [s["file"], s["metadata"]["region"] or "", c["title"], s["levels"].get(c["id"], 0), quote, where])
    ev.column_dimensions["E"].width = 80


def review_sheet(wb, summaries: tuple[dict[str, Any], ...]) -> None:
    """The 复核 sheet: a row per report and criterion with the machine's level, points and quote,
    and empty 复核等级, 理由, 复核人 for the evaluator (`scorer review import` reads it back)."""
    from openpyxl.styles import Font

    ws = wb.create_sheet(REVIEW_SHEET)
    _append(ws, list(REVIEW_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    reviews = {(s["file"], s["sha256"], cid): r for s in summaries for cid, r in s.get("reviews", {}).items()}
    for row in review_rows([_as_result(s) for s in summaries]):
        review = reviews.get(row[:2] + row[3:4])  # the standing review, to read and to change in place
        filled = ("确认" if review["confirmed"] else review["level"], review["reason"], review["reviewer"]) \
            if review else ()
        _append(ws, list(row[:len(row) - len(filled)]) + list(filled))
    for column, width in (("B", 10), ("E", 24), ("I", 60), ("K", 40)):
        ws.column_dimensions[column].width = width


def _as_result(s: dict[str, Any]) -> dict[str, Any]:
    """What review_rows reads of a result, from its summary."""
    na = set(s["not_applicable"])
    return {"input": {"file": s["file"], "sha256": s["sha256"]}, "metadata": s["metadata"],
            "criteria": [{"id": cid, "title": s["criteria_titles"][cid], "level": level, "applies": cid not in na,
                          "level_name": s["level_names"].get(cid, ""), "points": s["points"].get(cid, 0),
                          "evidence": [{"quote": s["evidence"][cid][0]}] if cid in s["evidence"] else []}
                         for cid, level in s["levels"].items()]}


def _without_clock(data: bytes) -> bytes:
    """The same workbook with _FIXED_TIME for every zip entry's date and for the document's
    modification time (which openpyxl sets to now on saving), so equal content gives equal bytes."""
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp, body)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


def index_html(batch: Ranked) -> str:
    ranking = batch.ranking
    context = {"ranking": ranking, "flag_words": FLAGS, "data_json": json.dumps(ranking, ensure_ascii=False),
               "criteria_titles": _titles(ranking), "reviewed": has_review(ranking)}
    return render_template("index.html.j2", context, template_dir=batch.template_dir)


# Every file written from a ranked batch, in the order written. A new export: a function
# from `Ranked` to the file's text or bytes, and a line here.
EXPORTS: tuple[tuple[str, Callable[[Ranked], str | bytes]], ...] = (
    ("ranking.json", ranking_json),
    ("errors.json", errors_json),
    ("ranking.csv", ranking_csv),
    ("ranking.xlsx", ranking_xlsx),
    ("index.html", index_html),
)


def write_exports(batch: Ranked, out: Path) -> list[Path]:
    """Every export in `EXPORTS`, written atomically into `out`; returns their paths."""
    for name, make in EXPORTS:
        write_atomic(out / name, make(batch))
    return [out / name for name, _ in EXPORTS]


def write_ranking_pdf(ranking: dict[str, Any], out: Path, *, template_dir: str | Path | None = None) -> Path:
    """ranking.pdf: the distribution of totals, the ranking, the criteria most often missed."""
    summary_html = render_template("ranking.html.j2", summary_context(ranking), template_dir=template_dir)
    write_atomic(out / "ranking.pdf", html_to_pdf(summary_html, template_dir=template_dir))
    return out / "ranking.pdf"


BINS = 10


def summary_context(ranking: dict[str, Any]) -> dict[str, Any]:
    """ranking.pdf's context: reports binned by their share of their own maximum (tenths),
    which holds for any rubric total and for reports whose maximum is below it."""
    bins = [0] * BINS
    for group in ranking["groups"]:
        for e in group["entries"]:
            share = e["total"] / e["max"] if e["max"] else 0.0
            bins[min(int(round(share * BINS, 6)), BINS - 1)] += 1
    return {"ranking": ranking, "flag_words": FLAGS, "bins": bins, "peak": max(bins),
            "bin_labels": [f"{100 * i // BINS}–{100 * (i + 1) // BINS}%" for i in range(BINS)],
            "criteria_titles": _titles(ranking), "reviewed": has_review(ranking)}
