"""ranking.xlsx: a sheet per group, the evidence (依据), the failures, the notes (说明) and the
复核 sheet, laid out for reading and printing: each area's points followed by its criteria's
levels (an outline group to fold them), a filter on every column, A4 landscape with the
header row on every page, and columns wide enough for their contents."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from .cells import Sheet, column_width, display_width, write_sheet
from .exports import REVIEW_HEADER, Ranked, has_review, row_values, stale_line, titles_of
from .labels import GROUP_BY, NOT_APPLICABLE, STRUCTURE_LEVELS
from .review_tools import REVIEW_COLUMNS, REVIEW_SHEET, review_rows

MIN_COMPARE = 5  # rows a colour scale needs to compare anything (fewer: no scale)
MAX_WIDTH = 40  # characters; longer text wraps or runs over
HEADER_WRAP = 12  # a long header wraps rather than widen a column of short values

# Inside ranking.xlsx: openpyxl stamps the clock into its properties and zip entries.
_FIXED_TIME = dt.datetime(1980, 1, 1)


def ranking_xlsx(batch: Ranked) -> bytes:
    """A sheet per group, the evidence, the failures and notes; the same bytes for the same batch.
    Written in openpyxl's write-only mode: each sheet's rows are made first, then its layout
    (which such a sheet writes ahead of the rows), then the rows are streamed out."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for group in batch.ranking["groups"]:
        write_sheet(wb, _group_sheet(batch, group))
    write_sheet(wb, _evidence_sheet(batch))
    write_sheet(wb, _failures_sheet(batch.ranking))
    write_sheet(wb, _notes_sheet(batch.ranking))
    review_sheet(wb, batch.summaries)
    return _without_clock(wb)


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


def _group_sheet(batch: Ranked, group: dict[str, Any]) -> Sheet:
    """A group's reports by rank, each area's criteria an outline group, the total shaded on a
    colour scale when there are enough reports to compare, the scorecard column linked."""
    ranking = batch.ranking
    columns = _columns(batch)
    header = [h for h, _, _ in columns]
    rows = []
    reviewed = has_review(ranking)
    for entry in group["entries"]:
        plain = row_values(entry, group["key"], ranking, batch.rubric, reviewed)
        levels = entry["levels"] | entry.get("reviewed_levels", {})  # the levels that count
        rows.append([plain[key] if kind == "row" else entry["areas"].get(key, 0) if kind == "area"
                     else levels.get(key, 0) for _, (kind, key), _ in columns])
    return Sheet((group["key"] if ranking["group_by"] != "none" else "排名")[:31], header, rows,
                 _widths(header, rows), freeze="C2", header_style="wrapped", printed=True,
                 outline={i: level for i, (_, _, level) in enumerate(columns, 1) if level},
                 link=len(header), colour_scale=header.index("总分") + 1 if len(rows) >= MIN_COMPARE else None)


def _widths(header: list[str], rows: list[list[Any]], fixed: dict[int, int] | None = None) -> dict[int, float]:
    """Each column wide enough for its contents (at most MAX_WIDTH), unless given in `fixed`."""
    widths: dict[int, float] = {}
    for i, name in enumerate(header, 1):
        if (fixed or {}).get(i):
            widths[i] = (fixed or {})[i]
            continue
        longest = column_width([r[i - 1] for r in rows if i - 1 < len(r)])
        widths[i] = min(MAX_WIDTH, max(6, min(display_width(name), HEADER_WRAP), longest) + 2)
    return widths


def _evidence_sheet(batch: Ranked) -> Sheet:
    """依据: per report and criterion the area, the level in words, the points and the quote, or
    for a zero the reason (what was searched, what was rejected), as the scorecard gives it."""
    header = ["文件", "地区", "领域", "指标", "评定", "等级", "得分", "引文（照录原文）", "位置", "未计分原因", "指标编号"]
    areas = {a.id: a.title for a in batch.rubric.areas}
    rows = []
    for s in sorted(batch.summaries, key=lambda s: s["name"]):
        for c in batch.ranking["criteria"]:
            level = s["levels"].get(c["id"], 0)
            quote, where = s["evidence"].get(c["id"], ("", ""))
            reason = s.get("reasons", {}).get(c["id"], "") if not quote else ""
            rows.append([s["file"], s["metadata"]["region"] or "", areas.get(c["area"], c["area"]), c["title"],
                         _level_name(s, c["id"], level), level, s["points"].get(c["id"], 0), quote, where, reason,
                         c["id"]])
    return Sheet("依据", header, rows, _widths(header, rows, {8: 60, 10: 40}), freeze="E2",
                 header_style="wrapped", printed=True)


def _level_name(s: dict[str, Any], cid: str, level: int) -> str:
    if cid in s["not_applicable"]:
        return NOT_APPLICABLE
    if s.get("top_levels", {}).get(cid) == 2:
        return STRUCTURE_LEVELS.get(level, str(level))
    return s["level_names"].get(cid) or str(level)


def _failures_sheet(ranking: dict[str, Any]) -> Sheet:
    header = ["文件", "原因", "原始信息（英文，报告问题时附上）"]
    rows = [[f["file"], f["message"], f["error"]] for f in ranking["failures"]]
    return Sheet("失败", header, rows, _widths(header, rows, {2: 60, 3: 60}), freeze="A2",
                 header_style="wrapped", printed=True)


def _notes_sheet(ranking: dict[str, Any]) -> Sheet:
    titles = titles_of(ranking)
    rows = [["排名规则", ranking["tie_rule"]],
            ["分组", GROUP_BY.get(ranking["group_by"], ranking["group_by"])],
            ["评估指标", f"{ranking['rubric']['title']} {ranking['rubric']['version']}"],
            ["无一份报告达标的指标", "、".join(titles.get(m, m) for m in ranking["never_matched"]) or "无"],
            ["表头", "“（得分）”列为领域得分，“（等级）”列为指标评定等级（0–3，结构项0–2），各领域的指标列可用列号上方的分级按钮折叠"],
            *[["复核未应用", stale_line(stale)] for stale in ranking.get("review_stale", [])]]
    return Sheet("说明", None, rows, {1: 24, 2: 100})


def review_sheet(wb: Any, summaries: tuple[dict[str, Any], ...]) -> None:
    """The 复核 sheet, added to the write-only workbook `wb`: a row per report and criterion with
    the machine's level, points and quote, and empty 复核等级, 理由, 复核人 for the evaluator
    (`scorer review import` reads it back)."""
    reviews = {(s["file"], s["sha256"], cid): r for s in summaries for cid, r in s.get("reviews", {}).items()}
    rows = []
    for row in review_rows([_as_result(s) for s in summaries]):
        review = reviews.get(row[:2] + row[3:4])  # the standing review, to read and to change in place
        filled = ("确认" if review["confirmed"] else review["level"], review["reason"], review["reviewer"]) \
            if review else ()
        rows.append(list(row[:len(row) - len(filled)]) + list(filled))
    write_sheet(wb, Sheet(REVIEW_SHEET, list(REVIEW_COLUMNS), rows, {2: 10, 5: 24, 9: 60, 11: 40},
                          freeze="A2", header_style="bold"))


def _as_result(s: dict[str, Any]) -> dict[str, Any]:
    """What review_rows reads of a result, from its summary."""
    na = set(s["not_applicable"])
    return {"input": {"file": s["file"], "sha256": s["sha256"]}, "metadata": s["metadata"],
            "criteria": [{"id": cid, "title": s["criteria_titles"][cid], "level": level, "applies": cid not in na,
                          "level_name": s["level_names"].get(cid, ""), "points": s["points"].get(cid, 0),
                          "evidence": [{"quote": s["evidence"][cid][0]}] if cid in s["evidence"] else []}
                         for cid, level in s["levels"].items()]}


def _without_clock(wb: Any) -> bytes:
    """The workbook's bytes with _FIXED_TIME for the document's times and every zip entry's
    date, so equal content gives equal bytes. Written through openpyxl's ExcelWriter into
    such a zip rather than saved and then unpacked and compressed again."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = wb.properties.modified = _FIXED_TIME  # Workbook.save would set now
    buffer = io.BytesIO()
    ExcelWriter(wb, _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return buffer.getvalue()


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose every entry is dated _FIXED_TIME, however openpyxl adds it."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None,
                 compresslevel: Any = None) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        info = zipfile.ZipInfo(name, date_time=_FIXED_TIME.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(info, data)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None,
              compresslevel: Any = None) -> None:
        with open(filename, "rb") as fh:  # a write-only sheet, streamed to a temporary file
            self.writestr(arcname or filename, fh.read())
