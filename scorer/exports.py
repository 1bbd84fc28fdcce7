"""A batch's ranking as files: ranking.csv, ranking.xlsx, ranking.json, index.html,
ranking.pdf and errors.json. Each lists the failures with file and reason."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from .render import FLAG_WORDS, html_to_pdf, render_template
from .result import write_atomic
from .rubric import Rubric


def _row_values(entry: dict[str, Any], group: str, ranking: dict[str, Any], rubric: Rubric) -> list[Any]:
    titles = {c["id"]: c["title"] for c in ranking["criteria"]}
    return [
        group, entry["rank"], entry["region"] or "", entry["city"] or "", entry["year"] or "",
        entry["total"], entry["max"],
        *[entry["areas"].get(a.id, 0) for a in rubric.areas],
        "、".join([FLAG_WORDS.get(f, f) for f in entry["flags"]]
                 + [f"与{c['name']}雷同{c['share']:.0%}" for c in entry.get("copied", [])]),
        "、".join(titles.get(m, m) for m in entry["missing_parts"]),
        entry["published"] or "", {True: "按时", False: "逾期", None: "未注明"}[entry["on_time"]],
        entry["file"], entry["scorecard"], "ok", "",
    ]


def _header(rubric: Rubric) -> list[str]:
    return ["分组", "名次", "地区", "上级", "年度", "总分", "满分", *[a.title for a in rubric.areas],
            "内容问题", "缺少部分", "发布日期", "按时公开", "文件", "评分表", "状态", "错误"]


def write_csv(ranking: dict[str, Any], rubric: Rubric, path: Path) -> None:
    """UTF-8 with BOM, so that Excel and WPS open the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header(rubric))
    for group in ranking["groups"]:
        for entry in group["entries"]:
            writer.writerow(_row_values(entry, group["key"], ranking, rubric))
    blanks = len(_header(rubric)) - 4
    for failure in ranking["failures"]:
        writer.writerow(["", "", "", "", *[""] * (blanks - 2), Path(failure["file"]).name, "", "failed",
                         failure["error"]])
    writer.writerow([])
    writer.writerow([f"排名规则:{ranking['tie_rule']}"])
    write_atomic(path, "\ufeff" + buffer.getvalue())


def write_xlsx(ranking: dict[str, Any], rubric: Rubric, summaries: list[dict[str, Any]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    criteria = ranking["criteria"]
    header = _header(rubric)[:-4] + [c["title"] for c in criteria] + ["文件", "评分表"]
    bold = Font(bold=True)
    for group in ranking["groups"]:
        title = (group["key"] if ranking["group_by"] != "none" else "排名")[:31]
        ws = wb.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for entry in group["entries"]:
            values = _row_values(entry, group["key"], ranking, rubric)[:-4]
            values += [entry["levels"].get(c["id"], 0) for c in criteria] + [entry["file"], entry["scorecard"]]
            ws.append(values)
            link = ws.cell(row=ws.max_row, column=len(values))
            link.hyperlink = entry["scorecard"]
        ws.freeze_panes = "C2"
        total_col = get_column_letter(header.index("总分") + 1)
        if ws.max_row > 1:
            ws.conditional_formatting.add(
                f"{total_col}2:{total_col}{ws.max_row}",
                ColorScaleRule(start_type="min", start_color="F8F8F8", end_type="max", end_color="7F7F7F"))
        for i, name in enumerate(header, 1):
            ws.column_dimensions[get_column_letter(i)].width = max(6, min(24, len(str(name)) * 2 + 2))
    ev = wb.create_sheet("依据")
    ev.append(["文件", "地区", "指标", "评定", "引文(照录原文)", "位置"])
    for cell in ev[1]:
        cell.font = bold
    ev.freeze_panes = "A2"
    for s in sorted(summaries, key=lambda s: s["name"]):
        for c in criteria:
            quote, where = s["evidence"].get(c["id"], ("", ""))
            ev.append([s["file"], s["metadata"]["region"] or "", c["title"], s["levels"].get(c["id"], 0), quote, where])
    ev.column_dimensions["E"].width = 80
    failed = wb.create_sheet("失败")
    failed.append(["文件", "原因"])
    for f in ranking["failures"]:
        failed.append([f["file"], f["error"]])
    notes = wb.create_sheet("说明")
    notes.append(["排名规则", ranking["tie_rule"]])
    notes.append(["分组", ranking["group_by"]])
    notes.append(["评估指标", f"{ranking['rubric']['title']} {ranking['rubric']['version']}"])
    titles = {c["id"]: c["title"] for c in ranking["criteria"]}
    notes.append(["无一份报告达标的指标", "、".join(titles.get(m, m) for m in ranking["never_matched"]) or "无"])
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(path, buffer.getvalue())


def write_outputs(ranking: dict[str, Any], rubric: Rubric, summaries: list[dict[str, Any]], out: Path, *,
                  template_dir: Path | None = None, pdf: bool = True) -> list[Path]:
    """Every ranking output in `out`; returns their paths."""
    written = []
    write_atomic(out / "ranking.json", json.dumps(ranking, ensure_ascii=False, sort_keys=True, indent=1) + "\n")
    write_atomic(out / "errors.json", json.dumps(ranking["failures"], ensure_ascii=False, indent=1) + "\n")
    write_csv(ranking, rubric, out / "ranking.csv")
    write_xlsx(ranking, rubric, summaries, out / "ranking.xlsx")
    page = render_template("index.html.j2", _index_context(ranking), template_dir=template_dir)
    write_atomic(out / "index.html", page)
    written += [out / n for n in ("ranking.json", "errors.json", "ranking.csv", "ranking.xlsx", "index.html")]
    if pdf:
        written.append(write_ranking_pdf(ranking, out, template_dir=template_dir))
    return written


def write_ranking_pdf(ranking: dict[str, Any], out: Path, *, template_dir: str | Path | None = None) -> Path:
    """ranking.pdf: the distribution of totals, the ranking, the criteria most often missed."""
    summary_html = render_template("ranking.html.j2", _summary_context(ranking), template_dir=template_dir)
    write_atomic(out / "ranking.pdf", html_to_pdf(summary_html, template_dir=template_dir))
    return out / "ranking.pdf"


def _index_context(ranking: dict[str, Any]) -> dict[str, Any]:
    return {"ranking": ranking, "flag_words": FLAG_WORDS, "data_json": json.dumps(ranking, ensure_ascii=False),
            "criteria_titles": {c["id"]: c["title"] for c in ranking["criteria"]}}


def _summary_context(ranking: dict[str, Any]) -> dict[str, Any]:
    bins = [0] * 10
    for total in ranking["totals"]:
        bins[min(int(total // 10), 9)] += 1
    return {"ranking": ranking, "flag_words": FLAG_WORDS, "bins": bins, "peak": max(bins) if bins else 0,
            "criteria_titles": {c["id"]: c["title"] for c in ranking["criteria"]}}
