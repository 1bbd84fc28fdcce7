"""The round report as a Word document (python-docx): real headings (标题 1/2, so that
the navigation pane and the table of contents see them), a table-of-contents field that
Word and WPS fill in on opening, tables with a header row, and the charts as PNG images.

The file is reproducible: the package's entries carry a fixed time and the document's
properties a fixed date (SOURCE_DATE_EPOCH's when it is set), as every output does.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile

from .round_charts import png
from .round_sections import Block, Section

BODY_FONT, HEADING_FONT = "宋体", "黑体"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def docx_bytes(title: str, subtitle: str, sections: tuple[Section, ...]) -> bytes:
    """The whole report as .docx bytes."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    _fonts(document)
    _properties(document, title)
    document.add_paragraph(title, style="Title")
    if subtitle:
        document.add_paragraph(subtitle)
    heading = document.add_paragraph("目录", style="TOC Heading")
    heading.runs[0].font.size = Pt(14)
    _toc_field(document)
    for section in sections:
        document.add_heading(section.heading, level=1)
        for block in section.blocks:
            _block(document, block)
    _update_fields_on_open(document)
    out = io.BytesIO()
    document.save(out)
    return _fixed_times(out.getvalue())


def _block(document, block: Block) -> None:
    from docx.shared import Cm

    if block.kind == "h":
        document.add_heading(block.text, level=2)
    elif block.kind == "table":
        _table(document, block)
    elif block.kind == "chart" and block.chart is not None:
        document.add_picture(io.BytesIO(png(block.chart)), width=Cm(15.5))
        document.add_paragraph(f"图:{block.chart.title}", style="Caption")
    elif block.kind == "quote":
        document.add_paragraph(f"「{block.text}」", style="Quote")
        document.add_paragraph(f"——{block.source}")
    elif block.kind == "finding":
        document.add_paragraph(block.text)
        document.add_paragraph(f"涉及:{block.source}", style="List Paragraph")
    else:
        document.add_paragraph(block.text)


def _table(document, block: Block) -> None:
    # A table made at its full size and filled row by row: adding rows one by one is
    # quadratic in python-docx, and the appendix may hold thousands.
    table = document.add_table(rows=len(block.rows) + 1, cols=len(block.header))
    table.style = "Table Grid"
    rows = table.rows
    for cell, text in zip(rows[0].cells, block.header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].font.bold = True
    _repeat_header(rows[0])
    for row, values in zip(rows[1:], block.rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _fonts(document) -> None:
    """Chinese fonts for the body and the headings (East Asian text takes w:eastAsia)."""
    from docx.oxml.ns import qn

    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Quote", "Caption", "TOC Heading", "List Paragraph"):
        style = document.styles[name]
        font = HEADING_FONT if name.startswith(("Heading", "Title", "TOC")) else BODY_FONT
        style.font.name = font
        rpr = style.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _toc_field(document) -> None:
    """A TOC field over heading levels 1–2, with a line saying how to fill it where it is not filled."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.add_paragraph()
    parts = [("begin", None), (None, 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None),
             (None, "(目录:在 Word 或 WPS 中右键此处选择“更新域”生成)"), ("end", None)]
    for kind, text in parts:
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text.startswith("TOC"):
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def _update_fields_on_open(document) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)


def _properties(document, title: str) -> None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime(*ZIP_EPOCH, tzinfo=dt.UTC)
    props = document.core_properties
    props.title, props.author, props.comments = title, "scorer", ""
    props.created = props.modified = when.replace(tzinfo=None)


def _fixed_times(data: bytes) -> bytes:
    """The same package with every entry's time fixed (zipfile stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
