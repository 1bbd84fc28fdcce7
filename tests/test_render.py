"""Scorecards: what an evaluator hands to a government, checked with poppler-utils."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from scorer.batch import score_file
from scorer.errors import TemplateError
from scorer.ranking import scorecard_context
from scorer.render import html_to_pdf, render_html
from scorer.rubric import load_rubric
from tests.conftest import SEEDS, cli


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def scored(batch):
    return batch["out"]


def _pdftotext(path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("stem", sorted(p.stem for p in SEEDS.glob("*.txt")))
def test_scorecard_holds_name_total_and_every_quote(scored, stem):
    result = json.loads((scored / stem / "result.json").read_text("utf-8"))
    text = _squash(_pdftotext(scored / stem / "scorecard.pdf"))
    assert result["metadata"]["region"] in text
    assert f"{result['total']:.1f}" in text
    for c in result["criteria"]:
        if c["evidence"]:
            assert _squash(c["evidence"][0]["quote"]) in text, (c["id"], c["evidence"][0]["quote"])
        else:
            assert _squash(c["summary"]) in text
    assert "第1/" in text  # page x / y


def test_cjk_font_is_embedded_as_a_subset(scored):
    fonts = subprocess.run(["pdffonts", str(scored / SEEDS.glob("000_*.txt").__next__().stem / "scorecard.pdf")],
                           capture_output=True, text=True, check=True).stdout
    rows = [ln.split() for ln in fonts.splitlines()[2:]]
    cjk = [r for r in rows if "WenQuanYi" in r[0]]
    assert cjk and all(r[-5] == "yes" and r[-4] == "yes" for r in cjk)  # emb, sub
    assert re.match(r"[A-Z]{6}\+", cjk[0][0])


def test_page_one_is_not_blank(scored, tmp_path):
    pdf = scored / next(SEEDS.glob("004_*.txt")).stem / "scorecard.pdf"
    subprocess.run(["pdftoppm", "-gray", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    pgm = next(tmp_path.glob("p*.pgm")).read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    pixels = pgm[header.end():]
    dark = sum(1 for b in pixels if b < 128)
    assert dark / len(pixels) > 0.01


def _table_rows(box):
    """(is_header, row) for every table row laid out in a page box, in order."""
    if type(box).__name__ == "TableRowGroupBox":
        yield from ((box.is_header, row) for row in box.children)
    for child in getattr(box, "children", ()):
        yield from _table_rows(child)


def _tripled(result: dict) -> dict:
    """The result with every area and criterion three times over: a table of several pages."""
    areas = [a | {"id": f"{a['id']}{n}"} for n in range(3) for a in result["areas"]]
    criteria = [c | {"id": f"{c['id']}{n}", "area": f"{c['area']}{n}"} for n in range(3) for c in result["criteria"]]
    return result | {"areas": areas, "criteria": criteria, "missing_parts": [f"{m}0" for m in result["missing_parts"]]}


@pytest.mark.parametrize("stem", [*sorted(p.stem for p in SEEDS.glob("*.txt")), "004 tripled"])
def test_criteria_table_repeats_its_header_and_keeps_area_headings_with_their_rows(scored, stem):
    from weasyprint import HTML

    name, _, tripled = stem.partition(" ")
    folder = next(scored.glob(f"{name}*/")) if tripled else scored / stem
    result = json.loads((folder / "result.json").read_text("utf-8"))
    pages = HTML(string=render_html(_tripled(result) if tripled else result)).render().pages
    assert len(pages) > 1  # the table does cross a page
    with_rows = 0
    for number, page in enumerate(pages, 1):
        rows = list(_table_rows(page._page_box))
        if not rows:  # a page before the table (a tall chart) holds none of it
            assert not with_rows, f"page {number} interrupts the table"
            continue
        with_rows += 1
        assert rows[0][0], f"page {number} does not start the table with its header row"
        assert rows[-1][1].element.get("class") != "area", f"page {number} ends with an orphaned area heading"


def test_scorecard_embeds_one_font(scored):
    # Every glyph of the seeds' scorecards is in the CJK font and nothing is bold: a
    # second face (a fallback or synthetic bold) would be a second subset to embed.
    for stem in sorted(p.stem for p in SEEDS.glob("*.txt")):
        fonts = subprocess.run(["pdffonts", str(scored / stem / "scorecard.pdf")],
                               capture_output=True, text=True, check=True).stdout
        assert len(fonts.splitlines()[2:]) == 1, fonts


def test_missing_parts_and_flags_are_shown_first(scored):
    stem = next(SEEDS.glob("004_*.txt")).stem
    html = (scored / stem / "scorecard.html").read_text("utf-8")
    head = html[: html.index("分领域得分")]
    assert "缺少必备部分：党政主要负责人履行第一责任人职责情况" in head
    assert "外来插入文字" in head and "申博体育在线" in head


def test_zero_shows_its_reason(scored):
    stem = next(SEEDS.glob("001_*.txt")).stem
    text = _squash(_pdftotext(scored / stem / "scorecard.pdf"))
    assert "仅见于下一年度安排部分" in text


def test_report_markup_is_text_and_nothing_is_fetched(tmp_path, monkeypatch):
    report = tmp_path / "hostile.txt"
    report.write_text("2023年,某区政府依法行政。\n一、主要举措和成效\n"
                      "举办普法讲座20场<script>alert(1)</script><img src=\"http://example.com/x.png\">。\n", "utf-8")
    result = score_file(report, load_rubric())
    html = render_html(result)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert '<img src="http' not in html
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the renderer tried to use the network")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(html_to_pdf(html))
    assert "<script>alert(1)</script>" in _pdftotext(pdf)


def test_same_inputs_give_byte_identical_pdfs(scored, tmp_path):
    stem = next(SEEDS.glob("002_*.txt")).stem
    result = json.loads((scored / stem / "result.json").read_text("utf-8"))
    ranking = json.loads((scored / "ranking.json").read_text("utf-8"))
    context = scorecard_context(ranking, stem) | {"scored_on": None}
    again = html_to_pdf(render_html(result, batch=context))
    assert again == (scored / stem / "scorecard.pdf").read_bytes()


def test_batch_scorecard_shows_rank_and_median(scored):
    stem = next(SEEDS.glob("004_*.txt")).stem
    html = (scored / stem / "scorecard.html").read_text("utf-8")
    assert "第 2 名 / 共 2 份" in html and "中位数" not in html  # a group of two: no median drawn


def _path_runs(html: str, cls: str) -> list[tuple[float, float, float]]:
    """(x, y, length) of each subpath of the chart path with this class."""
    m = re.search(rf'<path class="{cls}"[^>]* d="([^"]*)"', html)
    d = m.group(1) if m else ""
    return [tuple(map(float, m)) for m in re.findall(r"M([\d.]+) ([\d.]+)[hv]([\d.]+)", d)]


def test_chart_draws_each_area_and_the_batch_median_to_scale(scored):
    stem = next(SEEDS.glob("004_*.txt")).stem
    result = json.loads((scored / stem / "result.json").read_text("utf-8"))
    ranking = json.loads((scored / "ranking.json").read_text("utf-8"))
    context = scorecard_context(ranking, stem)
    html = render_html(result, batch=context | {"show_median": True})  # as for a group large enough
    medians = context["area_medians"]
    frames = _path_runs(html, "frames")
    assert len(frames) == len(result["areas"])
    ((x0, full),) = {(x, w) for x, _, w in frames}
    bars = {y: w for _, y, w in _path_runs(html, "bars")}
    marks = {y + 2: x for x, y, _ in _path_runs(html, "medians")}  # a mark stands 2 above its bar
    for (_, y, _), area in zip(frames, result["areas"], strict=True):
        assert bars.get(y, 0) == pytest.approx(full * area["points"] / area["max_points"], abs=0.1), area["id"]
        assert marks[y] - x0 == pytest.approx(full * medians[area["id"]] / area["max_points"], abs=0.1), area["id"]


def test_report_scoring_nothing_still_gets_its_chart(tmp_path):
    report = tmp_path / "空白区.txt"
    report.write_text("某区2023年度法治政府建设情况报告\n今年没有可报告的工作。\n", "utf-8")
    result = score_file(report, load_rubric())
    assert result["total"] == 0
    html = render_html(result, batch={"rank": 1, "n": 1, "area_medians": {}, "copied": []})
    assert len(_path_runs(html, "frames")) == len(result["areas"])
    assert _path_runs(html, "bars") == [] and _path_runs(html, "medians") == []
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(html_to_pdf(html))
    assert "0.0" in _squash(_pdftotext(pdf))


def test_render_command_re_renders_without_scoring(scored, tmp_path):
    stem = next(SEEDS.glob("003_*.txt")).stem
    run = cli("render", scored / stem / "result.json", "--out", tmp_path, "--format", "pdf")
    assert run.returncode == 0, run.stderr
    result = json.loads((scored / stem / "result.json").read_text("utf-8"))
    assert (tmp_path / stem / "scorecard.pdf").read_bytes() == html_to_pdf(render_html(result))


@pytest.fixture(scope="module")
def result_004():
    return score_file(next(SEEDS.glob("004_*.txt")), load_rubric())


def test_user_templates_fall_back_to_shipped_files(tmp_path, result_004):
    (tmp_path / "scorecard.css").write_text("html { font-family: 'WenQuanYi Micro Hei'; color: #123456; }", "utf-8")
    html = render_html(result_004, template_dir=tmp_path)
    assert "#123456" in html and "逐项评分与依据" in html  # own CSS, shipped template


def _own_font(path: Path, family: str) -> None:
    """A small TrueType font of boxes for the digits, named `family`."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    chars = "0123456789./"
    names = [".notdef", *(f"g{ord(c)}" for c in chars)]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"g{ord(c)}" for c in chars})
    pen = TTGlyphPen(None)
    pen.moveTo((50, 0))
    for corner in ((50, 700), (450, 700), (450, 0)):
        pen.lineTo(corner)
    pen.closePath()
    box = pen.glyph()
    builder.setupGlyf(dict.fromkeys(names, box))
    builder.setupHorizontalMetrics({n: (500, 50) for n in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))


def test_own_font_from_the_template_folder_is_embedded_every_time(tmp_path, result_004):
    # Fonts are configured once per process and template folders; an own
    # @font-face must still reach every scorecard, the same each time.
    _own_font(tmp_path / "own.ttf", "Own Face")
    (tmp_path / "scorecard.css").write_text(
        "@font-face { font-family: 'Own Face'; src: url(own.ttf); }\n"
        "html { font-family: 'Own Face', 'WenQuanYi Micro Hei'; font-size: 9pt; }", "utf-8")
    html = render_html(result_004, template_dir=tmp_path)
    first, second = (html_to_pdf(html, template_dir=tmp_path) for _ in range(2))
    assert first == second
    pdf = tmp_path / "own.pdf"
    pdf.write_bytes(first)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Own-Face" in fonts and "WenQuanYi" in fonts


def test_template_syntax_error_is_located(tmp_path, result_004):
    (tmp_path / "scorecard.html.j2").write_text("<p>\n{% if r.total %}\n</p>\n", "utf-8")
    with pytest.raises(TemplateError, match=r"scorecard.html.j2:\d+: template syntax error"):
        render_html(result_004, template_dir=tmp_path)


def test_template_undefined_variable_is_located(tmp_path, result_004):
    (tmp_path / "scorecard.html.j2").write_text("<p>{{ r.total }}</p>\n<p>{{ nothing_here }}</p>\n", "utf-8")
    with pytest.raises(TemplateError, match=r"scorecard.html.j2:2: undefined variable in template: 'nothing_here'"):
        render_html(result_004, template_dir=tmp_path)


def test_template_asking_for_the_network_is_refused(tmp_path, result_004):
    (tmp_path / "scorecard.html.j2").write_text(
        "<html><head><link rel='stylesheet' href='http://example.com/x.css'></head><body>{{ r.total }}</body></html>",
        "utf-8")
    html = render_html(result_004, template_dir=tmp_path)
    with pytest.raises(TemplateError, match="outside the template folders"):
        html_to_pdf(html, template_dir=tmp_path)


def test_cli_template_error_is_one_line(tmp_path):
    (tmp_path / "scorecard.html.j2").write_text("{% for %}", "utf-8")
    run = cli("score", next(SEEDS.glob("003_*.txt")), "--out", tmp_path / "o", "--template-dir", tmp_path)
    assert run.returncode == 2
    assert "template syntax error" in run.stderr and "Traceback" not in run.stderr


def test_every_flag_has_words_on_the_scorecard():
    from pathlib import Path

    from scorer import hygiene
    from scorer.labels import FLAGS
    from scorer.result import COPIED

    names = set(re.findall(r'Flag\(\s*"(\w+)"', Path(hygiene.__file__).read_text("utf-8")))
    assert {"traditional_script", "hidden_characters", "keyword_stuffing"} <= names
    assert names | {COPIED} <= set(FLAGS)


def test_the_legend_names_the_rubrics_own_levels(scored):
    result = json.loads((scored / next(SEEDS.glob("000_*.txt")).stem / "result.json").read_text("utf-8"))
    assert [lv["name"] for lv in result["rubric"]["levels"]] == ["未体现", "泛泛提及", "具体举措", "量化成效"]
    renamed = [lv | {"name": name} for lv, name in zip(result["rubric"]["levels"], "甲乙丙丁", strict=True)]
    html = render_html(result | {"rubric": result["rubric"] | {"levels": renamed}})
    legend = html[html.index("评定："):html.index("结构项")]
    assert "甲" in legend and "丁" in legend and "量化成效" not in legend
