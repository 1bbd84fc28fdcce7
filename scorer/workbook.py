"""ranking.xlsx: a sheet per group, the evidence (依据), the failures, the notes (说明) and the
复核 sheet, laid out for reading and printing: each area's points followed by its criteria's
levels (an outline group to fold them), a filter on every column, A4 landscape with the
header row on every page, and columns wide enough for their contents."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from .cells import append_row as _append
from .cells import display_width
from .exports import REVIEW_HEADER, Ranked, has_review, row_values, stale_line, titles_of
from .labels import GROUP_BY, NOT_APPLICABLE, STRUCTURE_LEVELS
from .review_tools import REVIEW_COLUMNS, REVIEW_SHEET, review_rows

MIN_COMPARE = 5  # rows a colour scale needs to compare anything (fewer: no scale)
MAX_WIDTH = 40  # characters; longer text wraps or runs over
HEADER_WRAP = 12  # a long header wraps rather than widen a column of short values

# Inside ranking.xlsx: openpyxl stamps the clock into its properties and zip entries.
_FIXED_TIME = dt.datetime(1980, 1, 1)


def ranking_xlsx(batch: Ranked) -> bytes:
    """A sheet per group, the evidence, the failures and notes; the same bytes for the same batch."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for group in batch.ranking["groups"]:
        _group_sheet(wb, batch, group)
    _evidence_sheet(wb, batch)
    _failures_sheet(wb, batch.ranking)
    _notes_sheet(wb, batch.ranking)
    review_sheet(wb, batch.summaries)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _without_clock(buffer.getvalue())


def _columns(batch: Ranked) -> list[tuple[str, Any, int]]:
    """The group sheet's columns as (header, what fills it, outline level): the leading facts,
    then each area's points followed by its criteria's levels, then the rest of a row."""
    ranking, rubric = batch.ranking, batch.rubric
    lead = ["分组", "名次", "地区", "上级", "年度", "总分", "满分", *(REVIEW_HEADER if has_review(ranking) else [])]
    columns: list[tuple[str, Any, int]] = [(h, ("row", i), 0) for i, h in enumerate(lead)]
    for area in rubric.areas:
        columns.append((f"{area.title}（得分）", ("area", area.id), 0))
        columns += [(f"{c['title']}（等级）", ("level", c["id"]), 1) for c in ranking["criteria"] if c["area"] == area.id]
    tail = ["内容问题", "缺少部分", "发布日期", "按时公开", "文件", "评分表"]
    columns += [(h, ("row", len(lead) + len(rubric.areas) + i), 0) for i, h in enumerate(tail)]
    return columns


def _group_sheet(wb, batch: Ranked, group: dict[str, Any]) -> None:
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter

    ranking = batch.ranking
    ws = wb.create_sheet((group["key"] if ranking["group_by"] != "none" else "排名")[:31])
    columns = _columns(batch)
    _append(ws, [h for h, _, _ in columns])
    rows = []
    for entry in group["entries"]:
        plain = row_values(entry, group["key"], ranking, batch.rubric)
        levels = entry["levels"] | entry.get("reviewed_levels", {})  # the levels that count
        values = [plain[key] if kind == "row" else entry["areas"].get(key, 0) if kind == "area" else levels.get(key, 0)
                  for _, (kind, key), _ in columns]
        rows.append(values)
        row = _append(ws, values)
        ws.cell(row=row, column=len(values)).hyperlink = entry["scorecard"]
    _layout(ws, [h for h, _, _ in columns], rows, freeze="C2")
    for i, (_, _, level) in enumerate(columns, 1):
        if level:
            ws.column_dimensions[get_column_letter(i)].outline_level = level
    ws.sheet_properties.outlinePr.summaryRight = False  # an area's criteria fold into the column before them
    total_col = get_column_letter([h for h, _, _ in columns].index("总分") + 1)
    if len(rows) >= MIN_COMPARE:
        ws.conditional_formatting.add(f"{total_col}2:{total_col}{len(rows) + 1}", ColorScaleRule(
            start_type="min", start_color="F8F8F8", end_type="max", end_color="7F7F7F"))


def _layout(ws, header: list[str], rows: list[list[Any]], *, freeze: str,
            widths: dict[int, int] | None = None) -> None:
    """Bold wrapped header, frozen panes, a filter, widths from the contents, A4 landscape
    printing fitted to the page's width with the header row repeated on every page."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = freeze
    for i, name in enumerate(header, 1):
        longest = max((display_width(r[i - 1]) for r in rows if i - 1 < len(r)), default=0)
        width = (widths or {}).get(i) or min(MAX_WIDTH, max(6, min(display_width(name), HEADER_WRAP), longest) + 2)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _evidence_sheet(wb, batch: Ranked) -> None:
    """依据: per report and criterion the area, the level in words, the points and the quote, or
    for a zero the reason (what was searched, what was rejected), as the scorecard gives it."""
    ev = wb.create_sheet("依据")
    header = ["文件", "地区", "领域", "指标", "评定", "等级", "得分", "引文（照录原文）", "位置", "未计分原因", "指标编号"]
    _append(ev, header)
    areas = {a.id: a.title for a in batch.rubric.areas}
    rows = []
    for s in sorted(batch.summaries, key=lambda s: s["name"]):
        for c in batch.ranking["criteria"]:
            level = s["levels"].get(c["id"], 0)
            quote, where = s["evidence"].get(c["id"], ("", ""))
            reason = s.get("reasons", {}).get(c["id"], "") if not quote else ""
            row = [s["file"], s["metadata"]["region"] or "", areas.get(c["area"], c["area"]), c["title"],
                   _level_name(s, c["id"], level), level, s["points"].get(c["id"], 0), quote, where, reason, c["id"]]
            rows.append(row)
            _append(ev, row)
    _layout(ev, header, rows, freeze="E2", widths={8: 60, 10: 40})


def _level_name(s: dict[str, Any], cid: str, level: int) -> str:
    if cid in s["not_applicable"]:
        return NOT_APPLICABLE
    if s.get("top_levels", {}).get(cid) == 2:
        return STRUCTURE_LEVELS.get(level, str(level))
    return s["level_names"].get(cid) or str(level)


def _failures_sheet(wb, ranking: dict[str, Any]) -> None:
    failed = wb.create_sheet("失败")
    header = ["文件", "原因", "原始信息（英文，报告问题时附上）"]
    _append(failed, header)
    rows = [[f["file"], f["message"], f["error"]] for f in ranking["failures"]]
    for row in rows:
        _append(failed, row)
    _layout(failed, header, rows, freeze="A2", widths={2: 60, 3: 60})


def _notes_sheet(wb, ranking: dict[str, Any]) -> None:
    notes = wb.create_sheet("说明")
    titles = titles_of(ranking)
    rows = [["排名规则", ranking["tie_rule"]],
            ["分组", GROUP_BY.get(ranking["group_by"], ranking["group_by"])],
            ["评估指标", f"{ranking['rubric']['title']} {ranking['rubric']['version']}"],
            ["无一份报告达标的指标", "、".join(titles.get(m, m) for m in ranking["never_matched"]) or "无"],
            ["表头", "“（得分）”列为领域得分，“（等级）”列为指标评定等级（0–3，结构项0–2），各领域的指标列可用列号上方的分级按钮折叠"],
            *[["复核未应用", stale_line(stale)] for stale in ranking.get("review_stale", [])]]
    for row in rows:
        _append(notes, row)
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100


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
