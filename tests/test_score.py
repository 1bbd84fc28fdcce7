"""`scorer score`: the versioned result JSON, deterministic, and the rubric reference kept fresh."""

from __future__ import annotations

import json

from scorer.rubric import load_rubric
from scorer.rubric_tools import rubric_markdown
from scorer.scoring import area_points
from tests.conftest import ROOT, cli, seed


def _score(tmp_path, *reports):
    return cli("score", *reports, "--out", tmp_path, "--format", "json")


def test_result_json_has_the_documented_schema(tmp_path):
    out = _score(tmp_path, seed("004"))
    assert out.returncode == 0, out.stderr
    result = json.loads((tmp_path / seed("004").stem / "result.json").read_text("utf-8"))
    assert result["schema"] == "scorer.result/1"
    assert result["input"]["file"] == seed("004").name and len(result["input"]["sha256"]) == 64
    assert result["rubric"]["id"] == "fazhi-annual" and len(result["rubric"]["sha256"]) == 64
    assert result["metadata"]["region"] == "海港区" and result["metadata"]["year"] == 2022
    assert [f["name"] for f in result["flags"]] == ["injected_text"]
    # 涉企行政检查 applies from 2025: a report on 2022 is scored out of 100 less its points.
    assert result["max"] == 98 and 0 < result["total"] <= 98
    assert abs(sum(a["points"] for a in result["areas"]) - result["total"]) < 0.05
    assert len(result["criteria"]) == len(load_rubric().criteria) == 31
    assert result["missing_parts"] == ["structure.duties", "structure.other"]
    for c in result["criteria"]:
        assert {"id", "title", "area", "level", "points", "max_points", "evidence"} <= set(c)
        for e in c["evidence"]:
            assert {"quote", "start", "end", "part_path", "role", "terms", "level", "why"} <= set(e)
    assert "海港区" in out.stdout and "2022" in out.stdout


def test_same_inputs_give_byte_identical_json(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _score(a, seed("000"))
    _score(b, seed("000"))
    name = seed("000").stem + "/result.json"
    assert (a / name).read_bytes() == (b / name).read_bytes()


def test_a_folder_is_scored_and_a_bad_file_does_not_stop_it(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(seed("003").read_text("utf-8"), "utf-8")
    (folder / "empty.txt").write_text("", "utf-8")
    out = _score(tmp_path / "out", folder)
    assert out.returncode == 1
    assert (tmp_path / "out" / "good" / "result.json").exists()
    assert "empty.txt：文件为空" in out.stderr


def test_docs_rubric_md_is_generated_from_the_default_rubric():
    expected = rubric_markdown(load_rubric(ROOT / "rubrics" / "fazhi-annual.yaml"))
    assert (ROOT / "docs" / "rubric.md").read_text("utf-8") == expected, "run `make docs`"


def test_every_key_the_rubric_loader_accepts_is_described_on_the_reference_page():
    from scorer.rubric_keys import SECTIONS

    for title, described, keys in SECTIONS:
        assert sorted(described) == sorted(keys), title  # none missing, none the loader refuses
    page = (ROOT / "docs" / "rubric.md").read_text("utf-8")
    assert all(f"| `{key}` |" in page for _, _, keys in SECTIONS for key in keys)


def test_version_is_the_packaged_one():
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"scorer {version}"


def test_areas_are_rounded_once_from_exact_points():
    rubric = load_rubric()
    levels = {"reconsideration.reform": 1, "reconsideration.cases": 1, "litigation.appearance": 1}
    areas, total = area_points(rubric, levels)
    # Three criteria of 5 points at 泛泛提及 make 5, not 3 × 1.67 = 5.01.
    assert areas["reconsideration"] == 5.0 and total == 5.0


def test_a_value_per_rubric_is_safe_to_ask_from_threads():
    """As lru_cache is: threads asking for more rubrics than it keeps never see an error."""
    import sys
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import replace

    from scorer.rubric import PER_RUBRIC, per_rubric

    @per_rubric
    def title_of(rubric):
        return rubric.id

    base = load_rubric()
    rubrics = [replace(base, id=f"r{i}") for i in range(3 * PER_RUBRIC)]

    def ask(n):
        return [title_of(rubrics[(n + i) % len(rubrics)]) == rubrics[(n + i) % len(rubrics)].id
                for i in range(400)]

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns between any two steps
    try:
        with ThreadPoolExecutor(8) as pool:
            assert all(all(answers) for answers in pool.map(ask, range(8)))
    finally:
        sys.setswitchinterval(interval)


def test_a_value_per_rubric_is_found_again_by_identity_and_by_value():
    """`per_rubric` knows a rubric by identity first: never the value of another rubric,
    though rubrics come and go and their ids are used again."""
    from dataclasses import replace

    from scorer.rubric import PER_RUBRIC, per_rubric

    calls = []

    @per_rubric
    def title_of(rubric):
        calls.append(rubric.id)
        return rubric.id + "/" + rubric.title

    base = load_rubric()
    assert title_of(base) is title_of(base) and calls == [base.id]
    assert title_of(replace(base)) is title_of(base) and len(calls) == 1  # an equal rubric, loaded apart
    ids = set()
    for i in range(4 * PER_RUBRIC):  # each freed after its question: its id may serve the next one
        rubric = replace(base, id=f"r{i % (2 * PER_RUBRIC)}")
        ids.add(id(rubric))
        assert title_of(rubric) == f"r{i % (2 * PER_RUBRIC)}/{base.title}"
        del rubric
    assert len(ids) < 4 * PER_RUBRIC  # ids were used again (a gc.collect a round took half a minute)
    assert title_of(base) == f"{base.id}/{base.title}"


def test_help_wraps_each_paragraph_to_the_terminal():
    """A docstring's line breaks do not reach the help: a narrow terminal wrapped each source
    line again, leaving a word or two on a line of its own."""
    from typer.testing import CliRunner

    from scorer.cli import app

    wide = CliRunner().invoke(app, ["score", "--help"], terminal_width=200, env={"COLUMNS": "200"})
    assert wide.exit_code == 0
    assert "entries that cannot be applied are listed. Exit 0 when every report was scored" in wide.output
    narrow = CliRunner().invoke(app, ["score", "--help"], terminal_width=80, env={"COLUMNS": "80"})
    prose = [line.strip() for line in narrow.output.splitlines()
             if line.strip() and not line.lstrip().startswith(("│", "╭", "╰", "Usage"))]
    assert all(len(line) > 30 for line in prose[:-1]), prose
