"""`scorer explain`: what an evaluator reads in the terminal, in Chinese, with ids beside titles."""

from __future__ import annotations

import re

from tests.conftest import cli, seed


def test_explain_names_levels_flags_and_criteria_in_chinese():
    run = cli("explain", seed("004"))
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "海港区 2022年度" in out and "总分" in out
    assert "外来插入文字" in out and "injected_text" not in out  # the flag's label, not its code
    assert "领导干部学法（duties.study）：" in out
    assert "不适用" in out  # 涉企行政检查 applies from 2025; this report covers 2022
    assert not re.search(r"\blevel \d", out)


def test_explain_one_criterion_shows_its_evidence_and_what_did_not_count():
    run = cli("explain", seed("000"), "--criterion", "litigation.appearance")
    assert run.returncode == 0, run.stderr
    assert "行政机关负责人出庭应诉（litigation.appearance）：量化成效" in run.stdout
    assert "✔ L3" in run.stdout and "出庭應訴527次" in run.stdout.replace("\n", "")  # quoted as written
    assert "duties.study" not in run.stdout


def test_a_control_character_in_a_file_name_is_shown_escaped(tmp_path):
    path = tmp_path / "a\x1b[31mb.txt"
    path.write_text("一、主要举措和成效\n召开会议。\n", "utf-8")
    for command in ("explain", "inspect"):
        run = cli(command, path)
        assert run.returncode == 0, run.stderr
        assert "\x1b" not in run.stdout
        assert "a\\x1b[31mb.txt" in run.stdout.replace("\n", "")  # a long temporary path is wrapped


def test_a_rubrics_words_are_shown_as_written_never_read_as_markup(tmp_path):
    """Level names, terms and the version are the evaluator's text: `[/b]` in one is shown, not
    taken for the terminal's markup (which stopped explain with a traceback)."""
    from tests.conftest import ROOT

    text = (ROOT / "rubrics" / "fazhi-annual.yaml").read_text("utf-8")
    edited = text.replace("name: 未体现", "name: '[/b]未体现'").replace(
        "terms: [突发事件应对, ", "terms: ['[/i]急', 突发事件应对, ").replace('\nversion: "', '\nversion: "[/v]')
    assert edited.count("[/") == 3
    (tmp_path / "rubric.yaml").write_text(edited, "utf-8")
    report = tmp_path / "report.txt"
    report.write_text("一、主要举措和成效\n召开会议。\n", "utf-8")
    run = cli("explain", report, "--rubric", tmp_path / "rubric.yaml")
    assert run.returncode == 0, run.stderr
    assert "（duties.study）：[/b]未体现，0/4.5 分" in run.stdout
    assert "查找的词语：[/i]急、突发事件应对" in run.stdout
    assert "[/v]1.0）" in run.stdout.replace("\n", "")  # the rubric's version, after its title (wrapped)
