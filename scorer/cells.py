"""Values for the ranking's spreadsheets that cannot hurt the reader or the file: report
text and file names are untrusted (a file named =HYPERLINK(…).txt, evidence holding a
control character copied from Word)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel and WPS take for a formula in a CSV


def inert(values: list[Any]) -> list[Any]:
    """A CSV row in which no text can run as a formula (a file named =HYPERLINK(…).txt):
    such text is written after an apostrophe, as Excel shows text typed that way."""
    return [f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in values]


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # no XML 1.0 file may hold them


def xlsx_text(value: Any) -> Any:
    """A value a workbook can hold: control characters (which openpyxl refuses, losing the
    whole file) become a space (vertical tab, form feed) or U+FFFD."""
    if isinstance(value, str) and _ILLEGAL.search(value):
        return _ILLEGAL.sub(lambda m: " " if m.group() in "\x0b\x0c" else "\ufffd", value)
    return value


def append_row(ws, values: list[Any]) -> int:
    """A row appended in constant time (never `ws.max_row`, which reads every cell), its text
    cleaned, and no text taken for a formula (openpyxl makes any "=…" one); returns its row."""
    ws.append([xlsx_text(v) for v in values])
    row = ws._current_row  # openpyxl's own count of appended rows
    for column, value in enumerate(values, 1):
        if isinstance(value, str) and value.startswith("="):
            ws.cell(row=row, column=column).data_type = "s"
    return row


def display_width(value: Any) -> int:
    """How many columns a value takes in a spreadsheet: a CJK or full-width character two."""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
