"""The engine's bounds against hostile input: copy detection that grows linearly, text
extraction capped before the work, deep web pages read whole, and the batch fuzzer's
hostile names and damaged caches. Every input is generated here; work is bounded by
counting, never by the clock."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT, seed


# ── copy detection ────────────────────────────────────────────────────────
class _Doc:
    """What copy detection reads of a Document: its text for matching and quotes of it."""

    def __init__(self, text: str) -> None:
        self.match_text = text

    def quote(self, start: int, end: int) -> str:
        return self.match_text[start:end]


def _similar_pair(size: int) -> tuple[_Doc, _Doc]:
    # Few distinct characters and an edit every 100: what makes an alignment quadratic.
    import random

    rng = random.Random(size)
    text = "".join(rng.choice("依法行政执法监督复议诉讼审核规范制度决策公开考核开展工作落实") for _ in range(size))
    edited = "".join("某" if i % 100 == 50 else c for i, c in enumerate(text))
    return _Doc(text), _Doc(edited)


def _lines_run(function, *args) -> tuple[object, int]:
    """The function's result and the Python lines it ran (its callees' included): its work."""
    count = [0]

    def tracer(frame, event, arg):
        count[0] += event == "line"
        return tracer

    sys.settrace(tracer)
    try:
        result = function(*args)
    finally:
        sys.settrace(None)
    return result, count[0]


def test_shared_passages_work_grows_linearly_with_the_reports():
    from scorer.copying import shared_passages

    (small_quotes, small_share), small = _lines_run(shared_passages, *_similar_pair(4_000))
    (quotes, share), large = _lines_run(shared_passages, *_similar_pair(16_000))
    assert small_share > 0.9 and share > 0.9 and len(quotes) == 3 and all(len(q) >= 30 for q in quotes)
    assert large < 6 * small  # four times the text: about four times the work (an alignment: sixteen)


def test_copied_passages_are_found_wherever_they_are_and_match_an_alignment():
    import difflib

    from scorer.copying import common_blocks

    a, b = _similar_pair(3_000)
    aligned = difflib.SequenceMatcher(None, a.match_text, b.match_text, autojunk=False).get_matching_blocks()
    assert common_blocks(a.match_text, b.match_text) == [(m.a, m.size) for m in aligned if m.size >= 30]
    moved = b.match_text[1500:] + b.match_text[:1500]  # reordered paragraphs still count as copied
    assert sum(size for _, size in common_blocks(a.match_text, moved)) > 0.9 * len(a.match_text)
    assert common_blocks("依法行政" * 100, "执法监督" * 100) == []


# ── extracted text ────────────────────────────────────────────────────────
def _pdf(path, pages: int, line: str = "Rule of law report") -> None:
    """A PDF whose pages all show one content stream: a few bytes per page, as in the
    784 KB PDF of 3,000 pages that took two minutes to read."""
    content = f"BT /F1 9 Tf 20 800 Td ({line}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + " ".join(f"{4 + i} 0 R" for i in range(pages)).encode()
               + b"] /Count %d >>" % pages,
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + pages)] * pages
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def _docx(path, paragraphs: list[str]) -> None:
    """A .docx of these paragraphs, written as XML (python-docx takes minutes for 200,000)."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs).encode()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + body, 1)
            dst.writestr(item, data)


def test_a_pdf_of_3000_pages_is_refused_before_its_text_is_extracted(tmp_path, monkeypatch):
    from pypdf import PageObject

    from scorer.errors import ReportError
    from scorer.read import read_report

    extracted = []
    real = PageObject.extract_text
    monkeypatch.setattr(PageObject, "extract_text", lambda self, *a, **k: extracted.append(1) or real(self, *a, **k))
    _pdf(tmp_path / "big.pdf", 3000)
    with pytest.raises(ReportError, match=r"big\.pdf: the file holds 3,000 pages, over the limit of 500 for a report"):
        read_report(tmp_path / "big.pdf")
    assert extracted == []
    _pdf(tmp_path / "long.pdf", 400, "x" * 6000)  # 2.4 million characters on 400 pages
    with pytest.raises(ReportError, match=r"long\.pdf: the file holds 2,00\d,\d+ characters of text \(so far\)"):
        read_report(tmp_path / "long.pdf")
    assert len(extracted) < 400  # stopped at the limit, not after every page


def test_a_docx_of_200000_paragraphs_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    import docx

    from scorer.errors import ReportError
    from scorer.read import read_report

    _docx(tmp_path / "many.docx", ["依法行政"] * 200_000)
    monkeypatch.setattr(docx, "Document", lambda *a: pytest.fail("python-docx parsed a refused file"))
    with pytest.raises(ReportError, match=r"many\.docx: the file holds 200,000 paragraphs and table rows, "
                                          r"over the limit of 20,000"):
        read_report(tmp_path / "many.docx")
    monkeypatch.undo()
    _docx(tmp_path / "long.docx", ["依法行政" * 110_000] * 5)
    with pytest.raises(ReportError, match=r"long\.docx: the file holds 2,200,000 characters of text"):
        read_report(tmp_path / "long.docx")


@pytest.mark.parametrize("depth", [300, 5000, 100_000])
def test_html_nested_deeper_than_the_parser_allows_is_read_with_a_warning(tmp_path, depth):
    from scorer.read import read_report

    body = seed("003").read_text("utf-8")
    paragraphs = "".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
    page = (f'<html><head><meta charset="utf-8"><script>var menu = "<p>菜单</p>";</script></head><body>'
            f"<nav>首页 &gt; 政务公开</nav>{'<div>' * depth}{paragraphs}{'</div>' * depth}<!-- 注释 --></body></html>")
    (tmp_path / "deep.html").write_text(page, "utf-8")
    raw = read_report(tmp_path / "deep.html")
    assert [line for line in body.splitlines() if line.strip()] == raw.text.splitlines()
    assert raw.warnings == ("the page nests its elements deeper than the HTML parser allows (256 levels): "
                            "all of its text was read, without telling the main text from the page around it",)


def test_a_refused_oversized_report_leaves_the_rest_of_the_batch_complete(tmp_path):
    import json

    from tests.conftest import cli

    (tmp_path / "in").mkdir()
    _pdf(tmp_path / "in" / "big.pdf", 3000)
    (tmp_path / "in" / "ok.txt").write_text(seed("003").read_text("utf-8"), "utf-8")
    run = cli("score", tmp_path / "in", "--out", tmp_path / "o", "--format", "json", "--jobs", "1")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    errors = json.loads((tmp_path / "o" / "errors.json").read_text("utf-8"))
    assert "3,000 pages, over the limit of 500" in json.dumps(errors, ensure_ascii=False)
    assert (tmp_path / "o" / "ok" / "result.json").exists()


# ── the fuzzer's batches ──────────────────────────────────────────────────
def test_fuzzed_batches_of_hostile_names_and_damaged_caches_hold(tmp_path):
    import random

    from tools.fuzz_batch import NAMES, one_batch

    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    for k in range(2):  # every name the fuzzer makes, in two batches
        names = [n for kind in NAMES.values() for n in kind[k::2]]
        (tmp_path / str(k)).mkdir()
        assert one_batch(random.Random(k), seeds, tmp_path / str(k), names) == []
