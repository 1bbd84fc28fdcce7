"""`scorer rubric diff`: an edit whose effect is known moves exactly the reports it should."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT, SEEDS, cli, seed

from scorer import doccache, rubric_diff
from scorer.document import load_document
from scorer.rubric import load_rubric
from scorer.rubric_diff import Placed, compare, diff_json, diff_rubrics, place
from scorer.scoring import score_document

SHIPPED = ROOT / "rubrics" / "fazhi-annual.yaml"

# Narrow litigation.appearance to one term and give it 2 more points, take 2 from
# business_env, swap oversight.external for a new criterion of the same weight.
# Weights come from the parent, so the child stays valid while the default is tuned.
CHILD = """extends: {parent}
id: what-if
title: 试算
version: "2"
areas:
  - {{id: {lit_area}, points: {lit_area_points}}}
  - {{id: {biz_area}, points: {biz_area_points}}}
criteria:
  - id: litigation.appearance
    points: {lit_points}
    rules:
      - terms: [出庭应诉率]
  - {{id: government.business_env, points: {biz_points}}}
  - id: oversight.hotline
    title: 12345热线
    area: {ext_area}
    points: {ext_points}
    rules:
      - terms: ["12345", 政务服务热线]
    message: 12345热线受理和办理诉求。
    source: 示范指标
    examples:
      - {{text: "12345热线受理诉求1000件。", level: 3}}
      - {{text: "12345热线办理质量有待提高。", level: 0}}
remove: [oversight.external]
"""


@pytest.fixture(scope="module", autouse=True)
def cache(tmp_path_factory):
    """Documents are cached in this module's own folder, never in the home folder."""
    with pytest.MonkeyPatch.context() as mp:
        folder = tmp_path_factory.mktemp("cache")
        mp.setenv("SCORER_CACHE_DIR", str(folder))
        yield folder / "documents"


@pytest.fixture(scope="module")
def docs():
    return [(p.stem, load_document(p)) for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    # A copy, so that every test of the module sees the same rubric while the shipped one is edited.
    path = tmp_path_factory.mktemp("default") / SHIPPED.name
    shutil.copy(SHIPPED, path)
    return path


@pytest.fixture(scope="module")
def rubrics(tmp_path_factory, default):
    parent = load_rubric(default)
    lit, biz, ext = (parent.criterion(c) for c in ("litigation.appearance", "government.business_env",
                                                   "oversight.external"))
    assert lit.area != biz.area and biz.points >= 2
    child = tmp_path_factory.mktemp("rubric") / "what-if.yaml"
    child.write_text(CHILD.format(
        parent=default, lit_area=lit.area, lit_area_points=f"{parent.area(lit.area).points + 2:g}",
        biz_area=biz.area, biz_area_points=f"{parent.area(biz.area).points - 2:g}",
        lit_points=f"{lit.points + 2:g}", biz_points=f"{biz.points - 2:g}",
        ext_area=ext.area, ext_points=f"{ext.points:g}"), "utf-8")
    return parent, load_rubric(child), child


def _ranks(totals: dict[str, float]) -> dict[str, int]:
    # Competition ranks, written out here rather than taken from ranking.py.
    return {n: 1 + sum(round(o, 2) > round(t, 2) for o in totals.values()) for n, t in totals.items()}


def test_known_edit_moves_exactly_the_predicted_reports(docs, rubrics):
    old, new, _ = rubrics
    before = {n: score_document(d, old) for n, d in docs}
    after = {n: score_document(d, new) for n, d in docs}
    lv_old = {n: {cs.criterion.id: cs.level for cs in s.criteria} for n, s in before.items()}
    lv_new = {n: {cs.criterion.id: cs.level for cs in s.criteria} for n, s in after.items()}
    common = sorted(set.intersection(*(set(v) for v in lv_old.values())) & set(next(iter(lv_new.values()))))
    moved = {cid: ([n for n in sorted(lv_old) if lv_new[n][cid] > lv_old[n][cid]],
                   [n for n in sorted(lv_old) if lv_new[n][cid] < lv_old[n][cid]]) for cid in common}
    expected_levels = {cid: ud for cid, ud in moved.items() if ud[0] or ud[1]}
    # The narrowed criterion loses at least one report (or the edit would test nothing).
    assert expected_levels["litigation.appearance"][1]

    result = diff_json(compare(old, new, place(docs, old, "none")[1], place(docs, new, "none")[1], "none"))
    got_levels = {c["id"]: (c["up"], c["down"]) for c in result["criteria"] if c["up"] or c["down"]}
    assert got_levels == expected_levels
    points = {c["id"]: (c["old_points"], c["new_points"]) for c in result["criteria"]}
    lit, biz = old.criterion("litigation.appearance").points, old.criterion("government.business_env").points
    assert points["litigation.appearance"] == (lit, lit + 2) and points["government.business_env"] == (biz, biz - 2)
    assert all(points[cid] == (p, p) for cid, p in points.items() if cid not in
               ("litigation.appearance", "government.business_env"))
    assert [c["id"] for c in result["added"]] == ["oversight.hotline"]
    assert [c["id"] for c in result["removed"]] == ["oversight.external"]
    assert result["removed"][0]["credited"] == [n for n in sorted(lv_old) if lv_old[n]["oversight.external"] > 0]

    old_totals = {n: s.total for n, s in before.items()}
    new_totals = {n: s.total for n, s in after.items()}
    deltas = {r["name"]: r["delta"] for r in result["reports"]}
    assert deltas == {n: round(new_totals[n] - old_totals[n], 2) for n in old_totals}
    assert any(deltas.values())
    assert [abs(r["delta"]) for r in result["reports"]] == sorted((abs(d) for d in deltas.values()), reverse=True)
    old_ranks, new_ranks = _ranks(old_totals), _ranks(new_totals)
    assert {r["name"]: (r["old_rank"], r["new_rank"]) for r in result["reports"]} == \
        {n: (old_ranks[n], new_ranks[n]) for n in old_totals}
    assert any(old_ranks[n] != new_ranks[n] for n in old_totals)
    assert result["n_moved"] == sum(1 for n in old_totals if deltas[n] or old_ranks[n] != new_ranks[n])
    assert result["group_changes"] == []


def test_cli_json_and_table_on_the_seeds(docs, rubrics, default):
    old, new, child = rubrics
    run = cli("rubric", "diff", default, child, "--reports", SEEDS, "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["old"]["sha256"] == old.sha256 and result["new"]["sha256"] == new.sha256
    assert (result["old"]["version"], result["new"]["id"]) == ("1.0", "what-if")
    assert result["n_reports"] == len(docs) and result["failures"] == []
    assert cli("rubric", "diff", default, child, "--reports", SEEDS, "--json").stdout == run.stdout
    table = cli("rubric", "diff", default, child, "--reports", SEEDS)
    assert table.returncode == 0
    assert "指标等级变化" in table.stdout and "12345热线" in table.stdout
    biggest = result["reports"][0]
    assert f"{biggest['delta']:+.2f}" in table.stdout


def test_unchanged_rubric_moves_nothing(docs, default):
    run = cli("rubric", "diff", default, default, "--reports", SEEDS, "--json")
    assert run.returncode == 0
    result = json.loads(run.stdout)
    assert result["n_reports"] == len(docs) and result["n_moved"] == 0
    assert result["criteria"] == result["added"] == result["removed"] == result["group_changes"] == []
    assert all(r["delta"] == 0 and r["old_rank"] == r["new_rank"] for r in result["reports"])


def test_a_report_changing_group_is_named(rubrics):
    old, _, _ = rubrics
    levels = {c.id: 0 for c in old.criteria}
    before = {"a": Placed("a", "a.txt", "甲区", 50, 100, "2023年度", 1, levels),
              "b": Placed("b", "b.txt", "乙区", 40, 100, "2023年度", 2, levels)}
    after = dict(before, b=Placed("b", "b.txt", "乙区", 40, 100, "2024年度", 1, levels))
    result = diff_json(compare(old, old, before, after, "year"))
    assert result["group_changes"] == ["b"] and result["n_moved"] == 1
    assert result["reports"][0]["name"] == "b"  # a rank move sorts before no move


def test_unreadable_report_is_listed_and_the_rest_diffed(tmp_path, default):
    shutil.copy(seed("001"), tmp_path / "001.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "broken.docx").write_bytes(b"not a zip archive")
    run = cli("rubric", "diff", default, default, "--reports", tmp_path, "--json")
    assert run.returncode == 0
    result = json.loads(run.stdout)
    assert [r["name"] for r in result["reports"]] == ["001"]
    (failure,) = result["failures"]
    assert failure["file"].endswith("broken.docx") and "\n" not in failure["error"]


@pytest.mark.parametrize("case", ["missing", "bad", "reports"])
def test_usage_errors_are_one_line_exit_2(tmp_path, case, default):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nareas: 3\n", "utf-8")
    old, reports = {"missing": (tmp_path / "nope.yaml", SEEDS), "bad": (bad, SEEDS),
                    "reports": (default, tmp_path / "nothing")}[case]
    run = cli("rubric", "diff", old, default, "--reports", reports)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1
    assert ("nope.yaml" if case == "missing" else "bad.yaml" if case == "bad" else "nothing") in run.stderr


def test_workers_give_the_diff_one_process_gives_and_a_second_diff_reads_nothing(tmp_path, rubrics, monkeypatch):
    old, new, _ = rubrics
    reports = tmp_path / "in"
    reports.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy(path, reports / path.name)
    (reports / "broken.docx").write_bytes(b"not a zip archive")
    monkeypatch.setenv("SCORER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(rubric_diff, "PARALLEL_MIN", 2)  # the seeds are few: in workers all the same
    in_workers = diff_json(diff_rubrics(old, new, reports, jobs=2))
    assert len(list((tmp_path / "cache" / "documents").glob("*" + doccache.SUFFIX))) == 5  # written by the workers
    read = []
    monkeypatch.setattr(doccache, "read_document", lambda *a: read.append(a) or load_document(*a))
    in_process = diff_json(diff_rubrics(old, new, reports, jobs=1))
    assert in_workers == in_process and in_process["n_reports"] == 5
    assert [r[0] for r in read] == [str(reports / "broken.docx")]  # only the file that cannot be read
    assert [f["file"] for f in in_process["failures"]] == [str(reports / "broken.docx")]


def test_jobs_sets_the_worker_processes_of_the_diff(tmp_path, rubrics, monkeypatch):
    old, new, _ = rubrics
    calls = []
    real = rubric_diff.score_reports
    monkeypatch.setattr(rubric_diff, "score_reports", lambda *a: calls.append(a[2]) or real(*a))
    one = cli("rubric", "diff", old.path, new.path, "--reports", seed("001"), "--json", "--jobs", "1")
    default = cli("rubric", "diff", old.path, new.path, "--reports", seed("001"), "--json")
    assert one.returncode == default.returncode == 0 and one.stdout == default.stdout
    assert calls[0] == 1 and calls[1] >= 1


def test_rubrics_that_differ_only_in_points_are_matched_once_with_the_same_result(monkeypatch):
    """A what-if that moves points shares its matching key with the rubric it comes from, so
    `rubric diff` matches each report once; what it reports is what matching twice gives."""
    import dataclasses

    from scorer import matcher

    old = load_rubric(ROOT / "rubrics" / "fazhi-annual.yaml")
    new = load_rubric(ROOT / "rubrics" / "examples" / "gangyao-balanced.yaml")
    assert [c.points for c in old.criteria] != [c.points for c in new.criteria]
    assert matcher.matching_key(old) == matcher.matching_key(new)
    first = old.criteria[0]
    for changed in (dataclasses.replace(first, scope=first.scope[:1]), dataclasses.replace(first, unless=("某词",)),
                    dataclasses.replace(first, rules=first.rules[:-1] or first.rules, years=(2030, None))):
        assert matcher.matching_key(dataclasses.replace(old, criteria=(changed, *old.criteria[1:]))) \
            != matcher.matching_key(old)
    assert matcher.matching_key(dataclasses.replace(old, wholes=())) != matcher.matching_key(old)

    items = [(p.stem, str(p)) for p in sorted(SEEDS.glob("*.txt"))]
    calls = []
    real = matcher.match_document
    monkeypatch.setattr(rubric_diff, "match_document", lambda doc, r: calls.append(r) or real(doc, r))
    shared = rubric_diff.score_items(items, [old, new])
    assert len(calls) == len(items)  # once a report
    monkeypatch.setattr(rubric_diff, "matching_key", lambda r: id(r))
    assert rubric_diff.score_items(items, [old, new]) == shared
    assert len(calls) == 3 * len(items)
