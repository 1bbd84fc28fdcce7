"""Reports and file names from the field never cost a batch its outputs: control
characters, GBK names, formula-like names, output-like names, damaged results, the output
folder inside the input, FIFOs and links, unread files, a full disk, bad options.

Every input is generated here; each test checks the message and that the other reports'
outputs are complete.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil

import pytest

from scorer.batch.discover import LINK_DANGLING, LINK_LOOP
from scorer.labels import reason_word
from tests.conftest import cli, seed

OUTPUTS = ("ranking.json", "errors.json", "ranking.csv", "ranking.xlsx", "index.html")


def complete(out, folders, formats=("json",)):
    """The batch outputs are there, and every good report's folder with its files."""
    for name in OUTPUTS:
        assert (out / name).is_file(), name
    ranking = json.loads((out / "ranking.json").read_text("utf-8"))
    named = {e["name"] for g in ranking["groups"] for e in g["entries"]}
    assert set(folders) <= named, (folders, named)
    for folder in folders:
        assert (out / folder / "result.json").is_file()
        for ext in set(formats) - {"json"}:
            assert (out / folder / f"scorecard.{ext}").is_file()
    return ranking


def errors(out):
    return json.loads((out / "errors.json").read_text("utf-8"))


def report_text(prefix="003"):
    return seed(prefix).read_text("utf-8")


def test_control_characters_in_evidence_and_names_never_break_the_outputs(tmp_path):
    from openpyxl import load_workbook

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(report_text("001"), "utf-8")
    lines = report_text().splitlines()
    (inputs / "ctl.txt").write_text("\n".join(line[:len(line) // 2] + "\x1e\x0b\x0c\x07" + line[len(line) // 2:]
                                              for line in lines), "utf-8")
    (inputs / "名\x1b[31m红\x07.txt").write_text(report_text(), "utf-8")
    (inputs / "坏\x1b]0;x\x07.txt").write_text("", "utf-8")
    out = tmp_path / "out"
    run = cli("score", inputs, "--out", out, "--format", "json,html")
    assert run.returncode == 1, run.stderr
    for stream in (run.stdout, run.stderr):
        assert "\x1b" not in stream and "\x07" not in stream
    assert "坏\\x1b]0;x\\x07.txt：文件为空" in run.stderr
    complete(out, ["good", "ctl", "名_x1b_31m红_x07"], ("json", "html"))
    assert not any(ch in (out / "index.html").read_text("utf-8") for ch in "\x1b\x07\x1e\x0b\x0c")
    book = load_workbook(out / "ranking.xlsx")
    quotes = [row[7] for row in book["依据"].iter_rows(min_row=2, values_only=True) if row[0] == "ctl.txt"]
    assert any("\ufffd" in (q or "") for q in quotes)  # \x1e and \x07 shown as U+FFFD
    assert {f["file"] for f in errors(out)} == {str(inputs / "坏\\x1b]0;x\\x07.txt")}


def test_a_gbk_file_name_is_shown_decoded_and_gets_a_safe_folder(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    raw = os.fsencode(inputs)
    (inputs / "good.txt").write_text(report_text("001"), "utf-8")
    with open(raw + b"/" + "法治报告".encode("gbk") + b".txt", "w", encoding="utf-8") as fh:
        fh.write(report_text())
    with open(raw + b"/" + "坏的".encode("gbk") + b"\xff.txt", "wb"):
        pass  # empty, and \xff is no GBK either: shown as \xff
    out = tmp_path / "out"
    run = cli("score", inputs, "--out", out, "--format", "json")
    assert run.returncode == 1, run.stderr
    ranking = complete(out, ["good", "法治报告"])
    assert "法治报告.txt" in {e["file"] for g in ranking["groups"] for e in g["entries"]}
    assert json.loads((out / "法治报告" / "result.json").read_text("utf-8"))["input"]["file"] == "法治报告.txt"
    assert [e["file"] for e in errors(out)] == [f"{inputs}/坏的\\xff.txt"]
    assert "法治报告.txt" in (out / "ranking.csv").read_text("utf-8-sig")


def test_a_file_name_never_becomes_a_formula(tmp_path):
    from openpyxl import load_workbook

    inputs = tmp_path / "in"
    inputs.mkdir()
    names = ["=1+2.txt", "+SUM(1).txt", "-2+3.txt", "@cmd.txt"]
    for name in names:
        (inputs / name).write_text(report_text(), "utf-8")
    out = tmp_path / "out"
    assert cli("score", inputs, "--out", out, "--format", "json").returncode == 0
    complete(out, ["1_2", "SUM_1", "2_3", "cmd"])
    rows = list(csv.reader(io.StringIO((out / "ranking.csv").read_text("utf-8-sig"))))
    file_column = rows[0].index("文件")
    assert sorted(r[file_column] for r in rows[1:] if len(r) > file_column) == sorted(f"'{n}" for n in names)
    sheet = load_workbook(out / "ranking.xlsx")["排名"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value in names]
    evidence = [c for row in load_workbook(out / "ranking.xlsx")["依据"].iter_rows() for c in row
                if c.value in names]
    assert len(cells) == len(names) and len(evidence) > len(names)
    assert all(c.data_type == "s" for c in cells + evidence)


def test_a_report_named_like_an_output_gets_its_own_folder(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("index.html.txt", "ranking.csv.txt", "errors.json.txt", "good.txt"):
        (inputs / name).write_text(report_text(), "utf-8")
    out = tmp_path / "out"
    run = cli("score", inputs, "--out", out, "--format", "json,html")
    assert run.returncode == 0, run.stderr
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert [f.split("-")[0] for f in folders] == ["errors.json", "good", "index.html", "ranking.csv"]
    assert all(len(f.split("-")[-1]) == 8 for f in folders if f != "good")
    complete(out, folders, ("json", "html"))


@pytest.fixture
def scored(tmp_path):
    return score_seeds(tmp_path)


@pytest.fixture(scope="module")
def scored_once(tmp_path_factory):
    """The seeds scored once for the module, never changed: a test copies what it damages."""
    return score_seeds(tmp_path_factory.mktemp("scored"))


def score_seeds(tmp_path):
    """The five seeds scored as JSON: the input folder and the output folder."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for prefix in ("000", "001", "002", "003", "004"):
        shutil.copy(seed(prefix), inputs / f"r{prefix}.txt")
    out = tmp_path / "out"
    assert cli("score", inputs, "--out", out, "--format", "json").returncode == 0
    return inputs, out


def _edit(path, change):
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def _first_scoring(data):
    return next(c for c in data["criteria"] if 0 < c["level"] < c["top_level"])


DAMAGE = {
    "r000": lambda d: d.pop("total"),
    "r001": lambda d: d.update(total="67"),
    "r002": lambda d: d.update(total=d["total"] + 10),  # a hand-edited total: the areas do not add up
    "r003": lambda d: _first_scoring(d).update(level=_first_scoring(d)["top_level"]),  # points do not follow
    "r004": lambda d: d["metadata"].pop("year"),
}


def test_a_damaged_result_or_fingerprint_is_scored_again(scored):
    inputs, out = scored
    before = {p.parent.name: json.loads(p.read_text("utf-8"))["total"] for p in out.glob("*/result.json")}
    for name, damage in DAMAGE.items():
        _edit(out / name / "result.json", damage)
    (out / "r004" / ".fingerprint.json").write_text('{"a": 1}', "utf-8")
    run = cli("score", inputs, "--out", out, "--format", "json")
    assert run.returncode == 0, run.stderr
    assert "已评分 5 份（其中沿用上次结果 0 份）" in run.stdout
    after = {p.parent.name: json.loads(p.read_text("utf-8"))["total"] for p in out.glob("*/result.json")}
    assert after == before
    complete(out, list(before))


@pytest.mark.parametrize(("name", "message"), [
    ("r000", "a damaged result (total is missing)"), ("r001", "a damaged result (total is not a number)"),
    ("r002", "the areas do not add up to the total"), ("r003", "points do not follow level"),
    ("r004", "metadata.year is missing")])
def test_scorer_render_refuses_a_damaged_result_in_one_line(scored_once, tmp_path, name, message):
    out = tmp_path / "out"
    path = out / name / "result.json"
    path.parent.mkdir(parents=True)
    shutil.copy(scored_once[1] / name / "result.json", path)  # `render` reads the result.json alone
    _edit(path, DAMAGE[name])
    run = cli("render", path, "--format", "html")
    assert run.returncode == 2
    assert run.stderr.startswith(f"error: {path}: ") and message in run.stderr
    assert run.stderr.count("\n") == 1 and not (out / name / "scorecard.html").exists()


def test_the_output_folder_is_never_an_input(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for prefix in ("001", "003"):
        shutil.copy(seed(prefix), inputs / f"r{prefix}.txt")
    old = tmp_path / "in" / "old-run"
    assert cli("score", inputs, "--out", old, "--format", "json,html").returncode == 0
    out = inputs / "out"
    for _ in range(2):
        run = cli("score", inputs, "--out", out, "--format", "json,html")
        assert run.returncode == 0, run.stderr
        ranking = complete(out, ["r001", "r003"], ("json", "html"))
        assert ranking["n_scored"] == 2 and ranking["n_failed"] == 0
    assert "已评分 2 份（其中沿用上次结果 2 份）" in run.stdout
    given = cli("score", old, "--out", tmp_path / "elsewhere", "--format", "json")
    assert given.returncode == 1
    assert errors(tmp_path / "elsewhere") == [{"file": str(old), "error": "is an output folder of scorer, not a "
                                                                          "folder of reports; not scored",
                                               "message": "这是 scorer 的输出文件夹，不是报告文件夹，未评分"}]


def test_a_link_loop_is_a_failure_of_its_own_and_the_batch_goes_on(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(report_text(), "utf-8")
    os.symlink("b.txt", inputs / "a.txt")
    os.symlink("a.txt", inputs / "b.txt")
    out = tmp_path / "out"
    run = cli("score", inputs, "--out", out, "--format", "json")
    assert run.returncode == 1, run.stderr
    found = {os.path.basename(e["file"]): e["error"] for e in errors(out)}
    assert found == {"a.txt": LINK_LOOP, "b.txt": LINK_LOOP}
    complete(out, ["good"])
    assert "a.txt：符号链接指向自身（循环链接），未读取" in run.stderr
    alone = cli("inspect", inputs / "a.txt")
    assert alone.returncode == 2 and "leads back to itself" in alone.stderr and "Traceback" not in alone.stderr


@pytest.mark.parametrize("follow", [(), ("--follow-links",)])
def test_a_link_to_nothing_is_called_one_either_way_it_points(tmp_path, follow):
    """Not a file removed while the batch ran, and no use following it with --follow-links."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(report_text(), "utf-8")
    os.symlink(tmp_path / "elsewhere" / "gone.txt", inputs / "outside.txt")
    os.symlink("missing.txt", inputs / "inside.txt")
    out = tmp_path / "out"
    run = cli("score", inputs, "--out", out, "--format", "json", *follow)
    assert run.returncode == 1, run.stderr
    found = {os.path.basename(e["file"]): e["error"] for e in errors(out)}
    assert found == {"outside.txt": LINK_DANGLING, "inside.txt": LINK_DANGLING}
    complete(out, ["good"])
    assert "inside.txt：符号链接的目标不存在，未读取" in run.stderr


def test_a_folder_that_cannot_be_listed_is_a_failure_not_a_silence(tmp_path, monkeypatch):
    from scorer.batch.discover import discover

    (tmp_path / "in" / "locked").mkdir(parents=True)
    (tmp_path / "in" / "good.txt").write_text(report_text(), "utf-8")
    (tmp_path / "in" / "locked" / "x.txt").write_text(report_text("001"), "utf-8")
    scandir = os.scandir

    def denied(path="."):  # what a folder without read permission gives a user who is not root
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    files, problems = discover([tmp_path / "in"])
    assert [f.name for f in files] == ["good.txt"]
    assert [(os.path.basename(p["file"]), p["error"]) for p in problems] == [
        ("locked", "cannot read this folder: Permission denied; its reports were not scored")]
    assert reason_word(problems[0]["error"]) == "无法读取此文件夹：没有读取权限，其中的报告未评分；请检查文件夹的权限"


def test_fifos_devices_links_and_unread_files_are_listed_never_read(tmp_path):
    inputs, outside = tmp_path / "in", tmp_path / "elsewhere"
    inputs.mkdir()
    outside.mkdir()
    (inputs / "good.txt").write_text(report_text(), "utf-8")
    os.mkfifo(inputs / "fifo.txt")
    os.symlink("/dev/zero", inputs / "zero.txt")
    (outside / "far.txt").write_text(report_text("001"), "utf-8")
    os.symlink(outside / "far.txt", inputs / "far.txt")
    with open(inputs / "huge.txt", "wb") as fh:  # sparse: over the limit, never read to hash it
        fh.truncate(60 * 1024 * 1024)
    for name in ("old.doc", "scan.png", "notes.wps"):
        (inputs / name).write_bytes(b"\xd0\xcf\x11\xe0")
    out = tmp_path / "out"
    run = cli("score", inputs, "--out", out, "--format", "json")
    assert run.returncode == 1
    found = {os.path.basename(e["file"]): e["error"] for e in errors(out)}
    assert "not a regular file" in found["fifo.txt"]
    assert "not followed" in found["zero.txt"] and "--follow-links" in found["far.txt"]
    assert "over the 50 MB limit" in found["huge.txt"]
    assert "请另存为 .docx" in found["old.doc"] and "请另存为 .docx" in found["notes.wps"]
    assert "OCR is not supported" in found["scan.png"]
    complete(out, ["good"])
    for name in found:
        assert f"{name}" in run.stderr  # listed in the batch summary too
    followed = cli("score", inputs, "--out", tmp_path / "out2", "--format", "json", "--follow-links")
    found = {os.path.basename(e["file"]): e["error"] for e in errors(tmp_path / "out2")}
    assert "far.txt" not in found and "not a regular file" in found["zero.txt"]
    complete(tmp_path / "out2", ["good", "far"])
    assert followed.returncode == 1


def test_a_reports_fingerprint_is_the_same_from_run_to_run_and_version_to_version():
    """Fingerprints are kept beside results (.fingerprint.json) and compared with those of later
    runs: their values must never change for the same text (CRC32 of 12 letters, 1 in 8 kept)."""
    import hashlib
    import json

    from scorer.copying import fingerprint

    fp = fingerprint(seed("001").read_text("utf-8"))
    assert len(fp) == 777
    assert hashlib.sha256(json.dumps(fp).encode()).hexdigest() == \
        "91c6a2bbc143e2b53867f436ff508ae8b84399d5fbcb16c25e4ee87367485dad"
