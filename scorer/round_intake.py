"""Intake: who was expected to report and did not, who submitted twice, who published late.

The expected list is a CSV (UTF-8, with or without BOM, or GB18030) or an .xlsx whose
first sheet has a header row naming the government (地区/名称), its level (层级) and
its parent (上级), and optionally the year (年度). A government is matched to a report
by name, and by level and parent where the list gives them (the parent is the report's
city or province), so that two 城关区 are told apart.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError
from .labels import GOVERNMENT_GROUPS
from .round_data import Report, Round

HEADERS = {
    "name": ("地区", "名称", "政府", "单位", "地方", "region", "name", "government"),
    "level": ("层级", "级别", "level"),
    "parent": ("上级", "所属", "上级地区", "上级政府", "parent"),
    "year": ("年度", "年份", "year"),
}
LEVELS = {"province": ("省", "省级", "province"), "city": ("市", "市级", "地级", "地市级", "city"),
          "county": ("县", "区", "县级", "区级", "县区级", "区县级", "县(市、区)", "县（市、区）", "county"),
          "department": ("部门", "department")}


@dataclass(frozen=True)
class Expected:
    name: str
    level: str | None
    parent: str | None
    year: int | None
    line: int  # where it stands in the list (a header is line 1)


@dataclass(frozen=True)
class Intake:
    expected: tuple[Expected, ...]  # empty without a list
    missing: tuple[Expected, ...]
    duplicates: tuple[tuple[Report, ...], ...]  # the same government and year in several files
    late: tuple[Report, ...]
    undated: tuple[Report, ...]
    unexpected: tuple[Report, ...]  # submitted but not on the list


def read_expected(path: str | Path) -> tuple[Expected, ...]:
    """The expected list, each row checked: a UserError names the file (and row) at fault."""
    path = Path(path)
    rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    if not rows:
        raise UserError("the expected list is empty", path=str(path))
    columns = _columns([str(h or "").strip() for h in rows[0]], path)
    out = []
    for line, row in enumerate(rows[1:], start=2):
        cells = {k: (str(row[i]).strip() if i < len(row) and row[i] is not None else "") for k, i in columns.items()}
        if not cells["name"]:
            continue
        out.append(Expected(cells["name"], _level(cells.get("level", ""), path, line), cells.get("parent") or None,
                            _year(cells.get("year", ""), path, line), line))
    return tuple(out)


def _csv_rows(path: Path) -> list[list[str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read the expected list: {exc.strerror}", path=str(path)) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UserError("the expected list is neither UTF-8 nor GB18030 text", path=str(path))
    return [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]


def _xlsx_rows(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True) if any(c not in (None, "") for c in r)]
    except (OSError, ValueError, KeyError) as exc:
        raise UserError(f"cannot read the expected list as .xlsx: {exc}", path=str(path)) from None


def _columns(header: list[str], path: Path) -> dict[str, int]:
    found = {key: next((i for i, h in enumerate(header) if h.lower() in names), None) for key, names in HEADERS.items()}
    if found["name"] is None:
        raise UserError(f"the expected list needs a column naming the government ({'/'.join(HEADERS['name'][:2])}); "
                        f"its header is: {', '.join(header)}", path=str(path))
    return {k: i for k, i in found.items() if i is not None}


def _level(value: str, path: Path, line: int) -> str | None:
    if not value:
        return None
    for level, words in LEVELS.items():
        if value.lower() in words:
            return level
    raise UserError(f"row {line}: unknown level '{value}'; write 省级, 市级, 县级 or 部门", path=str(path))


def _year(value: str, path: Path, line: int) -> int | None:
    digits = value.removesuffix("年度").removesuffix("年").removesuffix(".0")
    if not digits:
        return None
    if not digits.isdigit():
        raise UserError(f"row {line}: the year '{value}' is not a year (e.g. 2024)", path=str(path))
    return int(digits)


def _matches(e: Expected, r: Report) -> bool:
    name = e.name.removeprefix(e.parent or "\0")
    return (r.region == name and (e.level is None or r.level == e.level)
            and (e.parent is None or e.parent in (r.city, r.province))
            and (e.year is None or r.year == e.year))


def check_intake(rnd: Round, expected: tuple[Expected, ...] = ()) -> Intake:
    """Missing and unexpected submissions against the list, and duplicates and late ones in any case."""
    by_key: dict[tuple, list[Report]] = {}
    for r in rnd.reports:
        if r.region:
            by_key.setdefault((*r.key, r.year), []).append(r)
    duplicates = tuple(tuple(sorted(g, key=lambda r: r.file)) for _, g in sorted(by_key.items(), key=lambda kv: str(kv[0]))
                       if len(g) > 1)
    missing = tuple(e for e in expected if not any(_matches(e, r) for r in rnd.reports))
    unexpected = tuple(r for r in rnd.reports if expected and not any(_matches(e, r) for e in expected))
    order = sorted(rnd.reports, key=lambda r: (r.government, r.year or 0, r.name))
    return Intake(expected, missing, duplicates, tuple(r for r in order if r.on_time is False),
                  tuple(r for r in order if r.on_time is None), tuple(unexpected))


def intake_rows(intake: Intake) -> list[list[str]]:
    """round_intake.csv: a header, then one row per finding."""
    rows = [["状态", "地区", "层级", "上级", "年度", "文件", "说明"]]
    for e in intake.missing:
        rows.append(["未提交", e.name, GOVERNMENT_GROUPS.get(e.level, ""), e.parent or "", str(e.year or ""), "",
                     f"名单第{e.line}行"])
    for group in intake.duplicates:
        for r in group:
            rows.append(["重复提交", *_cells(r), f"同一政府同一年度共{len(group)}份"])
    rows += [["逾期公开", *_cells(r), f"发布于{r.published}，晚于{(r.year or 0) + 1}年4月1日"] for r in intake.late]
    rows += [["未注明发布日期", *_cells(r), "无法判断是否按时公开"] for r in intake.undated]
    rows += [["名单外", *_cells(r), "不在应报送名单中"] for r in intake.unexpected]
    return rows


def _cells(r: Report) -> list[str]:
    parent = r.city if r.level == "county" else r.province if r.level == "city" else (r.city or "")
    return [r.government, r.level_word, parent or "", str(r.year or ""), r.file]
