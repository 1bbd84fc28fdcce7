"""The engine against hostile input: patterns that would backtrack, templates that try to
escape or never end, rubrics that name devices, nest deep or expand aliases. Every input
is generated here; no case depends on the clock but for a generous subprocess bound that
the old code missed by far (it never finished)."""

from __future__ import annotations

import copy
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
DEFAULT_DOC = yaml.safe_load(DEFAULT.read_text("utf-8"))  # parsed once (60 ms), copied for each use


def _dump(doc) -> str:
    """PyYAML's safe_dump, written by libyaml's emitter: the same bytes for these rubrics, 4x faster."""
    return yaml.dump(doc, Dumper=yaml.CSafeDumper, allow_unicode=True)


def _rubric_with(tmp_path, patterns=None, formulas=None, name="r.yaml"):
    doc = copy.deepcopy(DEFAULT_DOC)
    if patterns is not None:  # on the first rule of the kind `terms`
        rule = next(r for c in doc["criteria"] for r in c["rules"] if "terms" in r)
        rule["patterns"] = patterns
    if formulas is not None:
        doc.setdefault("language", {})["formulas"] = formulas
    path = tmp_path / name
    path.write_text(_dump(doc), "utf-8")
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
    (r"法{,}治", "法法治", "法法治"),  # {,} too
    (r"法{,x}", "推进法{0,x}和法{,x}", "法{,x}"),  # but {,x} is literal text, in Python as here
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


# ── reports ───────────────────────────────────────────────────────────────
@pytest.mark.parametrize("unit", ["a", "a.b", "a-"])
def test_a_report_that_is_one_run_without_a_space_reads_in_linear_time(tmp_path, unit):
    # Looking for a bare domain (x.gov.cn/…) at every character of a run without a space cost
    # the square of its length, in the publication date's search (160 KB of "a" took 20 s,
    # 600 KB near the time limit) and in the spam search (a.b.a.b…, a-a-a…); 1.5 MB took
    # hours. Linear, the whole report is scored in about two seconds.
    report = tmp_path / "run.txt"
    report.write_text(unit * (1_500_000 // len(unit)), "utf-8")
    code = ("import sys; from scorer.rubric import load_rubric; from scorer.batch.workers import score_file;"
            "print(score_file(sys.argv[1], load_rubric())['total'])")
    run = subprocess.run([sys.executable, "-c", code, str(report)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


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
    # a loop without end, each turn writing the file name 100 times (2,400 characters): the limit
    # is passed after some 8,000 turns rather than 830,000 of one name, at the same line
    ("\n{% for i in range(100000) %}{% for j in range(100000) %}{{ r.input.file * 100 }}{% endfor %}{% endfor %}",
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
    doc = copy.deepcopy(DEFAULT_DOC)
    per_area = 500  # 5,000 criteria written out, some 60,000 values and no alias
    doc["criteria"] = [{"id": f"{a['id']}.c{k}", "area": a["id"], "points": a["points"] / per_area,
                        "rules": [{"terms": [f"依法行政{k}"]}], "message": "依法行政。", "source": "纲要",
                        "examples": [{"text": f"全面推进依法行政{k}工作。", "level": 1},
                                     {"text": "天气晴朗。", "level": 0}]}
                       for a in doc["areas"] for k in range(per_area)]
    doc.pop("wholes", None)
    big = tmp_path / "big.yaml"
    big.write_text(_dump(doc), "utf-8")
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
