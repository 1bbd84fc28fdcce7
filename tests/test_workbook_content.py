"""ranking.xlsx holds exactly what the batch's JSON says, laid out as the evaluator expects:
every sheet in order, every cell's value and type, the header styles, widths, outline groups,
filters, frozen panes, print setup, colour scale and links. Checked against ranking.json and
the reports' result.json, so the way the workbook is written can change and this stays."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from scorer.cells import display_width
from scorer.exports import REVIEW_HEADER, has_review, row_values, stale_line
from scorer.labels import GROUP_BY, NOT_APPLICABLE, STRUCTURE_LEVELS
from scorer.review import Entry, Record, save_review
from scorer.review_tools import REVIEW_COLUMNS, REVIEW_SHEET, review_rows
from scorer.rubric import load_rubric
from tests.conftest import SEEDS, cli, seed

EVIDENCE = ["文件", "地区", "领域", "指标", "评定", "等级", "得分", "引文（照录原文）", "位置", "未计分原因", "指标编号"]
FAILURES = ["文件", "原因", "原始信息（英文，报告问题时附上）"]
TAIL = ["内容问题", "缺少部分", "发布日期", "按时公开", "文件", "评分表"]
AT = "2026-03-02T10:00:00+08:00"


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> Path:
    """Six reports in one group (enough for a colour scale), one named like a formula, with a
    review record: a changed level, a confirmation and an entry that cannot be applied."""
    inputs = tmp_path_factory.mktemp("inputs")
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, inputs / path.name)
    shutil.copy(seed("001"), inputs / "=1+1.txt")
    out = tmp_path_factory.mktemp("out")
    args = ("score", inputs, "--out", out, "--group-by", "none", "--format", "json", "--jobs", "1")
    assert cli(*args).returncode == 0
    result = json.loads((out / seed("000").stem / "result.json").read_text("utf-8"))
    mark = {"file": result["input"]["file"], "sha256": result["input"]["sha256"], "reviewer": "张三", "at": AT}
    save_review(out / "review.yaml", Record((
        Entry(criterion="duties.study", level=1, reason="只有原则性表述", **mark),
        Entry(criterion="duties.deploy", level=None, reason="属实", **mark),
        Entry(criterion="no.such", level=2, reason="指标已删", **mark))))
    run = cli(*args)
    assert run.returncode == 0, run.stderr
    return out


def test_the_workbook_of_a_batch_with_failures(batch, batch_workbook):
    assert (batch["out"] / "ranking.xlsx").exists(), batch["run"].stderr
    _check_workbook(batch["out"], batch_workbook)


def test_the_workbook_of_a_reviewed_batch_in_one_group(reviewed):
    from openpyxl import load_workbook

    wb = load_workbook(reviewed / "ranking.xlsx")
    ranking = _check_workbook(reviewed, wb)
    assert has_review(ranking) and ranking["review_stale"]  # what this batch is for
    filled = [r[-3:] for r in wb[REVIEW_SHEET].iter_rows(values_only=True)]
    assert ("确认", "属实", "张三") in filled and (1, "只有原则性表述", "张三") in filled


def _check_workbook(out: Path, wb) -> dict[str, Any]:
    """`wb`: out's ranking.xlsx as openpyxl's load_workbook reads it."""
    ranking = json.loads((out / "ranking.json").read_text("utf-8"))
    results = [json.loads(p.read_text("utf-8")) for p in sorted(out.glob("*/result.json"))]
    keys = [(g["key"] if ranking["group_by"] != "none" else "排名")[:31] for g in ranking["groups"]]
    assert wb.sheetnames == [*keys, "依据", "失败", "说明", REVIEW_SHEET]
    for group, key in zip(ranking["groups"], keys, strict=True):
        _check_group(wb[key], group, ranking)
    _check_evidence(wb["依据"], ranking, results)
    rows = [[f["file"], f["message"], f["error"]] for f in ranking["failures"]]
    _check_table(wb["失败"], FAILURES, rows, freeze="A2", widths={2: 60, 3: 60})
    _check_notes(wb["说明"], ranking)
    _check_review(wb[REVIEW_SHEET], results)
    _check_dimensions(out / "ranking.xlsx")
    return ranking


def _columns(ranking: dict[str, Any]) -> list[tuple[str, int]]:
    """The group sheet's header with each column's outline level."""
    lead = ["分组", "名次", "地区", "上级", "年度", "总分", "满分", *(REVIEW_HEADER if has_review(ranking) else [])]
    columns = [(h, 0) for h in lead]
    for area in load_rubric().areas:
        columns.append((f"{area.title}（得分）", 0))
        columns += [(f"{c['title']}（等级）", 1) for c in ranking["criteria"] if c["area"] == area.id]
    return columns + [(h, 0) for h in TAIL]


def _group_rows(group: dict[str, Any], ranking: dict[str, Any]) -> list[list[Any]]:
    rubric = load_rubric()
    lead = len(_columns(ranking)) - len(TAIL) - len(rubric.areas) - len(ranking["criteria"])
    rows = []
    for entry in group["entries"]:
        plain = row_values(entry, group["key"], ranking, rubric)
        levels = entry["levels"] | entry.get("reviewed_levels", {})
        middle = []
        for area in rubric.areas:
            middle.append(entry["areas"].get(area.id, 0))
            middle += [levels.get(c["id"], 0) for c in ranking["criteria"] if c["area"] == area.id]
        rows.append(plain[:lead] + middle + plain[lead + len(rubric.areas):][:len(TAIL)])
    return rows


def _check_group(ws, group: dict[str, Any], ranking: dict[str, Any]) -> None:
    from openpyxl.utils import get_column_letter

    columns = _columns(ranking)
    header = [h for h, _ in columns]
    rows = _group_rows(group, ranking)
    _check_table(ws, header, rows, freeze="C2", widths={}, links=len(header))
    assert {get_column_letter(i): level for i, (_, level) in enumerate(columns, 1)} == \
        {k: d.outline_level for k, d in ws.column_dimensions.items()}
    assert ws.sheet_properties.outlinePr.summaryRight is False
    scales = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    if len(rows) < 5:
        assert scales == []
        return
    total = get_column_letter(header.index("总分") + 1)
    [(ref, rule)] = scales
    assert ref == f"{total}2:{total}{len(rows) + 1}" and rule.type == "colorScale"
    assert [v.type for v in rule.colorScale.cfvo] == ["min", "max"]
    assert [c.rgb for c in rule.colorScale.color] == ["00F8F8F8", "007F7F7F"]


def _level_name(result: dict[str, Any], c: dict[str, Any]) -> str:
    if not c.get("applies", True):
        return NOT_APPLICABLE
    if c.get("top_level", 3) == 2:
        return STRUCTURE_LEVELS.get(c["level"], str(c["level"]))
    return c.get("level_name") or str(c["level"])


def _check_evidence(ws, ranking: dict[str, Any], results: list[dict[str, Any]]) -> None:
    areas = {a.id: a.title for a in load_rubric().areas}
    rows = []
    for result in results:  # by folder name, as the sheet orders its reports
        by_id = {c["id"]: c for c in result["criteria"]}
        for criterion in ranking["criteria"]:
            c = by_id[criterion["id"]]
            quote, where = (c["evidence"][0]["quote"], c["evidence"][0]["part_path"]) if c["evidence"] else ("", "")
            reason = c.get("summary", "") if c["level"] == 0 and not quote else ""
            rows.append([result["input"]["file"], result["metadata"]["region"] or "", areas[criterion["area"]],
                         criterion["title"], _level_name(result, c), c["level"], c["points"], quote, where, reason,
                         criterion["id"]])
    _check_table(ws, EVIDENCE, rows, freeze="E2", widths={8: 60, 10: 40})


def _check_notes(ws, ranking: dict[str, Any]) -> None:
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    labels = ["排名规则", "分组", "评估指标", "无一份报告达标的指标", "表头"]
    assert [r[0] for r in rows] == labels + ["复核未应用"] * len(ranking.get("review_stale", []))
    assert rows[0][1] == ranking["tie_rule"] and rows[1][1] == GROUP_BY.get(ranking["group_by"])
    assert rows[2][1] == f"{ranking['rubric']['title']} {ranking['rubric']['version']}"
    assert [r[1] for r in rows[5:]] == [stale_line(s) for s in ranking.get("review_stale", [])]
    assert {k: d.width for k, d in ws.column_dimensions.items()} == {"A": 24, "B": 100}
    _check_cells(ws, header_style=None)
    _check_no_layout(ws, freeze=None)


def _check_review(ws, results: list[dict[str, Any]]) -> None:
    reviews = {(r["input"]["file"], r["input"]["sha256"], c["id"]): c["review"]
               for r in results for c in r["criteria"] if "review" in c}
    rows = []
    for row in review_rows(results):
        review = reviews.get(row[:2] + row[3:4])
        filled = (("确认" if review["confirmed"] else review["level"]), review["reason"], review["reviewer"]) \
            if review else (None, None, None)
        rows.append(list(row[:-3]) + list(filled))
    assert any(r[-1] for r in rows) == bool(reviews)
    assert _values(ws) == [_expected(REVIEW_COLUMNS), *[_expected(r) for r in rows]]
    assert {k: d.width for k, d in ws.column_dimensions.items()} == {"B": 10, "E": 24, "I": 60, "K": 40}
    _check_cells(ws, header_style="bold")
    _check_no_layout(ws, freeze="A2")


def _check_table(ws, header: list[str], rows: list[list[Any]], *, freeze: str, widths: dict[int, int],
                 links: int | None = None) -> None:
    """A sheet laid out for reading and printing: values, styles, widths, filter, panes, print setup."""
    from openpyxl.utils import get_column_letter

    assert _values(ws) == [_expected(header), *[_expected(r) for r in rows]]
    for i, name in enumerate(header, 1):
        longest = max((display_width(r[i - 1]) for r in rows), default=0)
        width = widths.get(i) or min(40, max(6, min(display_width(name), 12), longest) + 2)
        assert ws.column_dimensions[get_column_letter(i)].width == width, (ws.title, name)
    assert len(ws.column_dimensions) == len(header)
    last = get_column_letter(len(header))
    assert ws.freeze_panes == freeze and ws.auto_filter.ref == f"A1:{last}{len(rows) + 1}"
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9 and int(ws.page_setup.fitToWidth) == 1  # 9: A4
    assert int(ws.page_setup.fitToHeight) == 0 and ws.sheet_properties.pageSetUpPr.fitToPage is True
    _check_cells(ws, header_style="bold, wrapped, top")
    targets = {c.coordinate: c.hyperlink.target for row in ws.iter_rows() for c in row if c.hyperlink}
    column = get_column_letter(links) if links else None
    assert targets == {f"{column}{n}": r[-1] for n, r in enumerate(rows, 2)} if links else targets == {}


def _check_cells(ws, *, header_style: str | None) -> None:
    """The header's style as named; every other cell unstyled; nothing read as a formula."""
    for row in ws.iter_rows():
        for cell in row:
            head = cell.row == 1 and header_style is not None
            assert cell.font.b is head, cell.coordinate
            wrapped = head and "wrapped" in header_style
            assert (cell.alignment.wrap_text or False, cell.alignment.vertical) == \
                (wrapped, "top" if wrapped else None), cell.coordinate
            assert cell.number_format == "General" and cell.fill.fill_type is None
            assert cell.data_type != "f" and cell.comment is None, cell.coordinate


def _check_no_layout(ws, *, freeze: str | None) -> None:
    assert ws.freeze_panes == freeze and ws.auto_filter.ref is None and not ws.conditional_formatting
    assert ws.print_title_rows is None and ws.page_setup.orientation is None
    assert not any(c.hyperlink for row in ws.iter_rows() for c in row)


def _values(ws) -> list[list[Any]]:
    return [[(type(v).__name__ if not isinstance(v, int | float) else "number", v) for v in row]
            for row in ws.iter_rows(values_only=True)]


def _expected(row: list[Any] | tuple[Any, ...]) -> list[tuple[str, Any]]:
    """A row as the workbook gives it back: empty text as no value, numbers as numbers."""
    values = [None if v == "" else v for v in row]
    return [(type(v).__name__ if not isinstance(v, int | float) else "number", v) for v in values]


def _check_dimensions(path: Path) -> None:
    """Each sheet states its used range: readers in read-only mode (pandas, the review import)
    size their rows by it."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    full = load_workbook(path)
    fast = load_workbook(path, read_only=True)
    try:
        for name in full.sheetnames:
            ws = full[name]
            assert fast[name].calculate_dimension() == f"A1:{get_column_letter(ws.max_column)}{ws.max_row}", name
    finally:
        fast.close()
