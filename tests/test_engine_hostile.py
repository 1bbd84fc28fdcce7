"""The engine against hostile input: patterns that would backtrack, templates that try to
escape or never end. Every input is generated here; no case depends on the clock but
for a generous subprocess bound that the old code missed by far (it never finished)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

from scorer.errors import RubricError, TemplateError
from scorer.render import render_html
from scorer.rubric import load_rubric
from scorer.rules import regex
from tests.conftest import ROOT, seed

DEFAULT = ROOT / "rubrics" / "fazhi-annual.yaml"


def _rubric_with(tmp_path, patterns=None, formulas=None, name="r.yaml"):
    doc = yaml.safe_load(DEFAULT.read_text("utf-8"))
    if patterns is not None:  # on the first rule of the kind `terms`
        rule = next(r for c in doc["criteria"] for r in c["rules"] if "terms" in r)
        rule["patterns"] = patterns
    if formulas is not None:
        doc.setdefault("language", {})["formulas"] = formulas
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return path


# ── patterns ──────────────────────────────────────────────────────────────
def test_a_pattern_that_backtracks_in_re_runs_in_linear_time(tmp_path):
    # `.*.*.*.*.*.*X` never finished on an ordinary report with Python's re; on RE2 the
    # whole report is scored in about a second. 120 s is a bound the old code missed by hours.
    path = _rubric_with(tmp_path, patterns=[".*.*.*.*.*.*X"])
    report = tmp_path / "report.txt"
    report.write_text(seed("001").read_text("utf-8") + "依法行政" * 5000 + "。\n", "utf-8")
    code = ("import sys; from scorer.rubric import load_rubric; from scorer.batch.workers import score_file;"
            "print(score_file(sys.argv[2], load_rubric(sys.argv[1]))['total'])")
    run = subprocess.run([sys.executable, "-c", code, str(path), str(report)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert float(run.stdout) > 0


def test_patterns_re2_cannot_run_are_checked_for_bounded_backtracking(tmp_path):
    with pytest.raises(RubricError, match=r"rules\.\d+\.patterns\.0: regular expression "
                                          r"'\(\?<!第\)\.\+次'.*look-around.*backtrack without bound"):
        load_rubric(_rubric_with(tmp_path, patterns=["(?<!第).+次"]))
    bounded = "(?<!第)[一二三]{1,3}次"  # a look-behind with a bounded repeat runs on re
    assert load_rubric(_rubric_with(tmp_path, patterns=[bounded], name="ok.yaml"))
    with pytest.raises(RubricError, match=r"language\.formulas\.0: regular expression .*could backtrack "
                                          r"[\d,]+ ways at each character"):
        load_rubric(_rubric_with(tmp_path, formulas=[r"(?!x).{0,99}.{0,99}.{0,99}\b"]))


def test_without_re2_only_bounded_patterns_are_accepted(tmp_path, monkeypatch):
    monkeypatch.setattr(regex, "re2", None)
    regex._re2_compiled.cache_clear()
    regex.compile_pattern.cache_clear()
    try:
        with pytest.raises(RubricError, match="google-re2 is not installed"):
            load_rubric(_rubric_with(tmp_path, patterns=[".*X"]))
        rubric = load_rubric(_rubric_with(tmp_path, patterns=["行政复议[^,。]{0,3}工作"], name="ok.yaml"))
        assert rubric.language.formulas  # the shipped formulas are bounded: they load either way
    finally:
        regex._re2_compiled.cache_clear()
        regex.compile_pattern.cache_clear()


@pytest.mark.parametrize("pattern, text, found", [
    (r"\d+次", "学法5次", "5次"),
    (r"\w+学法", "会前学法", "会前学法"),  # \w stays Unicode on RE2, as in Python
    (r"第\s*[一二]{,2}个", "第 一个", "第 一个"),  # {,n} is {0,n} as in Python
    (r"\D+", "学法5次", "学法"),
])
def test_patterns_keep_pythons_meaning_on_re2(pattern, text, found):
    compiled = regex.compile_pattern(pattern)
    assert compiled is not None and regex._re2_compiled(pattern) is not None
    assert compiled.search(text).group() == found


def test_formulas_match_as_one_alternation_did():
    import re

    lang = load_rubric().language
    compiled = tuple(regex.compile_pattern(p) for p in lang.formulas)
    joined = re.compile("|".join(f"(?:{p})" for p in lang.formulas))
    clauses = ["在区委的坚强领导下", "深入学习贯彻党的二十大精神", "深入学习贯彻习近平法治思想依法治区要求",
               "现将有关情况报告如下", "以法治政府建设示范创建为抓手", "全年办理复议案件12件", "请予审议"]
    for clause in clauses:
        old, new = joined.search(clause), regex.leftmost(compiled, clause)
        assert (old and old.group()) == (new and new.group()), clause


# ── templates ─────────────────────────────────────────────────────────────
@pytest.fixture(scope="module")
def result_003():
    from scorer.batch.workers import score_file

    return score_file(seed("003"), load_rubric())


@pytest.mark.parametrize("template, message", [
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}",
     r"scorecard.html.j2:1: not allowed in a template: access to attribute '__init__'"),
    ("{{ r.total.__class__.__mro__ }}", r"scorecard.html.j2:1: not allowed in a template"),
    ("{% set x = r.criteria.append(1) %}", r"scorecard.html.j2:1: not allowed in a template"),
    ("\n\n{{ 1 / 0 }}", r"scorecard.html.j2:3: template error: ZeroDivisionError: division by zero"),
    ("{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}", r"scorecard.html.j2:1: the template calls itself"),
    ("\n{% for i in range(100000) %}{% for j in range(100000) %}{{ r.input.file }}{% endfor %}{% endfor %}",
     r"scorecard.html.j2:2: the template's output passes 20,000,000 characters"),
    ("{{ 'x' * 10 ** 9 }}", r"scorecard.html.j2:1: not allowed in a template: the repetition would make"),
    ("{{ 2 ** (10 ** 8) }}", r"scorecard.html.j2:1: not allowed in a template: the power"),
    ("{{ range(10 ** 9) | list }}", r"scorecard.html.j2:1: template error: OverflowError"),
])
def test_templates_are_sandboxed_and_fail_in_one_located_line(tmp_path, result_003, template, message):
    (tmp_path / "scorecard.html.j2").write_text(template, "utf-8")
    with pytest.raises(TemplateError, match=message) as caught:
        render_html(result_003, template_dir=tmp_path)
    assert "\n" not in str(caught.value) and "uid=" not in str(caught.value)


def test_a_template_error_stops_the_batch_with_exit_2_and_one_line(tmp_path):
    from tests.conftest import cli

    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "scorecard.html.j2").write_text("{{ cycler.__init__.__globals__.os.popen('id').read() }}")
    run = cli("score", seed("003"), "--out", tmp_path / "o", "--template-dir", tmp_path / "t")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "scorecard.html.j2:1: not allowed in a template" in run.stderr and "uid=" not in run.stdout + run.stderr


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


# ── rubric loading ────────────────────────────────────────────────────────
@pytest.mark.parametrize("target, what", [("/dev/zero", "a device or a pipe"), ("fifo", "a device or a pipe"),
                                          ("folder", "a folder")])
def test_extends_naming_a_device_pipe_or_folder_is_one_located_line(tmp_path, target, what):
    import os

    from tests.conftest import cli

    os.mkfifo(tmp_path / "fifo")  # reading it would wait for a writer for ever
    (tmp_path / "folder").mkdir()
    child = tmp_path / "child.yaml"
    child.write_text(f'id: x\ntitle: x\nversion: "1"\nextends: {target}\n', "utf-8")
    run = cli("rubric", "check", child)
    assert run.returncode == 2 and "Traceback" not in run.stderr + run.stdout
    assert f"{child}:4:1: extends: '{target}' is {what}, not a rubric file" in run.stdout + run.stderr
    with pytest.raises(RubricError, match=f"is {what}, not a rubric file"):
        load_rubric(tmp_path / target if target != "/dev/zero" else target)


@pytest.mark.parametrize("text", ["a: " + "[" * 10_000 + "]" * 10_000 + "\n",  # past libyaml's own limit
                                  "a: " + "[" * 990 + "]" * 990 + "\n",  # within it: overflowed Python's stack
                                  "".join(" " * i + "k:\n" for i in range(900))])
def test_yaml_nested_thousands_deep_is_one_located_line(tmp_path, text):
    from tests.conftest import cli

    path = tmp_path / "deep.yaml"
    path.write_text(text, "utf-8")
    run = cli("rubric", "check", path)
    assert run.returncode == 2 and "Traceback" not in run.stdout + run.stderr
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: (invalid YAML: exceeded maximum nesting depth|"
                     r"nested more than 50 levels deep)", run.stdout + run.stderr)


def test_aliases_are_bounded_by_what_they_expand_to_not_by_the_rubrics_size(tmp_path):
    doc = yaml.safe_load(DEFAULT.read_text("utf-8"))
    per_area = 500  # 5,000 criteria written out, some 60,000 values and no alias
    doc["criteria"] = [{"id": f"{a['id']}.c{k}", "area": a["id"], "points": a["points"] / per_area,
                        "rules": [{"terms": [f"依法行政{k}"]}], "message": "依法行政。", "source": "纲要",
                        "examples": [{"text": f"全面推进依法行政{k}工作。", "level": 1},
                                     {"text": "天气晴朗。", "level": 0}]}
                       for a in doc["areas"] for k in range(per_area)]
    doc.pop("wholes", None)
    big = tmp_path / "big.yaml"
    big.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    assert len(load_rubric(big).criteria) == 500 * len(doc["areas"]) >= 5000
    laughs = tmp_path / "laughs.yaml"
    laughs.write_text("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)), "utf-8")
    with pytest.raises(RubricError, match=r"laughs\.yaml:\d+:\d+: the YAML expands to more than 50,000 values "
                                          r"through aliases"):
        load_rubric(laughs)


def test_a_single_character_term_is_refused_where_it_is_written(tmp_path):
    child = tmp_path / "child.yaml"
    line = "  - {id: duties.study, add_terms: [学法讲座, 的]}"
    child.write_text(f'extends: {DEFAULT}\nid: x\ntitle: x\nversion: "1"\ncriteria:\n{line}\n', "utf-8")
    with pytest.raises(RubricError) as caught:
        load_rubric(child)
    assert len(caught.value.problems) == 1
    assert re.fullmatch(rf"{re.escape(str(child))}:6:{line.index('的') + 1}: criteria\.\d+\.rules\.\d+\.terms\.1: "
                        "the term '的' is a single character, found in nearly every report; "
                        "write a word of two characters or more", caught.value.problems[0])


# ── the fuzzer's batches ──────────────────────────────────────────────────
def test_fuzzed_batches_of_hostile_names_and_damaged_caches_hold(tmp_path):
    import random

    from tools.fuzz_batch import NAMES, one_batch

    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    for k in range(2):  # every name the fuzzer makes, in two batches
        names = [n for kind in NAMES.values() for n in kind[k::2]]
        (tmp_path / str(k)).mkdir()
        assert one_batch(random.Random(k), seeds, tmp_path / str(k), names) == []
