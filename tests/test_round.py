"""The round's deliverables: the evaluation report (.docx and .pdf), year over year, intake
and the cards, on the seeds and an earlier round made here by editing them."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import zipfile

import pytest

from scorer.round_sections import SECTION_TITLES
from tests.conftest import SEEDS, cli, seed

EXPECTED = "地区,层级,上级\n东城区,县级,北京市\n昌平区,县级,北京市\n朝阳区,县级,北京市\n海港区,县级,秦皇岛市\n北碚区,县级,重庆市\n昌江区,区县级,景德镇市\n"


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    """This round: the seeds and a second copy of 东城区 2023 (a duplicate). The earlier
    round: 昌平区's report one year earlier without its 述法 clause, and a 珠山区 report
    that has no counterpart now."""
    base = tmp_path_factory.mktemp("round")
    now, before = base / "now", base / "before"
    (now / "more").mkdir(parents=True)
    before.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, now / path.name)
    shutil.copy(seed("001"), now / "more" / "东城区报告.txt")
    text = seed("000").read_text("utf-8")
    assert "在嚴格落實年終述法工作全覆蓋的前提下," in text
    earlier = text.replace("2023", "2022").replace("2022", "2021").replace("在嚴格落實年終述法工作全覆蓋的前提下,", "")
    (before / "changping_2021.txt").write_text(earlier, "utf-8")
    (before / "zhushan_2023.txt").write_text(seed("003").read_text("utf-8").replace("昌江", "珠山").replace("2024", "2023"), "utf-8")
    for src, out in ((now, base / "out"), (before, base / "prev")):
        assert cli("score", src, "--out", out, "--format", "json").returncode == 0
    expected = base / "expected.csv"
    expected.write_text(EXPECTED, "utf-8")
    run = cli("round", base / "out", "--previous", base / "prev", "--expected", expected, "--title", "测试评估报告")
    assert run.returncode == 0, run.stderr
    return {"out": base / "out", "prev": base / "prev", "base": base, "run": run}


def _result(folder, stem):
    return json.loads(next(folder.glob(f"{stem}*/result.json")).read_text("utf-8"))


def test_docx_reads_back_with_every_section_heading_a_toc_and_charts(rounds):
    import docx

    document = docx.Document(str(rounds["out"] / "评估报告.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [h.split("、", 1)[1] for h in headings] == list(SECTION_TITLES)
    assert document.paragraphs[0].text == "测试评估报告"
    assert 'TOC \\o "1-2"' in document.element.xml
    assert len(document.inline_shapes) == 2  # the distribution and the areas
    ranked = [r.cells[1].text for t in document.tables if t.rows[0].cells[0].text == "名次" for r in t.rows[1:]]
    assert sorted(ranked) == sorted(["昌平区(北京市)", "海港区(秦皇岛市)", "东城区(北京市)", "东城区(北京市)",
                                     "北碚区(重庆市)", "昌江区(景德镇市)"])  # one table per year


def test_pdf_shows_the_sections_in_order_and_names_the_governments(rounds):
    text = subprocess.run(["pdftotext", "-layout", str(rounds["out"] / "评估报告.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    body = text[text.index("一、评估对象及方法", text.index("七、附录")):]  # after the table of contents
    positions = [body.index(f"、{title}") for title in SECTION_TITLES]
    assert positions == sorted(positions)
    for name in ("昌平区", "东城区", "北碚区", "海港区", "昌江区", "朝阳区", "珠山区"):
        assert name in body
    assert "照搬上年" in body and "同一政府同一年度重复提交" in body


def test_year_over_year_deltas_criteria_and_copying_on_a_built_case(rounds):
    rows = json.loads((rounds["out"] / "round_comparison.json").read_text("utf-8"))["governments"]
    now, before = _result(rounds["out"], "000"), _result(rounds["prev"], "changping")
    assert before["metadata"]["year"] == 2021 and now["metadata"]["year"] == 2022
    row = next(r for r in rows if r["region"] == "昌平区")
    assert row["status"] == "两轮均有"
    assert row["total_delta"] == round(now["total"] - before["total"], 2) != 0
    duties = {a["id"]: a["points"] for a in now["areas"]}["duties"] - {a["id"]: a["points"] for a in before["areas"]}["duties"]
    assert row["area_deltas"]["第一责任人职责"] == round(duties, 2) > 0
    assert "述法" in row["gained"] and row["lost"] == []
    assert row["copied_previous"] and row["copied_share"] > 0.8 and row["copied_share_source"] == "text"
    status = {(r["region"], r["status"]) for r in rows}
    assert ("珠山区", "仅上轮") in status and ("北碚区", "仅本轮") in status
    with (rounds["out"] / "round_comparison.csv").open(encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    changping = next(r for r in table if r["地区"] == "昌平区")
    assert float(changping["总分变化"]) == row["total_delta"] and changping["照搬上年"] == "是"


def test_intake_lists_the_missing_and_the_duplicate_submissions(rounds):
    with (rounds["out"] / "round_intake.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["地区"], r["上级"]) for r in rows if r["状态"] == "未提交"] == [("朝阳区", "北京市")]
    assert sorted(r["文件"] for r in rows if r["状态"] == "重复提交") == ["001_402d724fb869edf1.txt", "东城区报告.txt"]
    assert {r["地区"] for r in rows if r["状态"] == "未注明发布日期"} == {"昌平区", "东城区", "海港区"}
    assert "应报未报 1 个" in rounds["run"].stdout


def test_expected_list_reads_the_same_from_xlsx(rounds, tmp_path):
    from openpyxl import Workbook

    from scorer.round_intake import read_expected

    book = Workbook()
    for line in EXPECTED.splitlines():
        book.active.append(line.split(","))
    book.save(tmp_path / "expected.xlsx")
    assert read_expected(tmp_path / "expected.xlsx") == read_expected(rounds["base"] / "expected.csv")
    assert read_expected(tmp_path / "expected.xlsx")[-1].level == "county"


def test_cards_are_named_for_each_government_apart_when_twice_and_zipped(rounds, tmp_path):
    run = cli("cards", rounds["out"], "--to", tmp_path, "--zip", "--cover", "templates/round_cover.html.j2")
    assert run.returncode == 0, run.stderr
    names = sorted(p.name for p in tmp_path.glob("*.pdf"))
    stem = "法治政府建设年度报告评分表"
    assert names == sorted([f"北碚区_2020_{stem}.pdf", f"昌平区_2022_{stem}.pdf", f"海港区_2022_{stem}.pdf",
                            f"昌江区_2024_{stem}.pdf", f"东城区_2023_{stem}_001_402d724fb869edf1.pdf",
                            f"东城区_2023_{stem}_东城区报告.pdf"])
    with zipfile.ZipFile(tmp_path / "评分表.zip") as archive:
        assert sorted(archive.namelist()) == names
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(tmp_path / f"北碚区_2020_{stem}.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "告知函" in first and "北碚区" in first and "第1名" in first


def test_recommendations_turn_the_rubric_message_into_advice():
    from scorer.round_stats import recommendation

    assert recommendation("述法", "是否开展党政主要负责人年终述法、述职述法。") == \
        "建议各地开展党政主要负责人年终述法、述职述法，并在年度报告中写明具体举措和量化成效。"
    assert recommendation("按时", "报告应于次年4月1日前向社会公开。") == "各地应将年度报告于次年4月1日前向社会公开。"
    assert "应急演练" in recommendation("突发事件应对", "依法应对突发事件:应急演练。")
    assert recommendation("突发事件应对", "依法应对突发事件:应急演练。").startswith("建议各地加强")


def test_round_on_a_folder_that_was_not_scored_is_one_line_error(tmp_path):
    run = cli("round", tmp_path)
    assert run.returncode == 2 and "score the reports first" in run.stderr


def _report(name, region, city, total, quotes=(), year=2024, levels=None):
    from scorer.round_data import Quote, Report

    return Report(name=name, file=f"{name}.txt", path=f"{name}.txt", sha256="0" * 64, region=region, city=city,
                  province=None, level="county", year=year, published=None, on_time=None, total=total, max=100.0,
                  areas={"a": (total / 10, 10.0)}, levels=levels or {"c1": 3}, reviewed=frozenset(
                      q[0] for q in quotes if q[2]),
                  flags=(), missing_parts=(), quotes={q[0]: Quote(q[0], q[1], f"{region}的做法", "一、", q[2])
                                                      for q in quotes})


def _round(reports):
    from scorer.round_data import Area, Criterion, Round

    return Round(SEEDS, tuple(reports), {"groups": []}, {}, (Area("a", "领域甲", 10.0),),
                 (Criterion("c1", "指标一", "a", 10.0, 3, "是否开展某项工作。"),))


def test_good_practice_puts_reviewed_evidence_first_then_the_stronger_report():
    from scorer.round_stats import experiences

    found = experiences(_round([_report("x", "甲区", "一市", 90, [("c1", 3, False)]),
                                _report("y", "乙区", "一市", 50, [("c1", 3, True)]),
                                _report("z", "丙区", "一市", 95, [("c1", 2, False)]),
                                _report("w", "丁区", "一市", 99, [("c1", 1, False)])]))
    assert [e.report.region for e in found] == ["乙区", "甲区", "丙区"]  # a level 1 mention is no practice


def test_year_over_year_matches_the_same_government_by_city_and_year():
    from scorer.round_compare import compare_rounds

    now = _round([_report("a", "城关区", "兰州市", 80, levels={"c1": 3}),
                  _report("b", "城关区", "拉萨市", 60, levels={"c1": 0})])
    before = _round([_report("p", "城关区", "拉萨市", 70, year=2023, levels={"c1": 2}),
                     _report("q", "城关区", "兰州市", 75, year=2022, levels={"c1": 0})])
    cmp = compare_rounds(now, before)
    assert [(c.current.name, c.previous.name, c.total_delta, c.lost) for c in cmp.changes] == [("b", "p", -10.0, ("c1",))]
    assert [r.name for r in cmp.only_current] == ["a"] and [r.name for r in cmp.only_previous] == ["q"]
