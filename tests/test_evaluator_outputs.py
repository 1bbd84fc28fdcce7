"""Outputs an evaluator reads without translating or repairing: every user-facing text of a
batch in Chinese, a CSV of records only, a workbook laid out for reading and printing."""

from __future__ import annotations

import ast
import csv
import html
import io
import json
import re
import subprocess
from pathlib import Path

import pytest

from scorer.cells import display_width
from scorer.labels import STATUS
from tests.conftest import BROKEN_NAME, CHROMEDRIVER, ROOT, SEEDS, TIE_NAME, cli, seed

# Three or more English words in a row: a sentence the evaluator would have to translate.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'()\-]+[A-Za-z]{2,}){2,}")


def _english(texts) -> list[str]:
    """The English sentences in texts, file paths aside (a folder's name is the user's own)."""
    return [m.group() for text in texts for m in ENGLISH.finditer(re.sub(r"[^\s：，]*/[^\s：，]*", " ", text))]


def _page_text(path: Path) -> str:
    """What a browser shows of an HTML page: no script, style or tags."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text("utf-8"), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _xlsx_texts(wb) -> list[str]:
    texts = []
    for ws in wb:
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(values_only=True):
            # the English original of a failure and the criterion ids are there for bug reports
            texts += [str(v) for h, v in zip(header, row, strict=False)
                      if isinstance(v, str) and not str(h).startswith(("原始信息", "指标编号"))]
    return texts


def test_no_english_sentence_in_any_output_a_user_reads(batch, batch_workbook):
    run, out = batch["run"], batch["out"]
    assert run.returncode == 1
    errors = json.loads((out / "errors.json").read_text("utf-8"))
    pdf_text = subprocess.run(["pdftotext", str(out / "ranking.pdf"), "-"], capture_output=True, text=True).stdout
    cards = [_page_text(p) for p in sorted(out.glob("*/scorecard.html"))]
    texts = [run.stdout, run.stderr, *[e["message"] for e in errors], pdf_text, _page_text(out / "index.html"),
             *_xlsx_texts(batch_workbook), *cards]
    assert _english(texts) == []
    # the failure is there, in Chinese, with its English original kept for a bug report
    assert "不是有效的 .docx 文件" in run.stderr and "不是有效的 .docx 文件" in pdf_text
    assert errors[0]["error"].endswith("not a valid .docx (not a zip archive); an old .doc must be saved as .docx first")
    assert "已评分 6 份（其中沿用上次结果 0 份），未能评分 1 份" in run.stdout


def test_the_english_detector_finds_english():
    assert _english(["error: cannot read the PDF (damaged or truncated?)"])
    assert not _english(["文件 001_402d.txt · sha256 e3b0c442… PDF · HTML"])


@pytest.mark.parametrize(("name", "data", "words"), [
    ("empty.txt", b"", "文件为空"), ("bin.txt", b"\x00\x01\x02abc" * 20, "二进制文件"),
    ("bad.docx", b"not a zip", "不是有效的 .docx"), ("bad.pdf", b"%PDF-1.4\n1 0 obj<<>>\n", "无法读取该 PDF"),
    ("notes.xyz", b"abc", "不支持的文件类型"), ("scan.pdf", None, "没有文字层")])
def test_every_reading_failure_reads_in_chinese(tmp_path, name, data, words):
    from scorer.errors import ReportError
    from scorer.labels import reason_word
    from scorer.read import read_report

    path = tmp_path / name
    if data is None:
        from weasyprint import HTML

        HTML(string="<p>1</p>").write_pdf(path)
    else:
        path.write_bytes(data)
    with pytest.raises(ReportError) as caught:
        read_report(path)
    shown = reason_word(str(caught.value))
    assert words in shown and shown.startswith(f"{path}：") and not _english([shown]), shown


@pytest.mark.parametrize("message", [
    "a.pdf: the file holds 3,000 pages, over the limit of 500 for a report; check that this is the right file",
    "a.docx: the file holds 30,000 paragraphs and table rows, over the limit of 20,000 for a report; check that",
    "a.pdf: the file holds 2,000,001 characters of text (so far), over the limit of 2,000,000 for a report; check",
    "a.txt: scoring took longer than the time limit of 300 s; skipped (check the file, or raise the limit with "
    "--time-limit)", "a.txt: the worker stopped (killed, out of memory, or past the time limit inside a library "
    "call); skipped", "a.txt: internal error (KeyError: 'x'); please report it", "cannot read: Permission denied",
    "cannot read: Input/output error", "cannot read: [Errno 1] Operation not permitted: 'a.txt'",
    "cannot read: No such file or directory", "cannot read: File name too long",
    "cannot read: Too many levels of symbolic links", "cannot read: Too many open files",
    "is an output folder of scorer, not a folder of reports; not scored", "symlink loop: this folder was already "
    "visited; skipped", "a symbolic link leaving the input folder (to /x); not followed: copy the file in, or pass "
    "--follow-links", "not read: an old Word or other word-processor file; 请另存为 .docx",
    "not read: not a regular file (a FIFO, device, socket or dangling link)",
    "cannot read: not a regular file (a FIFO, device, socket or dangling link)",
    "not read: '.foo' is not a report format (.txt .docx .pdf .html .htm)",
    "the page nests its elements deeper than the HTML parser allows (256 levels): all of its text was read, "
    "without telling the main text from the page around it",
    "mixed encodings: 3 characters that are not UTF-8 were replaced with �", "encoding guessed as GB2312"])
def test_every_batch_failure_and_reading_note_reads_in_chinese(message):
    from scorer.labels import reason_word

    shown = reason_word(message)
    assert shown != message and not _english([shown.replace("--time-limit", "").replace("--follow-links", "")]), shown


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_ranking_csv_holds_records_only(batch, batch_workbook):
    out = batch["out"]
    text = (out / "ranking.csv").read_text("utf-8-sig")
    rows = _rows(text)
    header = rows[0]
    assert all(len(r) == len(header) for r in rows) and all(any(r) for r in rows)
    last = dict(zip(header, rows[-1], strict=True))
    assert last["文件"] == BROKEN_NAME and last["状态"] == STATUS["failed"] and "不是有效的 .docx" in last["错误"]
    assert not text.endswith("\r\n\r\n") and "排名规则" not in text
    assert {r[header.index("状态")] for r in rows[1:-1]} == {STATUS["ok"]}
    # the tie rule is stated where a reader looks for it instead
    notes = dict(batch_workbook["说明"].values)
    tie_rule = json.loads((out / "ranking.json").read_text("utf-8"))["tie_rule"]
    assert notes["排名规则"] == tie_rule and tie_rule.rstrip("。") in (ROOT / "README.md").read_text("utf-8")
    assert notes["分组"] == "按年度"


def test_the_workbook_is_labelled_filtered_and_printable(batch_workbook):
    from openpyxl.utils import get_column_letter

    wb = batch_workbook
    ws = wb["2022年度"]
    header = [c.value for c in ws[1]]
    area, level = header.index("第一责任人职责（得分）"), header.index("述法（等级）")
    assert area < level and all(h.endswith("（等级）") for h in header[area + 1:level + 1])
    assert ws.column_dimensions[get_column_letter(level + 1)].outline_level == 1
    assert ws.column_dimensions[get_column_letter(area + 1)].outline_level == 0
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(header))}{ws.max_row}"
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9 and int(ws.page_setup.fitToWidth) == 1  # 9: A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    column = get_column_letter(header.index("上级") + 1)
    assert "秦皇岛市" in [c.value for c in ws[column]]
    assert ws.column_dimensions[column].width >= display_width("秦皇岛市") + 1
    assert not ws.conditional_formatting  # two reports: nothing to compare on a colour scale


def test_the_evidence_sheet_gives_the_area_points_and_why_nothing(batch_workbook):
    ev = batch_workbook["依据"]
    header = [c.value for c in ev[1]]
    rows = [dict(zip(header, r, strict=True)) for r in ev.iter_rows(min_row=2, values_only=True)]
    assert {"领域", "得分", "未计分原因", "指标编号"} <= set(header)
    scored = [r for r in rows if r["引文（照录原文）"]]
    zeros = [r for r in rows if r["等级"] == 0 and r["评定"] != "不适用"]
    assert scored and all(r["得分"] > 0 and r["领域"] and not r["未计分原因"] for r in scored)
    assert zeros and all(r["未计分原因"] and r["得分"] == 0 for r in zeros)
    assert any(r["未计分原因"].startswith("未计分：") for r in zeros)  # what was rejected, and why


@pytest.fixture(scope="module")
def together(tmp_path_factory):
    """The seeds and a copy ranked in one group (six reports): enough to compare."""
    import shutil

    inputs = tmp_path_factory.mktemp("together")
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, inputs / path.name)
    shutil.copy(seed("001"), inputs / TIE_NAME)
    out = tmp_path_factory.mktemp("together_out")
    run = cli("score", inputs, "--out", out, "--group-by", "none", "--format", "json,html", "--jobs", "1")
    assert run.returncode == 0, run.stderr
    return out


def test_colour_scale_and_median_only_where_a_group_has_enough_reports(batch, together):
    from openpyxl import load_workbook

    assert load_workbook(together / "ranking.xlsx")["排名"].conditional_formatting
    card = (together / seed("004").stem / "scorecard.html").read_text("utf-8")
    assert 'class="medians"' in card and "6 份报告各领域得分的中位数" in card
    small = (batch["out"] / seed("004").stem / "scorecard.html").read_text("utf-8")  # a group of two
    assert 'class="medians"' not in small and "中位数" not in small


def test_the_spam_alert_says_how_often_and_where(batch):
    card = _page_text(batch["out"] / seed("004").stem / "scorecard.html")
    alert = next(line for line in card.splitlines() if "外来插入文字" in line)
    assert re.search(r"共 3 处，见二、\(二\) 三是第 \d+ 段、五、\(一\)第 \d+ 段", alert), alert


@pytest.mark.parametrize("text", [
    "2022年,昌平區以黨的二十大精神為指引,深入學習貫徹習近平法治思想,認真落實市委市政府的部署要求",
    "一是加强组织领导，同时也存在一些薄弱环节，主要是执法人员素质有待提高，需要进一步加强培训工作。",
    "全年办理行政复议案件1,200件，纠错率12.5%，较上年提高3个百分点；行政诉讼败诉率下降至3%以下。"])
def test_samples_are_cut_at_a_clause_end_with_an_ellipsis(text):
    from scorer.render import clause_cut

    cut = clause_cut(text, 40)
    assert cut.endswith("…") and len(cut) <= 41
    body = cut[:-1]
    assert text.startswith(body) and text[len(body)] in "。！？；，、：,;:"
    assert "1,2…" not in cut  # a thousands comma ends no clause


def test_a_short_sample_is_shown_whole():
    from scorer.render import clause_cut

    assert clause_cut("申博体育在线:") == "申博体育在线:"


@pytest.mark.skipif(not CHROMEDRIVER.exists(), reason="chromium-driver is installed by make test")
def test_the_index_filter_finds_what_is_shown(batch, chromium):
    from selenium.webdriver.common.by import By

    ranking = json.loads((batch["out"] / "ranking.json").read_text("utf-8"))
    missing = sorted(e["file"] for g in ranking["groups"] for e in g["entries"]
                     if "structure.duties" in e["missing_parts"])
    driver = chromium
    driver.get((batch["out"] / "index.html").as_uri())
    driver.find_element(By.ID, "filter").send_keys("第一责任人")
    rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "table.ranking tbody tr") if r.is_displayed()]
    assert missing and sorted(r.find_element(By.CSS_SELECTOR, "span.file").text for r in rows) == missing
    assert driver.find_element(By.ID, "shown").text == f"显示 {len(missing)} 份"
    groups = {g["key"] for g in ranking["groups"] for e in g["entries"] if e["file"] in missing}
    shown = [h.text for h in driver.find_elements(By.TAG_NAME, "h2") if h.is_displayed()]
    assert sorted(h.split("（")[0] for h in shown if "份，" in h) == sorted(groups)  # empty groups hidden


def test_the_demo_ranks_the_seeds_together():
    demo = (ROOT / "Makefile").read_text("utf-8").split("\ndemo:")[1].split("\n\n")[0]
    assert "scorer score $(SEEDS) --out $(OUT) --group-by none" in demo
    assert "--group-by none" in (ROOT / "README.md").read_text("utf-8")


@pytest.mark.parametrize("cause", ["Permission denied", "[Errno 1] Operation not permitted: 'a.txt'",
                                   "Input/output error", "No such file or directory", "File name too long",
                                   "Too many levels of symbolic links", "Too many open files"])
def test_the_systems_common_reasons_for_an_unreadable_file_read_in_chinese(cause):
    from scorer.labels import reason_word

    shown = reason_word(f"a.txt: cannot read: {cause}")
    assert shown.startswith("a.txt：无法读取：") and not re.search(r"[A-Za-z]", shown.removeprefix("a.txt")), shown


# Where rarely seen Chinese messages are written: the review page, the review record and its
# tools, and the outline of `scorer inspect`.
CHINESE_SOURCES = ("scorer/review_page.py", "scorer/review_page_data.py", "scorer/review.py",
                   "scorer/review_tools.py", "scorer/review_agreement.py", "scorer/outline.py")
# ASCII , : ; ( ) touching a Chinese character, or one space away from it, and a value put in
# ASCII brackets (发布 {date} ({on_time})): full-width in a Chinese message. In a template, also
# two values joined by an ASCII colon or comma.
ASCII_BESIDE_CHINESE = re.compile(r"[\u4e00-\u9fff] ?[,:;()]|[,:;()] ?[\u4e00-\u9fff]|\((?:\{\} ?)+\)")
ASCII_BETWEEN_VALUES = re.compile(r"\{\}[,:;]\{\}")


def _string_literals(source: str) -> list[str]:
    """A module's string literals but its docstrings, with an f-string's placeholders as {}."""
    tree = ast.parse(source)
    documented = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree) if isinstance(node, documented)
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    texts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            texts.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings | parts:
            texts.append(node.value)
    return texts


def ascii_punctuation_in_chinese(source: str, *, template: bool = False) -> list[str]:
    """Each ASCII , : ; ( ) beside a Chinese character in the messages of a module (or in a
    template's text), with a little context. An English sentence ("a level 0–3 (0 未体现, …)")
    keeps its own punctuation."""
    if template:
        texts = [re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "{}", source, flags=re.S)]
    else:
        texts = [t for t in _string_literals(source) if not re.match(r"[A-Za-z]+ [A-Za-z]", t)]
    patterns = (ASCII_BESIDE_CHINESE, ASCII_BETWEEN_VALUES) if template else (ASCII_BESIDE_CHINESE,)
    return [t[max(m.start() - 10, 0):m.end() + 10] for t in texts for p in patterns for m in p.finditer(t)]


def test_the_review_pages_chinese_messages_use_full_width_punctuation():
    templates = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "templates").glob("review*.j2"))]
    assert len(templates) >= 5
    found = {path: hits for path in (*CHINESE_SOURCES, *templates)
             if (hits := ascii_punctuation_in_chinese((ROOT / path).read_text("utf-8"), template=path in templates))}
    assert not found
