"""Editing a rubric does what the evaluator meant: errors name the line they wrote, a
child adds a synonym without restating rules, lists without brackets are refused,
kinds that cannot mix are refused at check time, every word is normalised, one
rubric's terms never change another's matching, and `explain -c` lists the ids."""

from __future__ import annotations

import pytest
import yaml

from scorer.document import document_from_text
from scorer.errors import RubricError
from scorer.matcher import match_document
from scorer.rubric import load_rubric
from tests.conftest import ROOT, cli, seed
from tests.test_rubric_check import BASE, _check, _patch

DEFAULT = ROOT / "rubrics" / "fazhi-annual.yaml"


def _child(tmp_path, body: str, name: str = "city.yaml"):
    path = tmp_path / name
    path.write_text(f"extends: {DEFAULT}\nid: city\ntitle: 某市指标\nversion: '1'\n" + body, "utf-8")
    return path


def _problems(path) -> list[str]:
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    return info.value.problems


def _line_of(path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def _level(rubric, criterion_id: str, text: str) -> int:
    return match_document(document_from_text(text, path="<t>"), rubric)[criterion_id].level


# 1. Errors in a child rubric name the child's file and line.

NEW_CRITERION = """  - id: duties.new
    title: 新指标
    area: dutys
    points: 0
    rules: [{terms: [新词]}]
    examples: [{text: 新词7次。, level: 3}, {text: 没有。, level: 0}]
"""


def _points(criterion_id: str) -> str:
    return f"{load_rubric(DEFAULT).criterion(criterion_id).points:g}"


def test_child_error_in_a_new_criterion_names_the_child_line(tmp_path):
    child = _child(tmp_path, f"criteria:\n  - {{id: duties.study, points: {_points('duties.study')}}}\n" + NEW_CRITERION)
    problems = _problems(child)
    assert len(problems) == 1
    assert problems[0].startswith(f"{child}:{_line_of(child, 'area: dutys')}:")
    assert "unknown area 'dutys'" in problems[0] and "did you mean 'duties'?" in problems[0]
    assert "fazhi-annual.yaml" not in problems[0]


def test_a_child_changing_a_criterion_the_parent_lacks_is_told_so(tmp_path):
    child = _child(tmp_path, "criteria:\n  - {id: duties.studdy, points: 5}\n")
    assert _problems(child) == [
        f"{child}:{_line_of(child, 'duties.studdy')}:6: no criterion 'duties.studdy' in the parent rubric to "
        "change; did you mean 'duties.study'?; a new criterion needs its area, title, rules and examples"]


def test_child_error_after_remove_and_in_an_override_names_the_child_line(tmp_path):
    child = _child(tmp_path, "remove: [duties.deploy]\n"
                   "criteria:\n  - {id: duties.study, points: many}\n" + NEW_CRITERION)
    problems = _problems(child)
    points = next(p for p in problems if "got 'many'" in p)
    assert points.startswith(f"{child}:{_line_of(child, 'points: many')}:")
    area = next(p for p in problems if "unknown area" in p)
    assert area.startswith(f"{child}:{_line_of(child, 'area: dutys')}:")


def test_a_sum_the_child_broke_is_shown_at_the_child_line(tmp_path):
    # The area's points were written in the parent, but the child's edit broke the sum:
    # the error is at the child's line and says where the area's points are.
    more = float(_points("duties.study")) + 1
    child = _child(tmp_path, f"criteria:\n  - {{id: duties.study, points: {more:g}}}\n")
    problem = next(p for p in _problems(child) if "area 'duties' has" in p)
    assert problem.startswith(f"{child}:{_line_of(child, f'points: {more:g}')}:")
    assert f"(at {DEFAULT}:" in problem and "but its criteria add up to" in problem
    areas = _child(tmp_path, "areas:\n  - {id: duties, points: 30}\n", "areas.yaml")
    problem = next(p for p in _problems(areas) if "the areas' points add up to" in p)
    assert problem.startswith(f"{areas}:{_line_of(areas, 'points: 30')}:")


def test_extends_with_an_empty_name_is_an_error_not_a_crash(tmp_path):
    child = tmp_path / "c.yaml"
    child.write_text("extends: ''\nid: c\n", "utf-8")
    assert _problems(child) == [f"{child}:1:1: extends: no such rubric '' (looked in {tmp_path.parent})"]


# 2. A child adds and removes terms and unless words of an inherited criterion.

def test_child_adds_and_removes_terms_without_restating_rules(tmp_path):
    child = _child(tmp_path, "criteria:\n  - {id: duties.study, add_terms: [学法讲座], remove_terms: [述学]}\n")
    rubric = load_rubric(child)
    parent = load_rubric(DEFAULT).criterion("duties.study")
    study = rubric.criterion("duties.study")
    assert study.rules[-1].words() == ("学法讲座",) and len(study.rules) == len(parent.rules) + 1
    assert "述学" not in {w for r in study.rules for w in r.words()}
    assert "述学" in {w for r in parent.rules for w in r.words()}
    assert _level(rubric, "duties.study", "举办学法讲座5场。") == 3
    assert _level(load_rubric(DEFAULT), "duties.study", "举办学法讲座5场。") == 0


def test_child_adds_and_removes_unless_words(tmp_path):
    text = "全区32家单位主要负责人书面述法。"
    child = _child(tmp_path, "criteria:\n  - {id: duties.report_on_law, add_unless: [单位]}\n")
    assert _level(load_rubric(child), "duties.report_on_law", text) == 0
    assert _level(load_rubric(DEFAULT), "duties.report_on_law", text) == 3
    other = _child(tmp_path, "criteria:\n  - {id: duties.deploy, remove_unless: [人大常委会]}\n", "other.yaml")
    deploy = load_rubric(other).criterion("duties.deploy")
    assert all("人大常委会" not in r.unless for r in deploy.rules)


def test_removing_a_word_the_criterion_lacks_names_word_criterion_and_line(tmp_path):
    child = _child(tmp_path, "criteria:\n  - id: duties.study\n    remove_terms: [会前学习]\n"
                   "    remove_unless: [试点]\n")
    problems = _problems(child)
    terms = next(p for p in problems if "remove_terms" in p)
    assert terms.startswith(f"{child}:{_line_of(child, 'remove_terms')}:")
    assert "'会前学习' is not a term of criterion 'duties.study'" in terms and "did you mean '会前学法'?" in terms
    unless = next(p for p in problems if "remove_unless" in p)
    assert "'试点' is not an unless word of criterion 'duties.study'" in unless


def test_edit_keys_are_validated(tmp_path):
    child = _child(tmp_path, "criteria:\n  - {id: duties.study, add_term: [学法讲座]}\n")
    problem = _problems(child)[0]
    assert problem.startswith(f"{child}:{_line_of(child, 'add_term:')}:")
    assert "unknown key 'add_term'" in problem and "did you mean 'add_terms'?" in problem
    bad = _child(tmp_path, "criteria:\n  - {id: duties.study, add_terms: '学法讲座, 学法沙龙'}\n", "bad.yaml")
    assert "write add_terms: [学法讲座, 学法沙龙]" in _problems(bad)[0]


def test_edit_keys_on_a_criterion_that_is_not_inherited(tmp_path):
    child = _child(tmp_path, "criteria:\n" + NEW_CRITERION.replace("dutys", "duties")
                   + "    add_terms: [新说法]\n")
    problem = _problems(child)[0]
    assert problem.startswith(f"{child}:{_line_of(child, 'add_terms')}:")
    assert "'duties.new' is not inherited from a parent rubric" in problem and "rules:" in problem


# 3. A list written without brackets is an error that shows the list form.

@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"criteria.0.rules.0.terms": "证明事项告知承诺制, 告知承诺制"},
         "criteria.0.rules.0.terms: a list of words goes in brackets, or YAML reads one word; "
         "write terms: [证明事项告知承诺制, 告知承诺制]"),
        ({"criteria.0.rules.0.terms": "会前学法、集体学法"}, "write terms: [会前学法, 集体学法]"),
        ({"criteria.0.rules.0.unless": "计划, 方案"}, "criteria.0.rules.0.unless: a list of words goes in brackets"),
        ({"criteria.1.rules.0.near": [["常委会"], "研究, 部署"]}, "expected a list of word groups"),
        ({"criteria.0.scope": "achievements, duties"}, "write scope: [achievements, duties]"),
        ({"criteria.0.unless": "试点,计划"}, "write unless: [试点, 计划]"),
    ],
)
def test_a_list_without_brackets_is_refused_with_the_list_form(tmp_path, patch, expected):
    text = yaml.safe_dump(_patch(BASE, patch), allow_unicode=True, sort_keys=False)
    problems = _check(tmp_path, text)
    assert any(expected in p for p in problems), problems
    key = next(iter(patch)).rsplit(".", 1)[-1]
    problem = next(p for p in problems if expected in p)
    line = int(problem.split(":")[1])
    assert text.splitlines()[line - 1].strip(" -").startswith(key + ":")


def test_a_single_word_still_stands_for_a_list_of_one(tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump(_patch(BASE, {"criteria.0.rules.0.terms": "会前学法"}), allow_unicode=True), "utf-8")
    assert load_rubric(path).criterion("duties.study").rules[0].words() == ("会前学法",)


# 4. Document-level kinds stand alone.

@pytest.mark.parametrize("extra", [{"terms": ["学法"]}, {"metadata": "on_time"}])
def test_a_criterion_mixing_part_with_another_kind_is_a_check_error(tmp_path, extra):
    rules = [{"part": "duties"}, extra]
    text = yaml.safe_dump(_patch(BASE, {"criteria.2.rules": rules}), allow_unicode=True, sort_keys=False)
    problems = _check(tmp_path, text)
    problem = next(p for p in problems if "stand alone" in p)
    assert "criteria.2.rules: criterion 'structure.duties' mixes the kinds part, " in problem
    assert "document-level kinds (part, metadata) stand alone" in problem
    line = int(problem.split(":")[1])
    assert text.splitlines()[line - 1].strip() == "rules:"


def test_a_criterion_mixing_terms_before_metadata_is_a_check_error(tmp_path):
    rules = [{"terms": ["会前学法"]}, {"metadata": "on_time"}]
    text = yaml.safe_dump(_patch(BASE, {"criteria.0.rules": rules}), allow_unicode=True, sort_keys=False)
    assert any("'duties.study' mixes the kinds terms, metadata" in p for p in _check(tmp_path, text))


# 5. Criterion-level unless, wholes terms and language words are normalised like rule terms.

def _write(tmp_path, doc: dict, name: str = "r.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return load_rubric(path)


def test_traditional_unless_words_work_like_simplified(tmp_path):
    text = "在试点单位开展会前学法7次。"
    simplified = _write(tmp_path, _patch(BASE, {"criteria.0.unless": ["试点"]}), "s.yaml")
    traditional = _write(tmp_path, _patch(BASE, {"criteria.0.unless": ["試點"]}), "t.yaml")
    assert traditional.criterion("duties.study").unless == ("试点",)
    assert _level(simplified, "duties.study", text) == _level(traditional, "duties.study", text) == 0
    assert _level(_write(tmp_path, BASE, "b.yaml"), "duties.study", text) == 3


def test_wholes_terms_and_language_words_are_normalised(tmp_path):
    doc = _patch(BASE, {"wholes": [{"name": "學法", "terms": ["學法制度", "ＡＢ制度"], "members": ["duties.study"]}],
                        "language": {"actions": ["開展", "組織"], "formulas": ["^在.{0,9}領導下"]}})
    rubric = _write(tmp_path, doc)
    assert rubric.wholes[0].terms == ("学法制度", "AB制度")
    assert rubric.language.actions == ("开展", "组织")
    assert rubric.language.formulas == ("^在.{0,9}領導下",)  # regular expressions are left as written


# 6. One rubric's terms never change how another rubric's text is cut.

def test_a_rubric_term_does_not_leak_into_the_default_rubric(tmp_path):
    text = "学习上述法规。"
    default = load_rubric(DEFAULT)
    before = _level(default, "duties.report_on_law", text)
    other = _write(tmp_path, _patch(BASE, {"criteria.0.rules.0.terms": ["述法规"],
                                           "criteria.0.examples.0.text": "学习上述法规7次。"}))
    assert _level(other, "duties.study", text) > 0  # the other rubric keeps its own term whole
    assert before == _level(default, "duties.report_on_law", text) == 0


def test_a_report_scores_the_same_after_another_rubric_was_used(tmp_path):
    text = seed("001").read_text("utf-8") + "\n组织学习上述法规,贯彻上述法规要求7次。\n"
    default = load_rubric(DEFAULT)
    before = {k: (m.level, m.evidence, m.rejected) for k, m in match_document(document_from_text(text), default).items()}
    _level(_write(tmp_path, _patch(BASE, {"criteria.0.rules.0.terms": ["述法规"]})), "duties.study", "学习上述法规。")
    after = {k: (m.level, m.evidence, m.rejected) for k, m in match_document(document_from_text(text), default).items()}
    assert after == before


# 7. `explain -c` with an unknown id lists the valid ones.

def test_explain_with_an_unknown_criterion_lists_the_ids():
    out = cli("explain", seed("001"), "-c", "duties.studdy")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "--criterion: no criterion 'duties.studdy'" in lines[0] and "did you mean 'duties.study'?" in lines[0]
    for cid in ("structure.achievements", "duties.study", "government.business_env"):
        assert cid in lines[0]
    assert "Traceback" not in out.stderr


def test_the_readme_synonym_example_checks_and_adds_the_synonym(tmp_path):
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("A child changes an inherited criterion's words"):]
    block = section[section.index("```yaml\n") + 8:section.index("```\n", section.index("```yaml\n") + 8)]
    path = tmp_path / "city.yaml"
    path.write_text(block.replace("extends: fazhi-annual.yaml", f"extends: {DEFAULT}"), "utf-8")
    rubric = load_rubric(path)
    assert _level(rubric, "duties.study", "举办法治大讲堂6期。") == 3
    assert "述学" not in {w for r in rubric.criterion("duties.study").rules for w in r.words()}
