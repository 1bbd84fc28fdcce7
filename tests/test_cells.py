"""ranking.xlsx's rows written straight to the sheet's file read back exactly as the rows
parsed and handed to lxml did (scorer/cells.py): text that needs escaping, spaces kept,
control characters, formula-like text, errors, numbers that are not finite, links."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from scorer.cells import Sheet, _rows_writer, write_sheet

ROWS = [
    ["法治政府建设年度报告", 1, 2.5, None, "a.txt"],
    ["A & B <c> \"d\" 'e' ]]>", 0, -3.25, "", "b&c.txt"],
    ["  两端有空格  ", 10**15, 1e-7, "\t制表", "中文名.txt"],
    ["换行\n与回车\r\n混排", True, 3, "竖线\x0b换页\x0c", None],
    ["控制\x01字符\x1f", 7, 8, "=HYPERLINK(\"x\")", "=a.txt"],
    ["#N/A", float("nan"), float("inf"), "+1", "c.txt"],
    ["𠀀扩展区汉字", 1, 2, "-3", "d.txt"],
    ["阿卜杜勒·热合曼 ×2 ±1° é", 1, 2, "非字符\ufffe\uffff", "坏名\udcff.txt"],
]


def _sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/worksheets/sheet1.xml")


def _workbook(direct: bool) -> bytes:
    from openpyxl import Workbook

    writer = _rows_writer()
    before = writer.direct
    writer.direct = direct
    try:
        wb = Workbook(write_only=True)
        write_sheet(wb, Sheet("表", ["甲", "乙", "丙", "丁", "文件"], [list(r) for r in ROWS], {1: 20}, link=5))
        write_sheet(wb, Sheet("说明", None, [["规则", "同分同名次"]] * 1200, {}))  # several chunks
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()
    finally:
        writer.direct = before


def _read(data: bytes):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return [[[(c.value, c.data_type, c.hyperlink.target if c.hyperlink else None) for c in row]
             for row in ws.iter_rows()] for ws in book.worksheets]


@pytest.mark.skipif(not _rows_writer().direct, reason="openpyxl does not write with lxml here")
def test_rows_written_straight_to_the_file_read_back_as_the_parsed_ones():
    direct, parsed = _workbook(True), _workbook(False)
    with zipfile.ZipFile(io.BytesIO(direct)) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                root = etree.fromstring(z.read(name))  # well-formed
                rows = [int(r.get("r")) for r in root.iter("{*}row")]
                assert rows == sorted(set(rows)), name  # in order, each once: Excel refuses other sheets
    assert _read(direct) == _read(parsed)
    sheet = _read(direct)[0]
    assert sheet[2][0][0] == "A & B <c> \"d\" 'e' ]]>" and sheet[3][0][0] == "  两端有空格  "
    assert sheet[4][0][0] == "换行\n与回车\r\n混排" and sheet[4][3][0] == "竖线 换页 "
    assert sheet[5][3][:2] == ('=HYPERLINK("x")', "s") and sheet[5][4][2] == "=a.txt"
    assert sheet[6][0][:2] == ("#N/A", "e")
    assert [r[4][2] for r in sheet[1:]] == ["a.txt", "b&c.txt", "中文名.txt", None, "=a.txt", "c.txt", "d.txt",
                                            "坏名\ufffd.txt"]
    # What no XML file may hold is replaced, not written: the file would not open at all.
    assert sheet[8][0][0] == "阿卜杜勒·热合曼 ×2 ±1° é" and sheet[8][3][0] == "非字符\ufffd\ufffd"
    # The rows went straight to the file (as UTF-8), not through lxml (character references).
    assert "法治政府".encode() in _sheet_xml(direct) and "法治政府".encode() not in _sheet_xml(parsed)
    assert len(_read(direct)[1]) == 1200
