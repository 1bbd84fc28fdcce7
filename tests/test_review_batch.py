"""The review record in a batch: applied while scoring, shown in every output, re-applied
only where it changed, stale entries listed and never applied, the Excel round trip and
two evaluators' agreement through the command line."""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import replace

import pytest

from scorer.review import Entry, Quote, Record, load_review, save_review
from scorer.review_tools import REVIEW_COLUMNS, REVIEW_SHEET
from scorer.rubric import load_rubric
from scorer.scoring import criterion_points
from tests.conftest import SEEDS, cli

AT = "2026-03-02T10:00:00+08:00"
HIGH, LOW = "000_b8ab45718342a264", "004_64fa6fbe625793ca"  # 2022: 69.25 ranks above 68.34


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """The seeds scored once without a record (JSON and HTML): each test works on a copy."""
    inputs = tmp_path_factory.mktemp("inputs")
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, inputs / path.name)
    out = tmp_path_factory.mktemp("out")
    assert _score(inputs, out).returncode == 0
    return inputs, out


@pytest.fixture
def batch(scored, tmp_path):
    inputs, base = scored
    out = tmp_path / "out"
    shutil.copytree(base, out)
    return inputs, out


def _score(inputs, out, *extra):
    return cli("score", inputs, "--out", out, "--format", "json,html", "--jobs", "1", *extra)


def _result(out, name):
    return json.loads((out / name / "result.json").read_text("utf-8"))


def _ranking(out):
    ranking = json.loads((out / "ranking.json").read_text("utf-8"))
    return ranking, {e["name"]: e for g in ranking["groups"] for e in g["entries"]}


def _entry(result, criterion, level=None, reviewer="张三", **kw):
    return Entry(file=result["input"]["file"], sha256=result["input"]["sha256"], criterion=criterion,
                 reason=kw.pop("reason", "只有原则性表述"), reviewer=reviewer, at=AT, level=level, **kw)


def _points(criterion, level):
    rubric = load_rubric()
    return criterion_points(rubric, rubric.criterion(criterion), level)


def test_a_lowered_level_shows_everywhere_and_total_and_rank_follow(batch):
    inputs, out = batch
    machine = _result(out, HIGH)
    assert _ranking(out)[1][HIGH]["rank"] == 1 and _ranking(out)[1][LOW]["rank"] == 2
    save_review(out / "review.yaml", Record((_entry(machine, "duties.study", 1),)))
    assert _score(inputs, out).returncode == 0
    drop = 4.5 - _points("duties.study", 1)
    result = _result(out, HIGH)
    study = next(c for c in result["criteria"] if c["id"] == "duties.study")
    assert (study["level"], study["review"]["level"], study["review"]["reviewer"]) == (3, 1, "张三")
    assert study["evidence"] == next(c for c in machine["criteria"] if c["id"] == "duties.study")["evidence"]
    assert result["total"] == round(machine["total"] - drop, 2) and result["machine_total"] == machine["total"]
    card = (out / HIGH / "scorecard.html").read_text("utf-8")
    assert "【人工复核】泛泛提及（机器评定：量化成效）。理由：只有原则性表述" in card
    assert "人工复核 1 项（复核人：张三）" in card and f"{result['total']:.1f}" in card
    ranking, entries = _ranking(out)
    assert (entries[HIGH]["total"], entries[HIGH]["machine_total"]) == (result["total"], machine["total"])
    assert (entries[HIGH]["reviewed"], entries[HIGH]["reviewers"]) == (1, ["张三"])
    assert entries[HIGH]["rank"] == 2 and entries[LOW]["rank"] == 1  # the reviewed total ranks
    rows = list(csv.DictReader(io.StringIO((out / "ranking.csv").read_text("utf-8-sig"))))
    row = next(r for r in rows if r["文件"] == machine["input"]["file"])
    assert (row["总分"], row["机器总分"], row["复核项数"], row["复核人"], row["名次"]) == (
        str(result["total"]), str(machine["total"]), "1", "张三", "2")
    from openpyxl import load_workbook

    wb = load_workbook(out / "ranking.xlsx")
    sheet = [[c.value for c in r] for r in wb["2022年度"].iter_rows()]
    header, first = sheet[0], sheet[1]
    assert first[header.index("文件")] == f"{LOW}.txt" and sheet[2][header.index("复核人")] == "张三"
    assert sheet[2][header.index("机器总分")] == machine["total"]
    assert sheet[2][header.index(study["title"] + "（等级）")] == 1  # the level that counts
    review = [r for r in wb[REVIEW_SHEET].iter_rows(values_only=True)]
    assert list(review[0]) == list(REVIEW_COLUMNS)
    standing = next(r for r in review if r[0] == machine["input"]["file"] and r[3] == "duties.study")
    assert standing[-3:] == (1, "只有原则性表述", "张三")  # shown filled, to read and change in place


def test_a_rerun_reapplies_only_the_touched_report(batch):
    inputs, out = batch
    before = {p.parent.name: p.read_bytes() for p in out.glob("*/result.json")}
    machine = _result(out, HIGH)
    save_review(out / "review.yaml", Record((_entry(machine, "duties.study", 1),)))
    run = _score(inputs, out)
    assert "已评分 5 份（其中沿用上次结果 4 份）" in run.stdout and "人工复核：1 份报告共 1 项已复核" in run.stdout
    after = {p.parent.name: p.read_bytes() for p in out.glob("*/result.json")}
    assert [name for name in before if before[name] != after[name]] == [HIGH]
    assert "已评分 5 份（其中沿用上次结果 5 份）" in _score(inputs, out).stdout  # the record unchanged: nothing to do
    save_review(out / "review.yaml", Record((_entry(machine, "duties.study", 2),)))
    assert "已评分 5 份（其中沿用上次结果 4 份）" in _score(inputs, out).stdout
    assert _result(out, HIGH)["total"] == round(machine["total"] - 4.5 + _points("duties.study", 2), 2)
    save_review(out / "review.yaml", Record())  # every entry withdrawn: the machine's bytes again
    assert "已评分 5 份（其中沿用上次结果 4 份）" in _score(inputs, out).stdout
    assert (out / HIGH / "result.json").read_bytes() == before[HIGH]


def test_stale_entries_are_listed_with_what_to_do_and_never_applied(batch):
    inputs, out = batch
    machine = _result(out, HIGH)
    changed = replace(_entry(machine, "duties.study", 0), sha256="0" * 64)
    unknown = _entry(machine, "duties.no_such_criterion", 0)
    quoted = _entry(machine, "duties.deploy", 0, reason="引文位置不符", quote=Quote("本区全年举办量子法治论坛九百场", 10, 25))
    save_review(out / "review.yaml", Record((changed, unknown, quoted)))
    run = _score(inputs, out)
    assert run.returncode == 0
    assert run.stderr.count("复核未应用：") == 3 and "请重新复核该项或删除该条目" in run.stderr
    result = _result(out, HIGH)
    assert result["total"] == machine["total"] and not any("review" in c for c in result["criteria"])
    errors = json.loads((out / "errors.json").read_text("utf-8"))
    assert sorted(e["review"]["problem"] for e in errors) == ["changed", "quote", "unknown_criterion"]
    assert all(e["file"] == machine["input"]["file"] and e["error"].startswith("复核未应用") for e in errors)
    ranking, entries = _ranking(out)
    assert len(ranking["review_stale"]) == 3 and entries[HIGH]["reviewed"] == 0
    assert "复核未应用（3）" in (out / "index.html").read_text("utf-8")
    assert (out / "ranking.csv").read_text("utf-8-sig").count(",复核未应用,") == 3


def test_a_batch_without_a_record_writes_no_review(batch):
    inputs, out = batch
    assert _score(inputs, out).returncode == 0
    ranking, entries = _ranking(out)
    assert ranking["review_stale"] == [] and json.loads((out / "errors.json").read_text("utf-8")) == []
    assert all(e["machine_total"] == e["total"] and e["reviewed"] == 0 for e in entries.values())
    assert "机器总分" not in (out / "ranking.csv").read_text("utf-8-sig")
    assert not any("reviewed" in _result(out, name) for name in entries)


def _fill(path, filled):
    """Fill rows of the 复核 sheet as an evaluator would in Excel: {(file, criterion): (level, reason, who)}."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb[REVIEW_SHEET]
    rows = {}
    for row in ws.iter_rows(min_row=2):
        rows[(row[0].value, row[3].value)] = row[0].row
    for key, values in filled.items():
        for offset, value in enumerate(values):
            ws.cell(row=rows[key], column=REVIEW_COLUMNS.index("复核等级") + 1 + offset, value=value)
    wb.save(path)
    return rows


def test_the_excel_round_trip_through_the_command_line(batch, tmp_path):
    inputs, out = batch
    high, low = _result(out, HIGH), _result(out, LOW)
    workbook = tmp_path / "filled.xlsx"
    shutil.copy(out / "ranking.xlsx", workbook)
    rows = _fill(workbook, {
        (high["input"]["file"], "duties.study"): ("0 未体现", "只是口号", "张三"),
        (low["input"]["file"], "duties.deploy"): ("确认", "部署具体", "李四"),
        (low["input"]["file"], "duties.study"): (5, "超出范围", "李四"),
    })
    run = cli("review", "import", workbook, "--out", out)
    assert run.returncode == 1
    bad_row = rows[(low["input"]["file"], "duties.study")]
    assert f"filled.xlsx：复核!第{bad_row}行：复核等级 5 不在等级范围内" in run.stderr
    assert "已导入复核意见 2 条" in run.stdout and "即可应用" in run.stdout
    record = load_review(out / "review.yaml")
    assert {(e.file, e.criterion, e.level, e.reviewer) for e in record.entries} == {
        (high["input"]["file"], "duties.study", 0, "张三"), (low["input"]["file"], "duties.deploy", None, "李四")}
    assert "已评分 5 份（其中沿用上次结果 3 份）" in _score(inputs, out).stdout
    assert _result(out, HIGH)["total"] == round(high["total"] - 4.5 + _points("duties.study", 0), 2)
    assert _result(out, LOW)["total"] == low["total"] and _result(out, LOW)["reviewed"]["count"] == 1
    again = cli("review", "import", out / "ranking.xlsx", "--out", out)  # the sheet as written: filled from the record
    assert again.returncode == 0 and "已导入复核意见 0 条" in again.stdout
    assert load_review(out / "review.yaml") == record


def test_review_agreement_of_a_constructed_pair(batch, tmp_path):
    _, out = batch
    result = _result(out, LOW)
    applying = [c for c in result["criteria"] if c["applies"] and c["top_level"] == 3][:4]
    a_levels, b_levels = [0, 1, 2, 3], [0, 1, 3, 3]
    a = Record(tuple(_entry(result, c["id"], lv, reviewer="张三", reason=f"A{i}")
                     for i, (c, lv) in enumerate(zip(applying, a_levels, strict=True))))
    b = Record(tuple(_entry(result, c["id"], lv, reviewer="李四", reason=f"B{i}")
                     for i, (c, lv) in enumerate(zip(applying, b_levels, strict=True))))
    save_review(tmp_path / "a.yaml", a)
    save_review(tmp_path / "b.yaml", b)
    run = cli("review", "agreement", tmp_path / "a.yaml", tmp_path / "b.yaml", "--reports", out, "--json")
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert (got["between"]["n"], got["between"]["exact"]) == (4, 0.75)
    assert got["between"]["qwk"] == pytest.approx(1 - 1 / 12, abs=1e-4)  # observed 1/9 against 12/9 expected
    machine = [c["level"] for c in applying]
    for key, levels in (("a_machine", a_levels), ("b_machine", b_levels)):
        same = sum(m == lv for m, lv in zip(machine, levels, strict=True))
        assert (got[key]["n"], got[key]["exact"]) == (4, round(same / 4, 4))
    assert [(d["criterion"], d["level_a"], d["level_b"]) for d in got["differences"]] == [(applying[2]["id"], 2, 3)]
    text = cli("review", "agreement", tmp_path / "a.yaml", tmp_path / "b.yaml").stdout
    assert "a.yaml – b.yaml：4 项，一致 75.0%，QWK 0.917" in text and "机器" not in text
    assert f"{applying[2]['id']}：a.yaml 2（A2）/ b.yaml 3（B2）" in text


def test_a_mistyped_record_is_an_error_not_an_empty_review(batch, tmp_path):
    inputs, out = batch
    run = _score(inputs, out, "--review", tmp_path / "reveiw.yaml")
    assert run.returncode == 2 and "no such review record" in run.stderr


def test_review_serve_hands_its_options_to_the_page(monkeypatch, tmp_path):
    import scorer.review_page

    calls = []
    monkeypatch.setattr(scorer.review_page, "serve", lambda out, **kw: calls.append((out, kw)))
    assert cli("review", "serve", tmp_path, "--review", tmp_path / "r.yaml", "--port", 8123, "--no-browser").returncode == 0
    assert calls == [(tmp_path, {"review_path": tmp_path / "r.yaml", "port": 8123, "open_browser": False})]


def test_a_missing_record_or_workbook_is_named_in_one_line(tmp_path):
    """A review record that does not exist is empty to `score` (none written yet); to `agreement`
    and `import` it is a mistyped name: an agreement of 0 items, or a complaint about results."""
    run = cli("review", "agreement", tmp_path / "a.yaml", tmp_path / "b.yaml")
    assert (run.returncode, run.stderr) == (2, f"error: {tmp_path / 'a.yaml'}: no such review record\n")
    run = cli("review", "import", tmp_path / "ranking.xlsx")
    assert (run.returncode, run.stderr) == (2, f"error: {tmp_path / 'ranking.xlsx'}: no such workbook\n")
    run = cli("review", "import", tmp_path)
    assert run.returncode == 2 and "not a file; give the ranking.xlsx" in run.stderr
