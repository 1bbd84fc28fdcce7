"""The output folder of a batch: locked, checked before scoring, written with the umask,
never showing stale scorecards, its workbook written in linear time; a full disk and bad
options are one line. Every input is generated here."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from scorer import files
from tests.conftest import ROOT, cli, seed
from tests.test_batch_hostile import complete, score_seeds


def test_a_second_run_into_a_locked_folder_is_refused_in_one_line(tmp_path):
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".scorer.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        run = cli("score", seed("001"), "--out", out, "--format", "json")
    assert run.returncode == 2
    assert run.stderr == f"error: {out}: another scorer run is writing into this folder; wait for it to end, " \
                         "or choose another --out\n"
    assert not (out / "ranking.json").exists()
    assert cli("score", seed("001"), "--out", out, "--format", "json").returncode == 0


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_outputs_honour_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        files.write_atomic(tmp_path / "x.json", "{}")
        run = cli("score", seed("001"), "--out", tmp_path / "out", "--format", "json")
    finally:
        os.umask(previous)
    assert run.returncode == 0
    for path in (tmp_path / "x.json", tmp_path / "out" / "ranking.csv", next((tmp_path / "out").glob("*/result.json"))):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_a_run_with_another_rubric_removes_the_scorecards_it_does_not_render(tmp_path):
    inputs, out = score_seeds(tmp_path)
    assert cli("score", inputs, "--out", out, "--format", "json,html").returncode == 0
    assert len(list(out.glob("*/scorecard.html"))) == 5
    same = cli("score", inputs, "--out", out, "--format", "json")
    assert len(list(out.glob("*/scorecard.html"))) == 5 and "removed" not in same.stderr  # still current
    other = ROOT / "rubrics" / "examples" / "gangyao-balanced.yaml"
    run = cli("score", inputs, "--out", out, "--format", "json", "--rubric", other)
    assert run.returncode == 0
    assert not list(out.glob("*/scorecard.html"))
    assert run.stderr.count("它显示的是先前的结果") == 5
    complete(out, ["r000", "r001", "r002", "r003", "r004"])


def test_writing_the_workbook_reads_no_row_count_per_row(tmp_path, monkeypatch):
    """Linear: the number of `max_row` reads does not grow with the batch."""
    from openpyxl.worksheet.worksheet import Worksheet

    from scorer.exports import Ranked, ranking_xlsx
    from scorer.ranking import build_ranking, summarize
    from scorer.result import load_result
    from scorer.rubric import load_rubric

    assert cli("score", seed("001"), "--out", tmp_path, "--format", "json").returncode == 0
    summary = summarize(load_result(next(tmp_path.glob("*/result.json"))))
    rubric = load_rubric()
    reads = {"n": 0}
    original = Worksheet.max_row

    def counted(self):
        reads["n"] += 1
        return original.fget(self)

    monkeypatch.setattr(Worksheet, "max_row", property(counted))

    def count(n):
        summaries = [summary | {"name": f"r{i}", "file": f"r{i}.txt"} for i in range(n)]
        reads["n"] = 0
        ranking_xlsx(Ranked(build_ranking(summaries, [], rubric), rubric, tuple(summaries)))
        return reads["n"]

    assert count(10) == count(120)


def test_out_that_is_a_file_is_refused_before_scoring(tmp_path):
    target = tmp_path / "out"
    target.write_text("x")
    run = cli("score", seed("001"), "--out", target, "--format", "json")
    assert run.returncode == 2
    assert run.stderr == f"error: {target}: --out names a file, not a folder; choose a folder\n"
    below = cli("score", seed("001"), "--out", target / "sub", "--format", "json")
    assert below.returncode == 2 and "--out: cannot write in this folder" in below.stderr


def test_out_that_is_the_folder_of_reports_is_refused_before_anything_is_written(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text(seed("001").read_text("utf-8"), "utf-8")
    run = cli("score", reports, "--out", reports, "--format", "json")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr == (f"error: {reports}: --out is the folder of reports itself; scorer would write its ranking "
                          "and results among them: choose another folder (e.g. --out out)\n")
    assert sorted(p.name for p in reports.iterdir()) == ["a.txt"]  # still a folder of reports, nothing else
    assert cli("score", reports, "--out", tmp_path / "out", "--format", "json").returncode == 0


@pytest.mark.parametrize("limit", ["nan", "inf", "1e10", "-1"])
def test_a_time_limit_that_is_no_number_of_seconds_is_one_line(tmp_path, limit):
    run = cli("score", seed("001"), "--out", tmp_path / "out", "--format", "json", f"--time-limit={limit}")
    assert run.returncode == 2 and run.stderr.startswith("error: --time-limit: ") and len(run.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_tiny_time_limit_fails_each_report_alone(tmp_path):
    """The limit is armed inside the worker's guard: one that fires at once is that report's failure."""
    from scorer.batch.workers import init_worker, score_report
    from scorer.rubric import load_rubric

    init_worker(load_rubric())
    outcome = score_report(str(seed("001")), str(tmp_path), time_limit=1e-6)
    assert "scoring took longer than the time limit" in outcome["error"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_out_is_refused_before_scoring(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        run = cli("score", seed("001"), "--out", out, "--format", "json")
    finally:
        out.chmod(0o755)
    assert run.returncode == 2 and "--out: cannot write in this folder" in run.stderr


def test_a_full_disk_is_one_line_naming_enospc_and_the_folder(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    out = tmp_path / "out"
    run = cli("score", seed("001"), seed("003"), "--out", out, "--format", "json")
    assert run.returncode == 2
    last = run.stderr.splitlines()[-1]
    assert last == (f"error: no space left on the device (ENOSPC) writing in {out}; free some space and run "
                    "the same command again")
    assert "Traceback" not in run.stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.parametrize("epoch", ["yesterday", "1e9", "99999999999999999999"])
def test_an_invalid_source_date_epoch_is_one_line(tmp_path, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    run = cli("score", seed("001"), "--out", tmp_path / "out", "--format", "json", "--dated")
    assert run.returncode == 2
    assert run.stderr.startswith(f"error: SOURCE_DATE_EPOCH: '{epoch}' is not a time in seconds")
    assert run.stderr.count("\n") == 1 and not (tmp_path / "out").exists()


def test_a_folder_with_no_report_and_a_render_with_nothing_to_write_say_so(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    run = cli("score", empty, "--out", tmp_path / "out")
    assert (run.returncode, run.stderr) == (2, f"error: {empty}: no report files found (.txt .docx .pdf .html .htm)\n")
    run = cli("render", tmp_path / "result.json", "--format", "json")
    assert run.returncode == 2 and "render writes scorecards, html or pdf" in run.stderr


def test_out_that_holds_the_reports_given_is_refused(tmp_path):
    (tmp_path / "reports").mkdir()
    report = tmp_path / "reports" / "a.txt"
    report.write_text(seed("001").read_text("utf-8"), "utf-8")
    for given in (tmp_path / "reports", report):
        run = cli("score", given, "--out", tmp_path, "--format", "json")
        assert run.returncode == 2 and "--out holds the reports given" in run.stderr, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
    inside = cli("score", tmp_path / "reports", "--out", tmp_path / "reports" / "out", "--format", "json")
    assert inside.returncode == 0, inside.stderr  # an output folder inside the reports' folder is skipped


def test_a_file_where_a_folder_is_wanted_is_named_as_one(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    run = cli("score", seed("001"), "--out", tmp_path / "out", "--format", "json", "--template-dir", afile)
    assert run.returncode == 2 and f"--template-dir: not a folder: {afile}" in run.stderr
    run = cli("cards", tmp_path / "out", "--to", afile)
    assert run.returncode == 2 and "--to names a file, not a folder" in run.stderr
