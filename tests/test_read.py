"""Every input format, built from the real seeds, reads back to the same report."""

from __future__ import annotations

import codecs

import pytest

from scorer.document import load_document
from scorer.errors import ReportError
from scorer.read import read_report
from tests.conftest import make_docx, make_html, make_pdf, seed


def _squash(s: str) -> str:
    return "".join(s.split())


@pytest.mark.parametrize(
    ("encoding", "prefix", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
        ("gb18030", b"", "gb18030"),
    ],
)
def test_text_encodings_are_detected_and_reported(tmp_path, encoding, prefix, expected):
    text = seed("001").read_text("utf-8")
    path = tmp_path / "report.txt"
    path.write_bytes(prefix + text.encode(encoding))
    raw = read_report(path)
    assert raw.encoding == expected
    assert raw.text == text


def test_gbk_copy_of_a_seed_gives_the_same_metadata(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(seed("002").read_text("utf-8").encode("gbk"))
    doc = load_document(path)
    assert doc.encoding == "gb18030"
    assert (doc.metadata.region, doc.metadata.year, doc.metadata.published) == ("北碚区", 2020, "2021-01-13")


def test_big5_traditional_text_is_read(tmp_path):
    text = seed("000").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if _encodable(ln, "big5")]
    path = tmp_path / "big5.txt"
    path.write_bytes("\n".join(lines).encode("big5"))
    raw = read_report(path)
    assert raw.encoding == "big5"
    assert "黨政主要負責人" in raw.text


def _encodable(s: str, enc: str) -> bool:
    try:
        s.encode(enc)
        return True
    except UnicodeEncodeError:
        return False


def test_cut_off_last_utf8_character_reads_with_a_warning(tmp_path):
    data = seed("003").read_text("utf-8").encode("utf-8") + "报".encode()[:2]
    path = tmp_path / "cut.txt"
    path.write_bytes(data)
    raw = read_report(path)
    assert raw.encoding == "utf-8"
    assert any("cut off" in w for w in raw.warnings)


def test_docx_reads_every_paragraph(tmp_path):
    text = seed("004").read_text("utf-8")
    doc = load_document(make_docx(text, tmp_path / "report.docx"))
    assert doc.kind == "docx"
    assert _squash(doc.original) == _squash(text)
    assert doc.metadata.region == "海港区" and doc.metadata.year == 2022
    assert "injected_text" in doc.flag_names()


def test_pdf_text_layer_reads_back_with_lines_repaired(tmp_path):
    text = seed("003").read_text("utf-8")
    doc = load_document(make_pdf(text, tmp_path / "report.pdf"))
    assert doc.kind == "pdf"
    assert _squash(doc.original) == _squash(text)
    # Broken lines are joined: a line break is left only where a paragraph or a
    # sentence ends (a sentence may end exactly at the page's edge).
    paragraph_ends = {_squash(p)[-12:] for p in text.splitlines() if p.strip()}
    for line in doc.original.splitlines():
        if line.strip():
            assert _squash(line)[-12:] in paragraph_ends or line.rstrip()[-1] in "。;:!?", line[-20:]
    m = doc.metadata
    assert (m.region, m.year, m.published) == ("昌江区", 2024, "2025-02-12")
    assert [p.role.value for p in doc.parts if p.level == 1] == ["achievements", "problems", "plans"]


def test_html_keeps_the_report_and_drops_navigation_scripts_and_styles(tmp_path):
    text = seed("001").read_text("utf-8")
    doc = load_document(make_html(text, tmp_path / "report.html"))
    assert doc.kind == "html"
    assert "document.write" not in doc.original and "color: #333" not in doc.original
    assert "政务公开 >" not in doc.original
    body = _squash(text)
    assert all(_squash(ln) in body for ln in doc.original.splitlines() if len(ln) > 30)
    assert doc.metadata.region == "东城区" and doc.metadata.year == 2023


def test_html_declared_gb2312_with_gbk_characters(tmp_path):
    text = seed("002").read_text("utf-8") + "\n镕"  # 镕 is GBK, not GB2312
    path = make_html(text, tmp_path / "page.htm", encoding="gb18030")
    path.write_bytes(path.read_bytes().replace(b'charset="gb18030"', b'charset="gb2312"'))
    doc = load_document(path)
    assert doc.encoding == "gb18030"
    assert doc.metadata.region == "北碚区"


@pytest.mark.parametrize(("make", "kind", "named"), [
    (make_pdf, "pdf", ".txt"), (make_docx, "docx", ".txt"), (make_html, "html", ".txt"), (make_pdf, "pdf", ".docx"),
])
def test_a_report_saved_under_another_suffix_is_read_as_what_it_is(tmp_path, make, kind, named):
    text = seed("004").read_text("utf-8")
    made = make(text, tmp_path / f"report.{kind}")
    path = made.rename(tmp_path / f"misnamed{named}")
    doc = load_document(path)
    assert doc.kind == kind
    assert doc.metadata.region == "海港区" and doc.metadata.year == 2022
    assert any(w.startswith("the file is") and f"though named {named}; read as" in w for w in doc.warnings)
    assert "%PDF" not in doc.original and "<html" not in doc.original


def test_a_report_under_its_own_suffix_carries_no_suffix_warning(tmp_path):
    text = seed("004").read_text("utf-8")
    for path in (make_pdf(text, tmp_path / "r.pdf"), make_html(text, tmp_path / "r.html"), seed("004")):
        assert not any("though named" in w for w in load_document(path).warnings)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("binary.txt", bytes(range(256)) * 40, "binary"),
        ("report.doc", b"old word file", "unsupported file type '.doc'"),
        ("fake.docx", b"not a zip at all", "not a valid .docx"),
        ("blank.txt", b"   \n\n  ", "no text found"),
        ("utf16.txt", "2023年法治政府建设报告".encode("utf-16-le"), "saved as UTF-16 without a byte-order mark"),
    ],
)
def test_bad_input_is_one_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReportError) as info:
        read_report(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_a_fifo_is_not_read_and_not_called_empty(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReportError, match="not a regular file"):
        read_report(fifo)


def test_pdf_without_text_layer_says_ocr_is_not_supported(tmp_path):
    from weasyprint import HTML

    path = tmp_path / "scan.pdf"
    HTML(string="<html><body><div style='width:5cm;height:5cm;background:#000'></div></body></html>").write_pdf(path)
    with pytest.raises(ReportError, match="OCR is not supported"):
        read_report(path)


def test_oversized_file_is_refused_with_the_limit_named(tmp_path):
    from scorer import read

    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(read.MAX_BYTES + 1)
    with pytest.raises(ReportError, match="MB limit"):
        read_report(path)


def test_an_xhtml_page_saved_as_text_is_read_as_a_web_page(tmp_path):
    text = seed("004").read_text("utf-8")
    page = make_html(text, tmp_path / "r.html").read_text("utf-8").replace("<!DOCTYPE html>", "")
    path = tmp_path / "r.txt"
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n' + page, "utf-8")
    doc = load_document(path)
    assert doc.kind == "html" and "<html" not in doc.original and doc.metadata.region == "海港区"
