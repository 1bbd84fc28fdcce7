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
