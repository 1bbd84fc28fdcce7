"""File → raw text. Reads .txt (any common encoding), .docx, .pdf and .html.

Returns the text as the report wrote it, plus how it was read (encoding, warnings).
Everything a user can get wrong raises ReportError with one clear line, a file
holding more than any report could (MAX_PAGES, MAX_PARAGRAPHS, MAX_CHARS) included,
refused before the work its size would cost. Web pages: read_html.py.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ReportError
from .normalize import HAN_RUN, count_chars

MAX_BYTES = 50 * 1024 * 1024  # a 30 KB report as a 50 MB file is already absurd
MAX_UNZIPPED = 200 * 1024 * 1024  # a .docx expanding past this is treated as a zip bomb
# What a report's file may hold once extracted (a real report: 5-50 pages, a few hundred
# paragraphs, 5,000-30,000 characters). A PDF or .docx is small for the text it holds, so
# its size alone bounds nothing: a 784 KB PDF held 3,000 pages. A text file's size bounds it.
MAX_PAGES = 500
MAX_PARAGRAPHS = 20_000  # paragraphs and table rows of a .docx
MAX_CHARS = 2_000_000  # characters extracted from a .docx, .pdf or web page
SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")


@dataclass(frozen=True)
class RawText:
    """A report's text as extracted from its file, before any normalisation."""

    text: str
    kind: str  # txt | docx | pdf | html
    encoding: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)


def read_report(path: str | Path) -> RawText:
    """Read a report file into text, choosing the reader by what the file's first bytes
    say it is, else by its extension."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        if p.is_symlink():
            raise ReportError("a symbolic link whose target is missing or leads back to itself; not read", path=name)
        raise ReportError("no such file", path=name)
    if p.is_dir():
        raise ReportError("is a folder, not a report file", path=name)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise ReportError(
            f"unsupported file type '{suffix or '(none)'}'; expected one of {', '.join(SUFFIXES)}",
            path=name,
        )
    if not p.is_file():  # a FIFO or device: its size says nothing, and reading it may never end
        raise ReportError("not a regular file (a FIFO, device or socket); not read", path=name)
    size = p.stat().st_size
    if size == 0:
        raise ReportError("the file is empty", path=name)
    if size > MAX_BYTES:
        raise ReportError(
            f"the file is {size / 1e6:.0f} MB, over the {MAX_BYTES // (1024 * 1024)} MB limit; "
            "a report is normally under 1 MB: check that this is the right file",
            path=name,
        )
    data = p.read_bytes()
    named = _KIND_OF_SUFFIX[suffix]
    kind = kind_by_content(data) or named
    raw = _READERS[kind](data, name)
    if kind != named:  # read as what it is, and say so: the evaluator may want the name fixed
        raw = dataclasses.replace(raw, warnings=(f"the file is {_LABELS[kind]} though named {suffix}; "
                                                 f"read as {_LABELS[kind]}", *raw.warnings))
    if not raw.text.strip():
        raise ReportError("no text found in the file", path=name)
    return raw


_KIND_OF_SUFFIX = {".txt": "txt", ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}
_LABELS = {"txt": "plain text", "docx": "a Word document", "pdf": "a PDF", "html": "a web page"}
_HTML_START = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]",
                         re.IGNORECASE | re.DOTALL)


def kind_by_content(data: bytes) -> str | None:
    """What a file is by its first bytes, when they tell for certain: a PDF (whose header
    may follow up to 1 KB of other bytes), a Word document (a zip holding word/document.xml)
    or a web page (<!DOCTYPE html> or <html> first, after an XML declaration in XHTML); None
    when only the name can tell.
    A report saved under another suffix (a PDF named .txt) was read as something it is not."""
    if data.startswith(b"PK\x03\x04"):  # a zip: what it stores may be anything
        return "docx" if b"word/document.xml" in data else None
    if b"%PDF-" in data[:1024]:
        return "pdf"
    head = data[:4096].removeprefix(codecs.BOM_UTF8)
    if _HTML_START.match(head):
        return "html"
    return None


def over_text_limit(count: int, limit: int, what: str, name: str) -> None:
    """Refuse a file holding more than a report could (see MAX_PAGES), before more work on it."""
    if count > limit:
        raise ReportError(f"the file holds {count:,} {what}, over the limit of {limit:,} for a report; "
                          "check that this is the right file", path=name)


def decode_bytes(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Decode text bytes: BOMs first, then strict UTF-8, then GB18030 or Big5.

    Returns (text, encoding, warnings). A UTF-8 text cut off inside its last
    character is read with a warning rather than mis-detected as another encoding.
    """
    marked = _decode_bom(data)
    if marked is not None:
        return marked
    if b"\x00" in data[:4096]:
        raise ReportError("looks like a binary file, not text (NUL bytes); if it is text saved as UTF-16 "
                          "without a byte-order mark, save it as UTF-8", path=name)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return data[: exc.start].decode("utf-8"), "utf-8", ["the last UTF-8 character is cut off; it was dropped"]
    return _decode_other(data, name)


def _decode_bom(data: bytes) -> tuple[str, str, list[str]] | None:
    """Text that starts with a byte-order mark, read in the encoding it names; None without one."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF32_LE, "utf-32")):
        if data.startswith(bom) and not (enc == "utf-16" and data.startswith(codecs.BOM_UTF32_LE)):
            try:
                return data.decode(enc), enc, []
            except UnicodeDecodeError as exc:
                text = data.decode(enc, errors="replace")
                return text, enc, [f"{enc} text with undecodable bytes at {exc.start}; replaced"]
    return None


def _decode_other(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Bytes that are not UTF-8: GB18030, Big5, or mostly UTF-8 with a few lines in
    another codec, whichever reads most like Chinese; else charset-normalizer's guess."""
    candidates = []
    for enc in ("gb18030", "big5"):
        try:
            candidates.append((data.decode(enc), enc, ""))
        except UnicodeDecodeError:
            continue
    mostly_utf8 = data.decode("utf-8", errors="replace")
    bad = mostly_utf8.count("\ufffd")
    if bad <= max(3, len(data) // 50):
        # Mixed encodings: mostly UTF-8 with a few lines in another codec.
        candidates.append((mostly_utf8, "utf-8", f"mixed encodings: {bad} characters that are not UTF-8 "
                                                 "were replaced with �"))
    if candidates:
        # Keep the reading that looks most like common Chinese text.
        text, enc, warning = max(
            candidates, key=lambda c: _common_han_share(c[0]) - c[0].count("\ufffd") / max(len(c[0]), 1))
        if _common_han_share(text) < 0.3 and _control_share(text) > 0.01:
            raise ReportError("looks like a binary file, not text", path=name)
        return text, enc, [warning] if warning else []
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReportError(
            "cannot detect the text encoding; save it as UTF-8 and retry", path=name
        )
    return str(best), best.encoding, [f"encoding guessed as {best.encoding}"]


# The 500 most frequent characters of official Chinese prose cover most of any report;
# text decoded with the wrong codec scatters over rare characters instead.
_COMMON = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质京"
    "报告度务推进建设依法治政府行政执法监督复议诉讼审核规范制度决策公开考核开展工作落实全面加强深化完善健全责任情况主要举措成效问题不足安排领导干部学习会议部署培训宣传普法调解矛盾纠纷化解案件受理结服务营商环境改革清单事项区县市省委常务员负责人第一职责"
)


_COMMON_HAN = re.compile("[" + "".join(sorted(c for c in _COMMON if "\u4e00" <= c <= "\u9fff")) + "]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]+")  # below 32, but for \t \n \f \r


def _common_han_share(text: str) -> float:
    han = count_chars(HAN_RUN, text)
    if not han:
        return 0.0
    return count_chars(_COMMON_HAN, text) / han


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    return count_chars(_CONTROL, text) / len(text)


def _read_txt(data: bytes, name: str) -> RawText:
    text, enc, warnings = decode_bytes(data, name)
    if _control_share(text) > 0.02:
        raise ReportError("looks like a binary file, not text", path=name)
    return RawText(text=text, kind="txt", encoding=enc, warnings=tuple(warnings))


def _read_docx(data: bytes, name: str) -> RawText:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReportError(
            "not a valid .docx (not a zip archive); an old .doc must be saved as .docx first",
            path=name,
        ) from None
    with zf:
        total = sum(i.file_size for i in zf.infolist())
        if total > MAX_UNZIPPED:
            raise ReportError(
                f"the .docx expands to {total / 1e6:.0f} MB, over the "
                f"{MAX_UNZIPPED // (1024 * 1024)} MB limit (a zip bomb?)",
                path=name,
            )
        if "word/document.xml" not in zf.namelist():
            raise ReportError("not a Word document (.docx without word/document.xml)", path=name)
        body = zf.read("word/document.xml")  # counted before python-docx builds an object per paragraph
    over_text_limit(sum(body.count(tag) for tag in (b"<w:p>", b"<w:p ", b"<w:tr>", b"<w:tr ")),
                    MAX_PARAGRAPHS, "paragraphs and table rows", name)
    import docx  # python-docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for damaged files
        raise ReportError(f"cannot read the .docx: {exc}", path=name) from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    over_text_limit(sum(map(len, lines)), MAX_CHARS, "characters of text", name)
    return RawText(text="\n".join(lines), kind="docx", encoding=None)


def _read_pdf(data: bytes, name: str) -> RawText:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise ReportError("the PDF is encrypted with a password; save an unlocked copy", path=name)
        over_text_limit(len(reader.pages), MAX_PAGES, "pages", name)
        pages, chars = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            chars += len(pages[-1])
            over_text_limit(chars, MAX_CHARS, "characters of text (so far)", name)
    except ReportError:
        raise
    except (PdfReadError, Exception) as exc:  # damaged PDFs raise many kinds of errors
        raise ReportError(f"cannot read the PDF (damaged or truncated?): {exc}", path=name) from None
    if sum(len(p.strip()) for p in pages) < 20:
        raise ReportError(
            "the PDF has no text layer (a scan?); OCR is not supported: "
            "submit the report as text, .docx or a PDF with text",
            path=name,
        )
    return RawText(text=join_pdf_lines(pages), kind="pdf", encoding=None)


_TERMINAL = "。！？；：!?;:」』”）)"
_HEADING_START = re.compile(
    r"^\s*([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.、．](?!\d)|第[一二三四五六七八九十]+部分)"
)


def join_pdf_lines(pages: list[str]) -> str:
    """Repair the line breaks that PDF layout puts inside sentences.

    A line that runs (nearly) to the page's full width and does not end a
    sentence continues on the next line, unless the next line starts a heading.
    """
    lines = [ln.rstrip() for page in pages for ln in page.splitlines()]
    widths = sorted(_width(ln) for ln in lines if ln.strip())
    full = widths[int(len(widths) * 0.9)] if widths else 0
    out: list[str] = []
    for ln in lines:
        if (out and out[-1] and ln.strip() and _width(out[-1]) >= 0.92 * full
                and out[-1][-1] not in _TERMINAL and not _HEADING_START.match(ln)):
            out[-1] += ln.lstrip()
        else:
            out.append(ln)
    return "\n".join(out)


def _width(line: str) -> float:
    return sum(1.0 if ord(c) > 0x2E80 else 0.5 for c in line)


def _read_html(data: bytes, name: str) -> RawText:
    from .read_html import read_html  # which reads with decode_bytes from here

    return read_html(data, name)


_READERS = {"txt": _read_txt, "docx": _read_docx, "pdf": _read_pdf, "html": _read_html}
