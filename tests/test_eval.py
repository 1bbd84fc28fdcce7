"""Agreement with the evaluator's calibration judgments, measured by the tool itself."""

from __future__ import annotations

import json

import pytest

from scorer.evaluate import qwk
from tests.conftest import SHARED, cli

GOLD = SHARED / "gold" / "seeds.yaml"


def test_qwk_of_perfect_and_opposite_agreement():
    perfect = [[3, 0, 0, 0], [0, 2, 0, 0], [0, 0, 4, 0], [0, 0, 0, 5]]
    assert qwk(perfect) == pytest.approx(1.0)
    opposite = [[0, 0, 0, 3], [0, 0, 3, 0], [0, 3, 0, 0], [3, 0, 0, 0]]
    assert qwk(opposite) == pytest.approx(-1.0)


@pytest.mark.skipif(not GOLD.exists(), reason="the shared gold file is not beside the project")
def test_default_rubric_agrees_with_the_gold_judgments():
    out = cli("eval", GOLD, "--reports", "seeds", "--json")  # from the project folder, as `seeds` is relative
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["n"] == 69
    assert result["exact_agreement"] >= 0.90
    assert result["qwk"] >= 0.90
    assert result["metadata_agreement"] == 1.0
    assert result["flag_agreement"] == 1.0
    assert {"within_one", "disagreements", "confusion", "per_criterion", "per_report"} <= set(result)


def test_eval_of_a_missing_report_is_one_line(tmp_path):
    gold = tmp_path / "gold.yaml"
    gold.write_text("reports:\n  nope.txt: {judgments: {duties.study: 1}}\n", "utf-8")
    out = cli("eval", gold, "--reports", "seeds")
    assert out.returncode == 2 and "nope.txt" in out.stderr and "Traceback" not in out.stderr


# A small report of a fictional district, written for these tests.
REPORT = """东岭区2023年法治政府建设年度报告
发布时间:2024-03-20
一、主要举措和成效
（一）领导干部学法。全年组织区政府常务会议会前学法１２次，理论学习中心组专题学法4次。
（二）法治宣传。开展“八五”普法宣传活动52场，发放宣传资料3000余份。
（三）政务公开。区政府门户网站主动公开政府信息1200条。
二、存在的不足
行政执法水平有待提高。
三、下一年度工作安排
继续推进重大行政决策程序建设。
"""


def _gold(tmp_path, body: str):
    reports = tmp_path / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "dongling_2023.txt").write_text(REPORT, "utf-8")
    gold = tmp_path / "gold.yaml"
    gold.write_text("reports:\n  dongling_2023.txt:\n" + body, "utf-8")
    return gold, reports


DATED = """    year: 2023
    published: 2024-03-20
    flags: []
    judgments:
      duties.study: 3
"""


def test_slips_in_a_gold_file_are_warned_of_where_they_are_written(tmp_path):
    gold, reports = _gold(tmp_path, "    yeer: 2023\n    year: twenty\n    published: yesterday\n"
                                    "    flags: [web_boilerplat]\n    judgments:\n      duties.study: 3\n"
                                    "      duties.nope: 2\n")
    out = cli("eval", gold, "--reports", reports, "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["n"] == 1 and result["criteria_not_in_rubric"] == ["duties.nope"]
    warned = "\n".join(result["gold_warnings"])
    assert f"{gold}:3:5: dongling_2023.txt: unknown key 'yeer'" in warned and "did you mean 'year'?" in warned
    assert f"{gold}:4:5: dongling_2023.txt: year 'twenty' is not a year" in warned
    assert f"{gold}:5:5: dongling_2023.txt: published 'yesterday' is not a date" in warned
    assert f"{gold}:6:13: dongling_2023.txt: unknown flag 'web_boilerplat'" in warned
    shown = cli("eval", gold, "--reports", reports)
    assert "judged criteria the rubric does not have, not counted: duties.nope" in shown.stdout
    assert "unknown flag 'web_boilerplat'" in shown.stdout.replace("\n", "")
    (tmp_path / "ok").mkdir()
    clean, _ = _gold(tmp_path / "ok", DATED)
    assert json.loads(cli("eval", clean, "--reports", reports, "--json").stdout)["gold_warnings"] == []


def test_unquoted_dates_in_a_gold_file_are_iso_strings(tmp_path):
    gold, reports = _gold(tmp_path, DATED)
    out = cli("eval", gold, "--reports", reports, "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["metadata_agreement"] == 1.0 and result["metadata_mismatches"] == []
    table = cli("eval", gold, "--reports", reports)
    assert table.returncode == 0, table.stderr
    assert "metadata 1.0" in table.stdout and "evidence" in table.stdout


def test_gold_dates_anywhere_and_in_other_forms_read_as_iso(tmp_path):
    from scorer.evaluate import load_gold

    gold = tmp_path / "gold.yaml"
    gold.write_text("checked_on: 2025-01-02\nreports:\n"
                    "  a.txt: {published: 2024-03-20 09:30:00, notes: [2023-12-31]}\n"
                    "  b.txt: {published: 2024年3月5日}\n  c.txt: {published: 2024/3/5}\n", "utf-8")
    loaded = load_gold(gold)
    assert loaded["checked_on"] == "2025-01-02"
    assert loaded["reports"]["a.txt"] == {"published": "2024-03-20", "notes": ["2023-12-31"]}
    assert loaded["reports"]["b.txt"]["published"] == loaded["reports"]["c.txt"]["published"] == "2024-03-05"


@pytest.mark.parametrize(("body", "where", "says"), [
    ("    judgments: {duties.study: 3\n", ":4:", "invalid YAML"),
    ("    judgments:\n      duties.study: 4\n", ":4:7", "expected a level 0–3"),
    ("    judgments:\n      duties.study: 二\n", ":4:7", "expected a level 0–3"),
    ("    judgments: [3]\n", ":3:5", "expected a mapping"),
    ("    flags: web_boilerplate\n", ":3:5", "expected a list of flag names"),
    ("    evidence:\n      duties.study: 2023\n", ":4:7", "put it in quotes"),
    ("    judgments: {duties.study: 1}\n  dongling_2023.txt: {}\n", ":4:3", "duplicate key"),
    ("    published: !!binary aGVsbG8=\n", ":3:5", "expected text"),
])
def test_a_malformed_gold_file_is_one_located_line(tmp_path, body, where, says):
    gold, reports = _gold(tmp_path, body)
    out = cli("eval", gold, "--reports", reports, "--json")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and out.stdout == ""
    line, = out.stderr.strip().splitlines()
    assert f"{gold}{where}" in line and says in line


def test_a_gold_file_that_is_not_utf8_or_not_a_mapping_is_one_line(tmp_path):
    gold = tmp_path / "gold.yaml"
    for data in (b"reports:\n  \xff\xfe: {}\n", b"- just\n- a list\n", b""):
        gold.write_bytes(data)
        out = cli("eval", gold, "--reports", tmp_path)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and str(gold) in out.stderr


EVIDENCE = """    judgments:
      duties.study: 3
      society.legal_education: 3
      enforcement.publicity: 1
      decision.major: 2
      oversight.transparency: 3
    evidence:
      duties.study: 会前学法 12 次,理论学习中心组
      society.legal_education: 区政府门户网站主动公开政府信息1200条
      enforcement.publicity: 行政执法水平有待提高
      decision.major: 制定重大行政决策事项目录
"""


def test_evidence_agreement_counts_overlaps_and_lists_quotes_not_found(tmp_path):
    gold, reports = _gold(tmp_path, EVIDENCE)
    out = cli("eval", gold, "--reports", reports, "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    # study: the tool's best quote holds the gold one (spacing and widths differ) → overlaps;
    # legal_education: the gold quote is another sentence → no; publicity: the tool scores 0 → no;
    # decision.major: not in the report → listed apart; transparency: no gold quote.
    assert result["evidence_checked"] == 3
    assert result["evidence_overlapping"] == 1
    assert result["evidence_agreement"] == pytest.approx(1 / 3, abs=1e-4)
    assert result["evidence_unquoted"] == 1
    assert [(d["criterion"], d["gold_quote"]) for d in result["gold_quotes_not_found"]] == [
        ("decision.major", "制定重大行政决策事项目录")]
    mismatched = {d["criterion"]: d for d in result["evidence_mismatches"]}
    assert set(mismatched) == {"society.legal_education", "enforcement.publicity"}
    assert "普法宣传活动52场" in mismatched["society.legal_education"]["tool_quote"]
    assert mismatched["enforcement.publicity"]["tool_quote"] is None
    a, b = mismatched["society.legal_education"]["gold_span"]
    assert REPORT[a:b] == "区政府门户网站主动公开政府信息1200条"

    table = cli("eval", gold, "--reports", reports)
    assert table.returncode == 0, table.stderr
    assert "evidence 0.333 (1/3, 1 not found)" in " ".join(table.stdout.split())
    assert "≠ dongling_2023.txt society.legal_education evidence" in table.stdout
    assert "制定重大行政决策事项目录" in table.stdout


def test_a_traditional_quote_is_found_where_the_report_writes_it():
    from scorer.document import document_from_text
    from scorer.evaluate import QuoteFinder

    text = "本局落實行政執法全過程記錄製度，推進執法資訊公示，健全行政執法程式，提升執法水準與服務品質。" * 2
    doc = document_from_text(text)
    assert doc.norm.traditional
    # Alone, 資訊 converts to 资讯; in a Traditional report the engine reads 信息.
    spans = QuoteFinder.of(doc).spans("推進執法資訊公示")
    assert [text[a:b] for a, b in spans] == ["推進執法資訊公示"] * 2
    assert QuoteFinder.of(doc).spans("推進執法…服務品質")[0] == (spans[0][0], text.index("品質") + 2)
    assert QuoteFinder.of(doc).spans("行政复议") == []


def test_report_text_and_names_in_the_agreement_table_are_shown_never_read_as_markup(tmp_path):
    """A report's name, the tool's quote and the gold file's values are text: `[b]` in them is
    shown as written (it was taken for bold), `[/u]` too (it stopped `scorer eval` with a
    traceback)."""
    reports = tmp_path / "reports"
    reports.mkdir()
    name = "东岭[b]区_2023.txt"
    (reports / name).write_text(REPORT.replace("会前学法１２次", "会前学法[/u]１２次"), "utf-8")
    gold = tmp_path / "gold.yaml"
    gold.write_text(f"reports:\n  '{name}':\n    region: 西岭[/i]区\n    judgments:\n      duties.study: 1\n", "utf-8")
    out = cli("eval", gold, "--reports", reports)
    assert out.returncode == 0, out.stderr
    shown = " ".join(out.stdout.split())
    assert f"≠ {name} duties.study: gold 1, tool 3" in shown
    assert "会前学法[/u]" in shown and f"{name} region: gold 西岭[/i]区, tool 东岭区" in shown
