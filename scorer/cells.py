"""Values for the ranking's spreadsheets that cannot hurt the reader or the file: report
text and file names are untrusted (a file named =HYPERLINK(…).txt, evidence holding a
control character copied from Word); and the sheets of ranking.xlsx written in openpyxl's
write-only mode, which streams rows without keeping a cell object for each."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel and WPS take for a formula in a CSV


def inert(values: list[Any]) -> list[Any]:
    """A CSV row in which no text can run as a formula (a file named =HYPERLINK(…).txt):
    such text is written after an apostrophe, as Excel shows text typed that way."""
    return [f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in values]


# What no XML 1.0 file may hold: control characters, U+FFFE and U+FFFF, and lone surrogates
# (from a file name's undecodable bytes), which UTF-8 cannot even write.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xlsx_text(value: Any) -> Any:
    """A value a workbook can hold: characters no XML file may hold (which would lose the
    whole file) become a space (vertical tab, form feed) or U+FFFD."""
    if isinstance(value, str) and _ILLEGAL.search(value):
        return _ILLEGAL.sub(lambda m: " " if m.group() in "\x0b\x0c" else "\ufffd", value)
    return value


def _row_cells(ws, values: list[Any], link: int | None) -> list[Any]:
    """A row as openpyxl's write-only sheet takes it: text cleaned, no text taken for a formula
    (openpyxl makes any "=…" one), and the text in column number `link` also its link."""
    row = [_cell(ws, v) if type(v) is str and v.startswith("=") else xlsx_text(v) for v in values]
    if link is not None and link <= len(values) and values[link - 1] is not None:
        row[link - 1] = _cell(ws, values[link - 1], link=values[link - 1])
    return row


def _cell(ws, value: Any, *, font: Any = None, alignment: Any = None, link: str | None = None) -> Any:
    """A cell with what a plain value cannot carry: text kept as text, a style, a link."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, xlsx_text(value))
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if link is not None:
        cell.hyperlink = xlsx_text(link)
    return cell


def display_width(value: Any) -> int:
    """How many columns a value takes in a spreadsheet: a CJK or full-width character two."""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    if text.isascii():  # no ASCII character is wide: skip the per-character lookup
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(values: list[Any]) -> int:
    """The widest display_width among a column's values, each distinct text measured once
    (the 依据 and 复核 sheets repeat their regions, areas and titles on every report's rows)."""
    texts = {v for v in values if type(v) is str}
    return max([0, *map(display_width, texts), *(display_width(v) for v in values if type(v) is not str)])


@dataclass
class Sheet:
    """One sheet, its rows and layout all known before it is written: a write-only sheet
    writes its widths, panes and outline ahead of the rows and cannot go back to them."""

    title: str
    header: list[str] | None  # None: no header row, no layout (the 说明 sheet)
    rows: list[list[Any]]
    widths: dict[int, float]  # column number → width
    freeze: str | None = None
    header_style: str = "plain"  # plain | bold | wrapped (bold, wrapped, top-aligned)
    printed: bool = False  # a filter on every column, A4 landscape, header row on every page
    outline: dict[int, int] = field(default_factory=dict)  # column number → outline level
    link: int | None = None  # column number whose text is also its link
    colour_scale: int | None = None  # column number shaded from its lowest value to its highest


def write_sheet(wb, sheet: Sheet) -> None:
    """Add `sheet` to a write-only workbook: its layout first, then its rows."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sheet.title)
    ncols = max((len(r) for r in [sheet.header or [], *sheet.rows]), default=1)
    nrows = len(sheet.rows) + (sheet.header is not None)
    ref = f"A1:{get_column_letter(ncols)}{nrows}"
    ws.calculate_dimension = lambda: ref  # the used range, stated as a normal sheet states it
    for column, width in sheet.widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width
    for column, level in sheet.outline.items():
        ws.column_dimensions[get_column_letter(column)].outline_level = level
    if sheet.outline:
        ws.sheet_properties.outlinePr.summaryRight = False  # an area's criteria fold into the column before them
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    if sheet.printed:
        _print_setup(ws, f"A1:{get_column_letter(len(sheet.header or [None]))}{nrows}")
    if sheet.colour_scale:
        _colour_scale(ws, get_column_letter(sheet.colour_scale), nrows)
    header = None
    if sheet.header is not None:
        font = Font(bold=True) if sheet.header_style != "plain" else None
        wrap = Alignment(wrap_text=True, vertical="top") if sheet.header_style == "wrapped" else None
        header = [_cell(ws, name, font=font, alignment=wrap) for name in sheet.header]
    # openpyxl's write-only sheet writes with the writer it holds; given this one, it writes
    # the layout now and, when the workbook is saved, these rows
    ws._writer = _rows_writer()(ws, header, sheet.rows, sheet.link)
    ws._writer.write_top()


def _print_setup(ws, filtered: str) -> None:
    ws.auto_filter.ref = filtered
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _colour_scale(ws, column: str, nrows: int) -> None:
    from openpyxl.formatting.rule import ColorScaleRule

    ws.conditional_formatting.add(f"{column}2:{column}{nrows}", ColorScaleRule(
        start_type="min", start_color="F8F8F8", end_type="max", end_color="7F7F7F"))


_CHUNK = 500  # rows parsed at a time (a whole sheet at once would hold every cell in memory)
_MAX_TEXT = 32767  # characters a cell holds; openpyxl cuts longer text there


def _plain_row(values: list[Any], row: int, letters: list[str]) -> str | None:
    """A row of text and finite numbers as the XML openpyxl writes for it (text cleaned, as
    inline strings), or None when it holds anything else, left to openpyxl's cells."""
    from openpyxl.cell.cell import ERROR_CODES

    cells = []
    for column, value in enumerate(values):
        kind = type(value)
        if kind is str:
            if value in ERROR_CODES:  # openpyxl writes these as errors
                return None
            text = xlsx_text(value)[:_MAX_TEXT]
            space = ' xml:space="preserve"' if text != text.strip() else ""
            cells.append(f'<c r="{letters[column]}{row}" t="inlineStr"><is><t{space}>{_escaped(text)}'
                         f'</t></is></c>' if text else f'<c r="{letters[column]}{row}" t="inlineStr"/>')
        elif (kind is int or kind is float) and math.isfinite(value):
            cells.append(f'<c r="{letters[column]}{row}" t="n"><v>{value:.16g}</v></c>')
        elif value is not None:
            return None
    return f'<row r="{row}">{"".join(cells)}</row>'


def _escaped(text: str) -> str:
    """Text as XML element content; a carriage return escaped, as a parser would make it a newline."""
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return text


@cache
def _rows_writer() -> type:
    """openpyxl's sheet writer, writing plain rows as XML text: its cell objects (made, checked
    and written one by one) took most of the time ranking.xlsx took. A header, a row holding
    anything but text and numbers, and all the rest of the sheet are openpyxl's to write."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.worksheet.hyperlink import Hyperlink
    from openpyxl.xml import LXML
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import fromstring, xmlfile

    class RowsWriter(WorksheetWriter):
        # openpyxl writes with lxml unless told not to (OPENPYXL_LXML=False); its stand-in
        # buffers what it writes, so that plain rows must then be parsed and handed to it.
        direct = LXML

        def __init__(self, ws, header: list[Any] | None, rows: list[list[Any]], link: int | None) -> None:
            self.raw = None  # the sheet's file, when plain rows are written to it as they are
            super().__init__(ws)
            self.header, self.body, self.link = header, rows, link

        def get_stream(self):
            """openpyxl's stream, with lxml writing straight to a file this writer holds too
            (unbuffered, so that what either writes lands in order): plain rows go to the file
            as UTF-8 bytes, not parsed into elements for lxml to write out again (half the time
            the workbook took)."""
            if not self.direct:
                yield from super().get_stream()
                return
            with open(self.out, "wb") as raw, xmlfile(raw, buffered=False) as xf:
                self.raw = raw
                with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                    try:
                        while True:
                            el = yield
                            if el is True:
                                yield xf
                            elif el is not None:
                                xf.write(el)
                    except GeneratorExit:
                        pass

        def write_rows(self) -> None:
            xf = self.xf.send(True)
            with xf.element("sheetData"):
                if self.header is not None:
                    self.write_row(xf, self.ws._values_to_row(self.header, 1), 1)
                first = 1 + (self.header is not None)
                for start in range(0, len(self.body), _CHUNK):
                    self.write_chunk(xf, self.body[start:start + _CHUNK], first + start)
            self.xf.send(None)

        def write_chunk(self, xf, rows: list[list[Any]], first: int) -> None:
            width = max(len(r) for r in rows)
            letters = [get_column_letter(i) for i in range(1, width + 1)]
            pending: list[str] = []
            for row, values in enumerate(rows, first):
                xml = _plain_row(values, row, letters)
                if xml is None:
                    self.flush(xf, pending)
                    self.write_row(xf, self.ws._values_to_row(_row_cells(self.ws, values, self.link), row), row)
                    continue
                pending.append(xml)
                if self.link is not None and self.link <= len(values) and values[self.link - 1] is not None:
                    target = xlsx_text(values[self.link - 1])
                    self.ws._hyperlinks.append(Hyperlink(ref=f"{letters[self.link - 1]}{row}", target=target))
            self.flush(xf, pending)

        def flush(self, xf, pending: list[str]) -> None:
            if pending:
                if self.raw is not None:
                    self.raw.write("".join(pending).encode())
                else:
                    xf.write(*fromstring(f"<rows>{''.join(pending)}</rows>".encode()))
                pending.clear()

    return RowsWriter
