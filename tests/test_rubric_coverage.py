"""What the default rubric covers for the reports of 2025 and 2026, years that select
criteria and terms, and the rubrics shipped as examples."""

from __future__ import annotations

import pytest

from scorer.document import document_from_text
from scorer.errors import RubricError
from scorer.result import build_result
from scorer.rubric import load_rubric
from scorer.rubric_tools import run_examples
from scorer.scoring import score_document
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


def report(year: int, body: str) -> str:
    return f"某区{year}年法治政府建设年度报告\n一、{year}年主要举措和成效\n{body}\n二、存在的不足和原因\n执法不够规范。\n"


def test_a_criterion_bound_to_years_does_not_apply_to_a_report_of_another_year(rubric):
    body = "推行“综合查一次”,涉企行政检查频次同比下降35%。"
    old = score_document(document_from_text(report(2020, body)), rubric)
    new = score_document(document_from_text(report(2025, body)), rubric)
    points = rubric.criterion("enforcement.business_inspections").points
    cs_old = next(cs for cs in old.criteria if cs.criterion.id == "enforcement.business_inspections")
    cs_new = next(cs for cs in new.criteria if cs.criterion.id == "enforcement.business_inspections")
    assert not cs_old.match.applies and cs_old.level == 0 and cs_old.max_points == 0
    assert "不适用" in cs_old.match.summary and "2025年起" in cs_old.match.summary
    assert cs_new.match.applies and cs_new.level == 3
    # The report on 2020 loses nothing: its maximum shrinks by the criterion's points.
    assert old.max_points == pytest.approx(rubric.total - points)
    assert new.max_points == pytest.approx(rubric.total)
    result = build_result(document_from_text(report(2020, body)), rubric, old)
    assert next(c for c in result["criteria"] if c["id"] == "enforcement.business_inspections")["applies"] is False


def test_a_term_bound_to_years_counts_only_in_its_period(rubric):
    body = "深入实施八五普法规划,开展普法活动。"
    levels = {}
    for year in (2019, 2023):
        match = score_document(document_from_text(report(year, body)), rubric)
        levels[year] = {e.terms for cs in match.criteria if cs.criterion.id == "society.legal_education"
                        for e in cs.match.evidence}
    assert any("八五普法" in t for t in levels[2023])
    assert not any("八五普法" in t for t in levels[2019])


@pytest.mark.parametrize("value,message", [
    ("2025-2021", "the first year 2025 comes after the last 2021"),
    ("from 2024", "as 2024-, -2025, 2021-2025 or 2024"),
])
def test_years_are_checked(tmp_path, value, message):
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {ROOT / 'rubrics' / 'fazhi-annual.yaml'}\nid: c\ntitle: c\nversion: '1'\n"
                     f"criteria:\n  - {{id: emergency.response, years: '{value}'}}\n", "utf-8")
    with pytest.raises(RubricError) as err:
        load_rubric(child)
    assert message in str(err.value) and "years" in str(err.value)


def test_the_opening_is_not_the_part_for_other_matters(rubric):
    text = "2023年,区政府依法行政,现将有关情况报告如下:\n一、主要举措和成效\n召开会议。\n二、存在的不足\n执法不规范。"
    score = score_document(document_from_text(text), rubric)
    other = next(cs for cs in score.criteria if cs.criterion.id == "structure.other")
    assert other.level == 0
    result = build_result(document_from_text(text), rubric, score)
    # Missing parts are parts: not the publication date, not the 不足 part's length.
    assert "structure.other" in result["missing_parts"]
    assert "structure.on_time" not in result["missing_parts"]
    assert "structure.problems_share" not in result["missing_parts"]


def test_the_problems_part_is_read_for_causes_where_shortcomings_are_the_subject(rubric):
    text = ("一、主要举措和成效\n召开会议。\n二、存在的不足和原因\n"
            "个别单位执法不规范,究其原因,主要是执法人员培训不足。")
    score = score_document(document_from_text(text), rubric)
    levels = {cs.criterion.id: cs.level for cs in score.criteria}
    assert levels["structure.problems_analysis"] == 2
    assert levels["enforcement.capacity"] == 0  # a shortcoming is still no achievement


@pytest.mark.parametrize("name", ["fazhi-annual.yaml", "examples/gangyao-balanced.yaml", "examples/city.yaml"])
def test_shipped_rubrics_pass_their_checks_and_examples(name):
    rub = load_rubric(ROOT / "rubrics" / name)
    assert sum(a.points for a in rub.areas) == pytest.approx(rub.total)
    failures = [o for o in run_examples(rub) if not o.ok]
    assert not failures, failures


def test_every_new_criterion_has_a_plan_and_a_problem_that_score_nothing(rubric):
    for cid in ("enforcement.business_inspections", "emergency.response", "digital.government",
                "enforcement.capacity"):
        zeros = [e.text for e in rubric.criterion(cid).examples if e.level == 0]
        assert any("下一步" in t for t in zeros) and any("存在的问题" in t for t in zeros), cid
    zeros = [e.text for e in rubric.criterion("structure.problems_analysis").examples if e.level == 0]
    assert any("工作安排" in t for t in zeros)


def test_the_readme_city_example_is_the_shipped_one_and_checks(tmp_path):
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("A city's rubric builds on the default one"):]
    start = section.index("```yaml\n") + 8
    block = section[start:section.index("```\n", start)]
    # Laid out as rubrics/ is, the README's text loads as written.
    (tmp_path / "fazhi-annual.yaml").write_bytes((ROOT / "rubrics" / "fazhi-annual.yaml").read_bytes())
    path = tmp_path / "examples" / "city.yaml"
    path.parent.mkdir()
    path.write_text(block, "utf-8")
    from_readme = load_rubric(path)
    shipped = load_rubric(ROOT / "rubrics" / "examples" / "city.yaml")
    assert {c.id: c.points for c in from_readme.criteria} == {c.id: c.points for c in shipped.criteria}
