"""`scorer rubric check`: every broken rubric gives located, actionable errors."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from scorer.errors import RubricError
from scorer.rubric import load_rubric
from tests.conftest import ROOT, cli

BASE = {
    "id": "t", "title": "test", "version": "1", "total": 100,
    "areas": [{"id": "structure", "title": "结构", "points": 90}, {"id": "duties", "title": "职责", "points": 10}],
    "criteria": [
        {"id": "duties.study", "title": "学法", "area": "duties", "points": 5,
         "rules": [{"terms": ["会前学法"]}],
         "examples": [{"text": "会前学法7次。", "level": 3}, {"text": "下一步将会前学法。", "level": 0}]},
        {"id": "duties.deploy", "title": "部署", "area": "duties", "points": 5,
         "rules": [{"near": [["常委会"], ["研究"]], "within": 10}],
         "examples": [{"text": "常委会研究法治工作。", "level": 2}, {"text": "常委会。", "level": 0}]},
        {"id": "structure.duties", "title": "职责部分", "area": "structure", "points": 90,
         "rules": [{"part": "duties"}],
         "examples": [{"text": "一、第一责任人职责情况\n学法。", "level": 2}, {"text": "学法。", "level": 0}]},
    ],
}
CASES = yaml.safe_load((Path(__file__).parent / "rubrics" / "broken.yaml").read_text("utf-8"))


def _patch(doc: dict, patch: dict) -> dict:
    doc = copy.deepcopy(doc)
    for dotted, value in patch.items():
        keys = [int(k) if k.isdigit() else k for k in dotted.split(".")]
        target = doc
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return doc


def _check(tmp_path, text: str) -> list[str]:
    path = tmp_path / "rubric.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    return info.value.problems


def test_base_rubric_is_valid(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump(BASE, allow_unicode=True), "utf-8")
    assert load_rubric(path).id == "t"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_broken_rubric(tmp_path, case):
    text = yaml.safe_dump(_patch(BASE, case["patch"]), allow_unicode=True, sort_keys=False)
    problems = _check(tmp_path, text)
    joined = "\n".join(problems)
    for expected in case["expect"]:
        assert expected in joined, joined
    for problem in problems:
        assert problem.startswith(str(tmp_path / "rubric.yaml") + ":"), problem
        line, col = problem.split(":")[1:3]
        assert line.isdigit() and col.isdigit()


def test_error_points_at_the_line_and_column(tmp_path):
    text = yaml.safe_dump(_patch(BASE, {"criteria.0.titel": "学法"}), allow_unicode=True, sort_keys=False)
    problem = _check(tmp_path, text)[0]
    line = int(problem.split(":")[1])
    assert text.splitlines()[line - 1].strip().startswith("titel:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- just\n- a list\n", "a rubric must be a mapping"),
        ("id: a\nid: b\n", "duplicate key 'id' (the first is at line 1)"),
        ("id: a\ncriteria:\n\t- x\n", ":3:1: a tab in the indentation"),
        ("id: [unclosed\n", "invalid YAML"),
        ("a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
         "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n", "expands to more than"),
        ("", "not empty"),
        # What PyYAML raises beyond its own errors, or says without a line: one located line each.
        ("id: a\nversion: 2024-02-30\n", ":2:10: 2024-02-30 is not a real date (day is out of range for month)"),
        ("id: a\nversion: 2024-13-01\n", ":2:10: 2024-13-01 is not a real date"),
        ("id: a\ntitle: !foo bar\n", ":2:8: could not determine a constructor for the tag '!foo'"),
        ("id: a\ntitle: a\x00b\n", ":2:9: invalid YAML: character U+0000 is not allowed"),
        ("id: 法治\ntitle: 法治\x00b\n", ":2:10: invalid YAML: character U+0000 is not allowed"),  # libyaml counts bytes
        ("id: a\ntotal: " + "1" * 5000 + "\n", ":2:8: '1111"),  # over int()'s 4300 digits: no date
    ],
)
def test_yaml_level_problems(tmp_path, text, expected):
    problems = _check(tmp_path, text)
    assert expected in problems[0] or (expected == "not empty" and "a rubric must be a mapping" in problems[0])


SCALARS = ("a: 1\nb: 1.5\nc: true\nd: null\ne: '2'\nf: 真\ng: !!str 3\nh: 2024-01-01\ni: ~\nj: 0x1F\n"
           "k: [x, 'y', \"z\", 7]\nl: |\n  两行\n  文字\n")


@pytest.mark.parametrize("text", [SCALARS, (ROOT / "rubrics" / "fazhi-annual.yaml").read_text("utf-8")])
def test_values_are_those_pyyaml_gives(text):
    from scorer.yamlpos import load_yaml

    assert load_yaml(text, "r.yaml").value == yaml.safe_load(text)


def test_an_unsafe_tag_is_a_located_error():
    from scorer.yamlpos import load_yaml

    with pytest.raises(RubricError) as err:
        load_yaml("a: 1\nb: !!python/name:os.system x\n", "r.yaml")
    assert "r.yaml:2:4:" in str(err.value)


def test_loading_rubrics_again_and_again_keeps_nothing_of_them():
    """A process that loads rubrics over and over (a what-if, the review page) must not hold
    on to each one's parsed nodes (the default rubric has about 1,700)."""
    import gc

    from scorer.yamlpos import load_yaml

    text = (ROOT / "rubrics" / "fazhi-annual.yaml").read_text("utf-8")
    load_yaml(text, "r.yaml")
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(5):
        load_yaml(text, "r.yaml")
    gc.collect()
    assert len(gc.get_objects()) - before < 500


def test_extends_overrides_weights_and_terms(tmp_path):
    default = ROOT / "rubrics" / "fazhi-annual.yaml"
    child = tmp_path / "city.yaml"
    child.write_text(
        f"extends: {default}\nid: city\ntitle: 某市指标\nversion: '2'\n"
        "areas:\n  - {id: duties, points: 23}\n  - {id: government, points: 0}\n"
        "criteria:\n  - {id: duties.study, points: 9.5}\n  - {id: government.business_env, points: 0}\n"
        "  - id: enforcement.publicity\n    rules:\n      - terms: [执法公示, 公示执法信息, 晒权]\n",
        "utf-8")
    rubric = load_rubric(child)
    assert rubric.id == "city" and rubric.criterion("duties.study").points == 9.5
    assert "晒权" in rubric.criterion("enforcement.publicity").rules[0].words()
    assert rubric.criterion("duties.deploy").points == 4.5  # inherited unchanged
    assert rubric.sha256 != load_rubric(default).sha256


def test_extends_missing_target(tmp_path):
    child = tmp_path / "city.yaml"
    child.write_text("extends: nowhere.yaml\nid: x\n", "utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(child)
    assert ":1:" in str(info.value) and "extends: no such rubric 'nowhere.yaml'" in str(info.value)


def test_extends_cycle(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nid: a\n", "utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nid: b\n", "utf-8")
    with pytest.raises(RubricError, match=r"inheritance cycle \(a.yaml → b.yaml → a.yaml\)"):
        load_rubric(tmp_path / "a.yaml")


def test_remove_unknown_criterion(tmp_path):
    child = tmp_path / "c.yaml"
    child.write_text(f"extends: {ROOT / 'rubrics' / 'fazhi-annual.yaml'}\nremove: [duties.studdy]\n", "utf-8")
    with pytest.raises(RubricError, match="did you mean 'duties.study'"):
        load_rubric(child)


def _cli(*args):
    return cli(*args)


def test_cli_check_and_test_pass_on_the_default_rubric():
    out = _cli("rubric", "check", "rubrics/fazhi-annual.yaml")
    assert out.returncode == 0 and "31 criteria, 100 points" in out.stdout
    out = _cli("rubric", "test", "rubrics/fazhi-annual.yaml")
    assert out.returncode == 0 and " 0 failed" in out.stdout


def test_cli_check_reports_every_problem_exit_2(tmp_path):
    bad = _patch(BASE, {"criteria.0.titel": "x", "criteria.1.points": "many"})
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad, allow_unicode=True), "utf-8")
    out = _cli("rubric", "check", str(path))
    assert out.returncode == 2
    assert "unknown key 'titel'" in out.stderr and "got 'many'" in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_rubric_test_fails_on_a_wrong_example(tmp_path):
    bad = _patch(BASE, {"criteria.0.examples.0.level": 1})  # 会前学法7次 is level 3
    path = tmp_path / "wrong.yaml"
    path.write_text(yaml.safe_dump(bad, allow_unicode=True), "utf-8")
    out = _cli("rubric", "test", str(path))
    assert out.returncode == 1
    assert "FAIL duties.study" in out.stdout and "expected 1 got 3" in out.stdout
