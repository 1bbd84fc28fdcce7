"""The output side's contract: result.json carries every per-report fact, batch-level
ones included; results are checked when read back; exports are the same bytes for the
same batch; the ranking PDF bins by each report's own maximum; errors are one line."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scorer.errors import UserError
from scorer.exports import summary_context
from scorer.result import COPIED, copies_of, load_result, with_copies
from tests.conftest import ROOT, cli, seed


def test_copied_passages_are_in_result_json_of_both_reports_only(batch):
    out = batch["out"]
    ranking = json.loads((out / "ranking.json").read_text("utf-8"))
    entries = {e["file"]: e for g in ranking["groups"] for e in g["entries"]}
    a, b = entries["001_402d724fb869edf1.txt"], entries["001_copy.txt"]
    for entry, other in ((a, b), (b, a)):
        result = load_result(out / entry["name"] / "result.json")
        assert [f["name"] for f in result["flags"]][-1] == COPIED
        copies = copies_of(result)
        assert copies == entry["copied"] and copies[0]["name"] == other["name"] and copies[0]["share"] > 0.9
    plain = load_result(out / entries["003_979756853a958e69.txt"]["name"] / "result.json")
    assert COPIED not in [f["name"] for f in plain["flags"]] and copies_of(plain) == []


def test_scorer_render_shows_copies_from_result_json_alone(batch, tmp_path):
    ranking = json.loads((batch["out"] / "ranking.json").read_text("utf-8"))
    entry = next(e for g in ranking["groups"] for e in g["entries"] if e["file"] == "001_copy.txt")
    run = cli("render", batch["out"] / entry["name"] / "result.json", "--out", tmp_path, "--format", "html")
    assert run.returncode == 0, run.stderr
    html = (tmp_path / entry["name"] / "scorecard.html").read_text("utf-8")
    assert "与他人报告雷同" in html and entry["copied"][0]["passages"][0][:20] in html


def test_a_copy_gone_from_the_batch_leaves_result_and_scorecard(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(seed("003"), inputs / "a.txt")
    shutil.copy(seed("003"), inputs / "b.txt")
    args = ("score", inputs, "--out", tmp_path / "o", "--format", "json,html", "--jobs", "1")
    assert cli(*args).returncode == 0
    card = tmp_path / "o" / "a" / "scorecard.html"
    assert copies_of(load_result(tmp_path / "o" / "a" / "result.json"))[0]["name"] == "b"
    assert "与他人报告雷同" in card.read_text("utf-8")
    (inputs / "b.txt").unlink()
    run = cli(*args)
    assert "已评分 1 份（其中沿用上次结果 1 份）" in run.stdout and "评分表：新生成 1 份" in run.stdout
    result = load_result(tmp_path / "o" / "a" / "result.json")
    assert copies_of(result) == [] and COPIED not in [f["name"] for f in result["flags"]]
    assert "与他人报告雷同" not in card.read_text("utf-8")


def test_with_copies_replaces_an_earlier_finding():
    result = {"flags": [{"name": "injected_text", "message": "m", "quotes": []}]}
    copy = {"name": "b", "file": "b.txt", "region": None, "share": 0.5, "passages": ["一段相同的文字"]}
    once = with_copies(result, [copy])
    assert [f["name"] for f in once["flags"]] == ["injected_text", COPIED]
    assert with_copies(once, [copy]) == once
    assert with_copies(once, []) == result


def test_load_result_refuses_what_is_not_a_result(tmp_path):
    bad = tmp_path / "r.json"
    for text in ("{", "[]", json.dumps({"schema": "scorer.result/1"}), json.dumps({"schema": "other"})):
        bad.write_text(text, "utf-8")
        with pytest.raises(UserError, match=str(bad)):
            load_result(bad)


def _ranking(*pairs):
    entries = [{"total": total, "max": top} for total, top in pairs]
    return {"groups": [{"entries": entries}], "criteria": []}


def test_ranking_pdf_bins_by_share_of_each_reports_maximum():
    # A rubric of 50 points: 45 of 50 is in the top tenth, not in 40–50.
    context = summary_context(_ranking((45, 50), (12.5, 50), (68.3, 98), (70, 100), (0, 0)))
    assert context["bins"] == [1, 0, 1, 0, 0, 0, 1, 1, 0, 1]
    assert context["bin_labels"][0] == "0–10%" and context["bin_labels"][-1] == "90–100%"
    template = (ROOT / "templates" / "ranking.html.j2").read_text("utf-8")
    assert "loop.index0 * 10" not in template  # no rubric-dependent number in the template


def test_xlsx_carries_no_clock(batch):
    data = (batch["out"] / "ranking.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode("utf-8")
    assert set(re.findall(r"\d{4}-\d\d-\d\dT[\d:]+Z", core)) == {"1980-01-01T00:00:00Z"}  # created, modified


def test_outputs_are_byte_identical_across_runs(tmp_path):
    runs = [tmp_path / "a", tmp_path / "b"]
    for out in runs:
        assert cli("score", seed("003"), seed("004"), "--out", out, "--format", "json").returncode == 0
    for name in ("ranking.json", "ranking.csv", "ranking.xlsx", "index.html", "errors.json"):
        assert (runs[0] / name).read_bytes() == (runs[1] / name).read_bytes(), name


def test_console_script_prints_a_user_error_as_one_line(tmp_path):
    script = Path(sys.executable).parent / "scorer"
    if not script.exists():
        pytest.skip("the console script is installed by make")
    for args in (["inspect", str(tmp_path / "none.txt")], ["render", str(seed("003"))],
                 ["score", str(tmp_path / "empty"), "--out", str(tmp_path / "o")]):
        (tmp_path / "empty").mkdir(exist_ok=True)
        run = subprocess.run([str(script), *args], capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 2, (args, run.stderr)
        assert run.stderr.startswith("error: ") and len(run.stderr.strip().splitlines()) == 1, run.stderr
