"""The review record: applying evaluators' levels, stale entries, the file, agreement, Excel."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from scorer.document import load_document
from scorer.errors import UserError
from scorer.result import build_result
from scorer.review import (
    Entry,
    Quote,
    Record,
    ReviewError,
    add_entry,
    entries_for,
    load_review,
    make_entry,
    merge_records,
    save_review,
)
from scorer.review_tools import (
    REVIEW_COLUMNS,
    apply_review,
    import_review_xlsx,
    machine_levels,
    quote_problem,
    review_agreement,
    review_key,
    review_rows,
    stale_entries,
)
from scorer.rubric import load_rubric
from scorer.scoring import criterion_points, score_document
from tests.conftest import SEEDS

AT = "2026-03-02T10:00:00+08:00"
LATER = "2026-03-03T09:00:00+08:00"


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


@pytest.fixture(scope="module")
def docs():
    return {p.name: load_document(p) for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="module")
def results(docs, rubric):
    return {name: build_result(doc, rubric, score_document(doc, rubric)) for name, doc in docs.items()}


def _criterion(result, cid):
    return next(c for c in result["criteria"] if c["id"] == cid)


def _area(result, aid):
    return next(a for a in result["areas"] if a["id"] == aid)


def _reached(result, level, structure=False):
    """A criterion of the result at `level` (structure criteria top at 2, the others at 3)."""
    return next(c for c in result["criteria"]
                if c["applies"] and c["level"] == level and (c["top_level"] == 2) == structure)


def _entry(result, cid, level=None, reviewer="张三", at=AT, reason="复核意见", **kw):
    return Entry(file=result["input"]["file"], sha256=result["input"]["sha256"], criterion=cid,
                 reason=reason, reviewer=reviewer, at=at, level=level, **kw)


# --- applying ------------------------------------------------------------------------------

def test_a_lowered_level_lowers_its_points_area_and_total_by_the_computed_amount(results, rubric):
    result = next(iter(results.values()))
    c = _reached(result, 3)
    drop = c["points"] - criterion_points(rubric, rubric.criterion(c["id"]), 1)
    assert drop > 0
    reviewed = apply_review(result, [_entry(result, c["id"], 1, reason="只有原则性表述")], rubric)
    after = _criterion(reviewed, c["id"])
    assert after["points"] == criterion_points(rubric, rubric.criterion(c["id"]), 1)
    assert after["level"] == 3 and after["evidence"] == c["evidence"]  # the machine's, kept
    assert after["review"] == {"level": 1, "level_name": rubric.level(1).name, "reviewer": "张三",
                               "at": AT, "reason": "只有原则性表述", "confirmed": False}
    area_drop = _area(result, c["area"])["points"] - _area(reviewed, c["area"])["points"]
    assert round(area_drop, 2) == round(drop, 2)
    assert round(result["total"] - reviewed["total"], 2) == round(drop, 2)
    assert reviewed["machine_total"] == result["total"]
    assert reviewed["reviewed"] == {"count": 1, "reviewers": ["张三"]}
    others = [a for a in reviewed["areas"] if a["id"] != c["area"]]
    assert others == [a for a in result["areas"] if a["id"] != c["area"]]
    assert "review" not in _criterion(result, c["id"]) and "machine_total" not in result  # not mutated


def test_without_entries_every_points_area_and_total_is_the_machines(results, rubric):
    for result in results.values():
        same = apply_review(result, [], rubric)
        assert {k: v for k, v in same.items() if k not in ("machine_total", "reviewed")} == result
        assert same["machine_total"] == result["total"] and same["reviewed"] == {"count": 0, "reviewers": []}


def test_a_raised_structure_level_tops_at_its_scale_and_an_entry_above_it_is_stale(results, rubric):
    result = next(iter(results.values()))
    c = _reached(result, 0, structure=True)
    raised = apply_review(result, [_entry(result, c["id"], 2)], rubric)
    assert _criterion(raised, c["id"])["points"] == c["max_points"]
    assert raised["total"] == round(result["total"] + c["max_points"], 2)
    too_high = _entry(result, c["id"], 3)
    assert apply_review(result, [too_high], rubric)["total"] == result["total"]
    [stale] = stale_entries(Record((too_high,)), list(results.values()))
    assert stale.kind == "level" and "0–2" in stale.message


def test_a_confirmation_marks_the_level_reviewed_without_changing_it(results, rubric):
    result = next(iter(results.values()))
    c = _reached(result, 2)
    reviewed = apply_review(result, [_entry(result, c["id"], reason="举措具体")], rubric)
    after = _criterion(reviewed, c["id"])
    assert after["review"]["confirmed"] is True and after["review"]["level"] == 2
    assert after["points"] == c["points"] and reviewed["total"] == result["total"]
    assert reviewed["reviewed"]["count"] == 1


def test_the_latest_reviewer_stands_and_reapplying_starts_from_the_machine(results, rubric):
    result = next(iter(results.values()))
    c = _reached(result, 3)
    first = _entry(result, c["id"], 0, reviewer="张三", at=AT)
    second = _entry(result, c["id"], 2, reviewer="李四", at=LATER)
    reviewed = apply_review(result, [second, first], rubric)
    assert _criterion(reviewed, c["id"])["review"]["reviewer"] == "李四"
    assert reviewed["reviewed"] == {"count": 1, "reviewers": ["张三", "李四"]}
    again = apply_review(reviewed, [first], rubric)
    assert again["machine_total"] == result["total"]
    assert again == apply_review(result, [first], rubric)


def test_a_result_of_another_rubric_is_refused(results, rubric):
    result = next(iter(results.values()))
    other = {**result, "rubric": {**result["rubric"], "sha256": "0" * 64}}
    with pytest.raises(UserError, match="score it again"):
        apply_review(other, [], rubric)


# --- quotes --------------------------------------------------------------------------------

def test_a_quote_is_kept_with_its_offsets_and_one_not_in_the_report_is_refused(docs, results):
    name, doc = next(iter(docs.items()))
    c = _reached(results[name], 3)
    words = c["evidence"][0]["quote"][:12]
    entry = make_entry(doc, c["id"], level=2, reason="有举措无数据", reviewer="张三", quote=words, at=AT)
    assert doc.original[entry.quote.start:entry.quote.end] == words
    assert (entry.file, entry.sha256) == (name, doc.sha256)
    with pytest.raises(UserError, match="does not occur"):
        make_entry(doc, c["id"], level=2, reason="理由", reviewer="张三", quote="本区全年举办量子法治论坛九百场")


def test_a_quote_edited_by_hand_is_checked_against_the_report(docs, results):
    name, doc = next(iter(docs.items()))
    entry = make_entry(doc, "duties.study", level=2, reason="理由", reviewer="张三", quote=doc.original[300:320], at=AT)
    assert quote_problem(entry, doc) is None
    moved = replace(entry, quote=Quote(entry.quote.text, entry.quote.start + 1, entry.quote.end + 1))
    assert quote_problem(moved, doc).kind == "quote"
    invented = replace(entry, quote=Quote("本区全年举办量子法治论坛九百场", 10, 25))
    assert "原样复制" in quote_problem(invented, doc).message


def test_an_entry_needs_a_reason_a_reviewer_and_either_a_level_or_a_confirmation(results, docs):
    result = next(iter(results.values()))
    doc = docs[result["input"]["file"]]
    for both_or_neither in ({}, {"level": 1, "confirm": True}):
        with pytest.raises(UserError, match="not both"):
            make_entry(doc, "duties.study", reason="理由", reviewer="张三", **both_or_neither)
    for bad in ({"reason": "  "}, {"reviewer": ""}, {"level": 4}, {"at": "yesterday"}, {"sha256": "abc"}):
        with pytest.raises(UserError, match=next(iter(bad))):
            replace(_entry(result, "duties.study", 1), **bad)


# --- stale entries -------------------------------------------------------------------------

def test_stale_entries_are_listed_with_what_to_do_and_never_applied(results, rubric):
    listed = list(results.values())
    result = next(r for r in listed if not all(c["applies"] for c in r["criteria"]))
    not_applicable = next(c["id"] for c in result["criteria"] if not c["applies"])
    entries = (
        replace(_entry(result, "duties.study", 0), sha256="0" * 64),
        _entry(result, "duties.no_such_criterion", 0),
        _entry(result, not_applicable, 3),
        replace(_entry(result, "duties.study", 0), file="999_not_in_batch.txt"),
    )
    stale = stale_entries(Record(entries), listed)
    assert sorted(s.kind for s in stale) == ["changed", "missing_report", "not_applicable", "unknown_criterion"]
    changed = next(s for s in stale if s.kind == "changed")
    assert changed.message == "报告已更换（sha256 不同）：请重新复核该项或删除该条目"
    assert changed.as_dict()["criterion"] == "duties.study"
    reviewed = apply_review(result, list(entries), rubric)
    assert reviewed["total"] == result["total"] and reviewed["reviewed"]["count"] == 0
    assert not any("review" in c for c in reviewed["criteria"])


def test_a_current_entry_is_not_stale(results):
    result = next(iter(results.values()))
    assert stale_entries(Record((_entry(result, "duties.study", 1),)), list(results.values())) == []


# --- the file ------------------------------------------------------------------------------

def _record(results):
    a, b = list(results.values())[:2]
    return Record((
        _entry(b, "duties.study", 1, reviewer="李四", at=LATER),
        _entry(a, "enforcement.capacity", reviewer="张三", reason="确认: 未见具体举措"),
        _entry(a, "duties.study", 2, reviewer="张三", reason="有:但无数据", at=LATER),
        _entry(a, "duties.study", 1, reviewer="李四", reason="- 以列表开头的理由"),
    ))


def test_the_record_round_trips_in_the_same_bytes_whatever_the_order(tmp_path, results, docs):
    name, doc = next(iter(docs.items()))
    quoted = make_entry(doc, "duties.study", level=3, reviewer="王五", reason="有数据", at=AT,
                        quote=doc.original[200:230])
    record = add_entry(_record(results), quoted)
    path = tmp_path / "review.yaml"
    save_review(path, record)
    first = path.read_bytes()
    assert load_review(path) == record
    save_review(path, Record(tuple(reversed(record.entries))))
    assert path.read_bytes() == first
    assert sorted(os.listdir(tmp_path)) == ["review.yaml"]  # no temp file left behind
    text = first.decode("utf-8")
    assert "confirm: true" in text and "张三" in text  # readable: not escaped
    order = [e.file + e.criterion for e in load_review(path).entries]
    assert order == sorted(order)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600)])
def test_the_record_is_written_as_the_umask_says(tmp_path, results, umask, mode):
    old = os.umask(umask)
    try:
        save_review(tmp_path / "review.yaml", _record(results))
    finally:
        os.umask(old)
    assert (tmp_path / "review.yaml").stat().st_mode & 0o777 == mode


def test_a_large_batchs_record_loads(tmp_path):
    # 100 reports, 31 criteria: more values than the YAML reader allows a rubric
    record = Record(tuple(Entry(file=f"{i:03d}.txt", sha256="c" * 64, criterion=f"area.c{j}", level=j % 4,
                                reason="理由", reviewer="张三", at=AT) for i in range(100) for j in range(31)))
    save_review(tmp_path / "review.yaml", record)
    assert load_review(tmp_path / "review.yaml") == record


def test_a_hand_written_list_with_plain_times_loads(tmp_path):
    path = tmp_path / "review.yaml"
    path.write_text(f"- file: a.txt\n  sha256: {'D' * 64}\n  criterion: duties.study\n  confirm: true\n"
                    "  reason: 属实\n  reviewer: 张三\n  at: 2026-03-02 10:00:00+08:00\n", encoding="utf-8")
    [entry] = load_review(path).entries
    assert (entry.at, entry.sha256, entry.confirm) == ("2026-03-02T10:00:00+08:00", "d" * 64, True)


def test_a_missing_record_is_empty_and_an_empty_one_too(tmp_path):
    assert load_review(tmp_path / "review.yaml") == Record()
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert load_review(tmp_path / "empty.yaml") == Record()


def test_every_bad_value_is_one_located_line(tmp_path):
    sha = "a" * 64
    path = tmp_path / "review.yaml"
    path.write_text(
        "entries:\n"
        f"  - {{file: a.txt, sha256: {sha}, criterion: duties.study, level: 5, reason: x, reviewer: 张三, at: {AT}}}\n"
        f"  - file: a.txt\n    sha256: {sha}\n    criterion: duties.study\n    confirm: true\n"
        f"    reviewer: 李四\n    at: {AT}\n    leve: 1\n"
        f"  - {{file: a.txt, sha256: {sha}, criterion: duties.deploy, level: 1, reason: y, reviewer: 张三, at: {AT}}}\n"
        f"  - {{file: a.txt, sha256: {sha}, criterion: duties.deploy, level: 2, reason: z, reviewer: 张三, at: {AT}}}\n",
        encoding="utf-8")
    with pytest.raises(ReviewError) as info:
        load_review(path)
    problems = info.value.problems
    assert problems[0].startswith(f"{path}:2:") and "entries.0.level: int '5'" in problems[0]
    assert "0–3" in problems[0]
    assert any(p.startswith(f"{path}:3:") and "entries.1.reason: nothing" in p for p in problems)
    assert any(p.startswith(f"{path}:9:") and "entries.1.leve" in p and "did you mean 'level'" in p
               for p in problems)
    assert problems[-1].startswith(f"{path}:11:") and "already at line 10" in problems[-1]
    assert len(problems) == 4


def test_a_broken_yaml_or_another_shape_is_one_located_line(tmp_path):
    path = tmp_path / "review.yaml"
    path.write_text("entries:\n  - {file: a.txt\n", encoding="utf-8")
    with pytest.raises(ReviewError, match=rf"{path}:\d+:\d+: invalid YAML"):
        load_review(path)
    path.write_text("schema: scorer.review/9\nentries: []\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="schema: scorer.review/1"):
        load_review(path)


# --- two reviewers -------------------------------------------------------------------------

def test_an_entry_replaces_its_reviewers_earlier_one_and_no_other(results):
    result = next(iter(results.values()))
    record = Record()
    for entry in (_entry(result, "duties.study", 1, reviewer="张三"),
                  _entry(result, "duties.study", 2, reviewer="李四"),
                  _entry(result, "duties.study", 3, reviewer="张三", at=LATER)):
        record = add_entry(record, entry)
    assert sorted((e.reviewer, e.level) for e in record.entries) == [("张三", 3), ("李四", 2)]


def test_two_reviewers_records_merge_without_losing_either(tmp_path, results):
    result = next(iter(results.values()))
    mine = Record((_entry(result, "duties.study", 1, reviewer="张三"),
                   _entry(result, "duties.deploy", 2, reviewer="张三")))
    theirs = Record((_entry(result, "duties.study", 2, reviewer="李四"),
                     _entry(result, "duties.study", 0, reviewer="张三", at=LATER)))
    merged = merge_records(mine, theirs)
    assert merged == merge_records(theirs, mine)
    assert {(e.reviewer, e.criterion, e.level) for e in merged.entries} == {
        ("张三", "duties.study", 0), ("张三", "duties.deploy", 2), ("李四", "duties.study", 2)}
    save_review(tmp_path / "a.yaml", merged)
    assert load_review(tmp_path / "a.yaml") == merged


# --- reuse ---------------------------------------------------------------------------------

def test_the_review_key_changes_with_a_reports_entries_only(results):
    a, b = list(results.values())[:2]
    record = _record(results)
    mine = entries_for(record, a)
    assert {e.file for e in mine} == {a["input"]["file"]} and len(mine) == 3
    assert review_key(mine) == review_key(list(reversed(mine)))
    changed = [replace(mine[0], reason=mine[0].reason + "。")] + mine[1:]
    assert review_key(changed) != review_key(mine)
    assert review_key(entries_for(add_entry(record, _entry(b, "duties.deploy", 0)), a)) == review_key(mine)
    assert review_key([]) != review_key(mine)


# --- agreement -----------------------------------------------------------------------------

def test_agreement_between_two_reviewers_and_with_the_machine(results):
    a = Record(tuple(Entry(file="r.txt", sha256="b" * 64, criterion=f"c{i}", level=level, reason=f"A{i}",
                           reviewer="张三", at=AT) for i, level in enumerate([0, 1, 2, 3])))
    b_levels = [0, 1, 3, 3]
    b = Record(tuple(Entry(file="r.txt", sha256="b" * 64, criterion=f"c{i}", level=level, reason=f"B{i}",
                           reviewer="李四", at=AT) for i, level in enumerate(b_levels))
               + (Entry(file="r.txt", sha256="b" * 64, criterion="c9", reason="只有乙复核", reviewer="李四",
                        at=AT),))
    ag = review_agreement(a, b)
    assert (ag.between.n, ag.between.exact) == (4, 0.75)
    # rows A [1,1,1,1], columns B [1,1,0,2]: observed 1/9, expected 12/9
    assert ag.between.qwk == pytest.approx(1 - 1 / 12, abs=1e-4)
    assert [(d.criterion, d.level_a, d.level_b, d.reason_a, d.reason_b) for d in ag.differences] == [
        ("c2", 2, 3, "A2", "B2")]
    assert ag.a_machine is None
    machine = {("r.txt", f"c{i}"): 1 for i in range(4)} | {("r.txt", "c9"): 2}
    ag = review_agreement(a, b, machine)
    assert (ag.a_machine.n, ag.a_machine.exact) == (4, 0.25)
    assert (ag.b_machine.n, ag.b_machine.exact) == (5, 0.4)  # c9 confirmed: the machine's level
    assert ag.as_dict()["between"]["n"] == 4
    assert machine_levels(list(results.values()))  # the machine's levels of a real batch


# --- Excel ---------------------------------------------------------------------------------

def _fill(path, rows, filled):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "复核"
    ws.append(list(REVIEW_COLUMNS))
    for row in rows:
        ws.append(list(row))
    for number, values in filled.items():
        for column, value in values.items():
            ws.cell(row=number, column=REVIEW_COLUMNS.index(column) + 1, value=value)
    wb.save(path)


def test_review_rows_cover_every_criterion_that_applies(results):
    rows = review_rows(list(results.values()))
    expected = sum(c["applies"] for r in results.values() for c in r["criteria"])
    assert len(rows) == expected and all(len(r) == len(REVIEW_COLUMNS) for r in rows)
    assert all(r[-3:] == (None, None, None) for r in rows)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)


def test_the_excel_round_trip_imports_good_rows_and_reports_bad_ones_by_row(tmp_path, results, rubric):
    listed = list(results.values())
    rows = review_rows(listed)
    row_of = {(r[0], r[3]): n for n, r in enumerate(rows, 2)}  # sheet row numbers
    result = listed[0]
    name = result["input"]["file"]
    high = _reached(result, 3)["id"]
    structure = _reached(result, 0, structure=True)["id"]
    confirm = _reached(result, 2)["id"]
    too_high, no_reason, name_only = [c["id"] for c in result["criteria"]
                                      if c["applies"] and c["id"] not in {high, structure, confirm}][:3]
    rows.append(("999_unknown.txt", "", "", "duties.study", "", 0, "", 0, "", 1, "没有这份报告", "张三"))
    bad_report = len(rows) + 1
    filled = {
        row_of[(name, high)]: {"复核等级": "1 泛泛提及", "理由": "只有原则性表述", "复核人": "张三"},
        row_of[(name, confirm)]: {"复核等级": "确认", "理由": "举措具体", "复核人": "张三"},
        row_of[(name, structure)]: {"复核等级": 3, "理由": "高于上限", "复核人": "张三"},
        row_of[(name, too_high)]: {"复核等级": 7, "理由": "超出", "复核人": "张三"},
        row_of[(name, no_reason)]: {"复核等级": 1, "复核人": "张三"},
        row_of[(name, name_only)]: {"复核人": "张三"},  # a name filled down: not a review
    }
    path = tmp_path / "ranking.xlsx"
    _fill(path, rows, filled)
    kept = _entry(listed[1], "duties.study", 0, reviewer="李四")
    record, problems = import_review_xlsx(path, Record((kept,)), listed, at=AT)
    expected = sorted([
        (row_of[(name, no_reason)], "理由为空：请写明为何定为该等级"),
        (row_of[(name, too_high)], "复核等级 7 不在等级范围内：请填 0–3 的数字、等级名称，或“确认”"),
        (row_of[(name, structure)], "复核等级 3 超出该指标的等级范围（0–2）：请改为 0–2 之间的等级"),
        (bad_report, "本批次中没有报告 999_unknown.txt：请核对文件名"),
    ])
    assert problems == [f"ranking.xlsx：复核!第{row}行：{message}" for row, message in expected]
    assert {(e.file, e.criterion, e.level, e.reviewer) for e in record.entries} == {
        (name, high, 1, "张三"), (name, confirm, None, "张三"), (kept.file, "duties.study", 0, "李四")}
    reviewed = apply_review(result, entries_for(record, result), rubric)
    drop = _criterion(result, high)["points"] - criterion_points(rubric, rubric.criterion(high), 1)
    assert round(result["total"] - reviewed["total"], 2) == round(drop, 2)
    assert reviewed["reviewed"] == {"count": 2, "reviewers": ["张三"]}
