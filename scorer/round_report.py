"""`scorer round`: the round's evaluation report from a scored output folder.

    OUT/*/result.json + ranking.json ─ round_data ─▶ Round
        [+ --previous PREV ─ round_compare ─▶ year over year] [+ --expected ─ round_intake]
        ─ round_sections ─▶ seven sections of blocks ─┬─ round_docx ─▶ 评估报告.docx
                                                      └─ templates/round.html.j2 ─ render ─▶ 评估报告.pdf
    and round_comparison.csv/.json (with --previous), round_intake.csv.

Only files named here are written; ranking.* and the scorecards are left as they are.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .files import to_json, write_atomic
from .labels import GOVERNMENT_GROUPS
from .render import html_to_pdf, render_template
from .round_charts import svg
from .round_compare import Comparison, compare_rounds, comparison_rows
from .round_data import Round, load_round
from .round_docx import docx_bytes
from .round_intake import check_intake, intake_rows, read_expected
from .round_sections import Block, build_sections

DOCX, PDF = "评估报告.docx", "评估报告.pdf"
COMPARISON_CSV, COMPARISON_JSON, INTAKE_CSV = "round_comparison.csv", "round_comparison.json", "round_intake.csv"
TEMPLATE = "round.html.j2"
LONG_TABLE = 60  # rows: a longer table is laid out as aligned lines (about six times quicker in WeasyPrint)
COLUMN_CAP = 28  # a column is padded to its longest value, up to this width
COMPARISON_SCHEMA = "scorer.round_comparison/1"


@dataclass(frozen=True)
class RoundRequest:
    out: Path
    previous: Path | None = None
    expected: Path | None = None
    title: str | None = None
    template_dir: Path | None = None


@dataclass(frozen=True)
class RoundOutcome:
    written: tuple[Path, ...]
    reports: int
    matched: int | None  # governments in both rounds (with --previous)
    missing: int | None  # expected and not submitted (with --expected)


def write_round(request: RoundRequest) -> RoundOutcome:
    """Read the batch (and the earlier round, and the expected list), write every deliverable."""
    rnd = load_round(request.out)
    expected = read_expected(request.expected) if request.expected else ()
    cmp = compare_rounds(rnd, load_round(request.previous)) if request.previous else None
    intake = check_intake(rnd, expected)
    sections = build_sections(rnd, intake, cmp)
    title = request.title or default_title(rnd)
    subtitle = (f"共评估{len(rnd.reports)}份报告 · 评估指标：{rnd.rubric['title']}（版本{rnd.rubric['version']}）")
    html = render_template(TEMPLATE, {"title": title, "subtitle": subtitle, "sections": sections,
                                      "chart_svg": lambda chart: Markup(svg(chart)), "round": rnd,
                                      "long_table": LONG_TABLE, "aligned_lines": aligned_lines,
                                      "comparison": cmp, "intake": intake}, template_dir=request.template_dir)
    files = {DOCX: docx_bytes(title, subtitle, sections),
             PDF: html_to_pdf(html, template_dir=request.template_dir),
             INTAKE_CSV: csv_text(intake_rows(intake))}
    if cmp is not None:
        files[COMPARISON_CSV] = csv_text(comparison_table(cmp, rnd))
        files[COMPARISON_JSON] = to_json({"schema": COMPARISON_SCHEMA, "previous_years": cmp.previous_label,
                                          "governments": comparison_rows(cmp, rnd)})
    for name, data in files.items():
        write_atomic(request.out / name, data)
    return RoundOutcome(tuple(request.out / n for n in files), len(rnd.reports),
                        len(cmp.changes) if cmp else None, len(intake.missing) if expected else None)


def aligned_lines(block: Block) -> list[str]:
    """A table's header and rows as lines of a monospaced font, columns padded to align
    (a Han character takes two columns). The last column is not padded and may wrap."""
    rows = [block.header, *block.rows]
    widths = [min(COLUMN_CAP, max(_width(r[i]) for r in rows)) for i in range(len(block.header) - 1)]
    return ["  ".join([*(c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=False)), r[-1]]) for r in rows]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def default_title(rnd: Round) -> str:
    years = sorted({r.year for r in rnd.reports if r.year})
    span = f"{years[0]}年度" if len(years) == 1 else f"{years[0]}—{years[-1]}年度" if years else ""
    return f"{span}法治政府建设年度报告评估报告"


def csv_text(rows: list[list[Any]]) -> str:
    """CSV as ranking.csv is written: UTF-8 with BOM, so that Excel and WPS read the Chinese."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return "\ufeff" + out.getvalue()


def comparison_table(cmp: Comparison, rnd: Round) -> list[list[Any]]:
    """round_comparison.csv: one row per government of either round, areas as columns."""
    areas = [a.title for a in rnd.areas]
    header = ["状态", "地区", "上级", "层级", "本轮年度", "上轮年度", "本轮总分", "上轮总分", "总分变化",
              "本轮得分率", "上轮得分率", "得分率变化", *(f"{t}变化" for t in areas),
              "新增达标指标", "不再达标指标", "照搬上年", "照搬比例", "本轮文件", "上轮文件"]
    rows = [header]
    for row in comparison_rows(cmp, rnd):
        deltas = row.get("area_deltas", {})
        rows.append([row["status"], row["region"] or "", row["city"] or "", GOVERNMENT_GROUPS.get(row["level"], ""),
                     _cell(row["year"]), _cell(row["previous_year"]), _cell(row["total"]), _cell(row["previous_total"]),
                     _cell(row.get("total_delta")), _cell(row["rate"]), _cell(row["previous_rate"]),
                     _cell(row.get("rate_delta")), *(_cell(deltas.get(t)) for t in areas),
                     "、".join(row.get("gained", [])), "、".join(row.get("lost", [])),
                     "是" if row.get("copied_previous") else "", _cell(row.get("copied_share")),
                     row["file"] or "", row["previous_file"] or ""])
    return rows


def _cell(value: Any) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

