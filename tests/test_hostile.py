"""Hostile and broken input: nothing crashes, nothing is lost, nothing is gamed.

Every input here is generated in the test; no large file is committed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from scorer.document import document_from_text, load_document
from scorer.errors import ReportError
from scorer.matcher import match_document
from scorer.normalize import normalize
from scorer.read import read_report
from scorer.rubric import load_rubric
from tests.conftest import ROOT, cli, make_pdf, seed


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory):
    return make_pdf(seed("003").read_text("utf-8")[:2500], tmp_path_factory.mktemp("pdf") / "r.pdf")


def _zip_of(path) -> bytes:
    """A zip archive that is no Word document."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("report.pdf", path.read_bytes())
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        # A PDF, Word document or web page under another suffix is read as what it is (test_read.py).
        ("pdf-cut-as-text.txt", lambda pdf: pdf.read_bytes()[:2000], "damaged or truncated"),
        ("zip-as-text.txt", lambda pdf: _zip_of(pdf), "binary"),
        ("text-as.pdf", lambda pdf: "二〇二三年法治政府建设情况".encode(), "cannot read the PDF"),
        ("text-as.docx", lambda pdf: "二〇二三年法治政府建设情况".encode(), "not a valid .docx"),
        ("truncated.pdf", lambda pdf: pdf.read_bytes()[: len(pdf.read_bytes()) // 2], "damaged or truncated"),
    ],
)
def test_mislabelled_and_damaged_files(tmp_path, small_pdf, name, make, message):
    path = tmp_path / name
    path.write_bytes(make(small_pdf))
    with pytest.raises(ReportError, match=message) as info:
        read_report(path)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def test_encrypted_pdf(tmp_path, small_pdf):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(small_pdf).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    with pytest.raises(ReportError, match="encrypted with a password"):
        read_report(path)


def test_docx_zip_bomb_is_refused_unexpanded(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b"\0" * (1 << 20)
            for _ in range(210):
                fh.write(block)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(ReportError, match="zip bomb"):
        read_report(path)


def test_mixed_encodings_read_with_a_warning(tmp_path):
    lines = seed("001").read_text("utf-8").splitlines()
    path = tmp_path / "mixed.txt"
    path.write_bytes("\n".join(lines[:20]).encode() + b"\n" + lines[20].encode("gbk") + b"\n"
                     + "\n".join(lines[21:]).encode())
    doc = load_document(path)
    assert doc.encoding == "utf-8" and any("mixed encodings" in w for w in doc.warnings)
    assert doc.metadata.region == "东城区"


def test_awkward_file_names_and_a_symlink_loop_in_a_batch(tmp_path):
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    text = seed("003").read_text("utf-8")
    for name in ("a b.txt", "报告 “引号” 'x'.txt", "-rf.txt"):
        (inputs / name).write_text(text, "utf-8")
    os.symlink(inputs, inputs / "sub" / "loop")
    run = cli("score", inputs / "sub" / ".." / "a b.txt", inputs, "--out", tmp_path / "out", "--format", "json")
    out = tmp_path / "out"
    assert run.returncode == 1  # the loop is reported; every report is scored
    errors = json.loads((out / "errors.json").read_text("utf-8"))
    assert any("symlink loop" in e["error"] for e in errors)
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(folders) == 3 and "a_b" in folders and "报告_引号_x" in folders
    for folder in folders:
        assert (out / folder / "result.json").exists()
        assert (out / folder).resolve().parent == out.resolve()


def test_keyword_stuffing_earns_nothing_and_is_flagged(rubric):
    plain = "2023年,某区政府依法行政。\n一、主要举措和成效\n召开区政府常务会会前学法5次。"
    stuffed = plain + ("\n会前学法、述法、执法公示、全过程记录、法制审核、行政复议体制改革、出庭应诉、"
                       "重大行政决策、规范性文件、法律顾问、政务公开、普法、人民调解、放管服、营商环境、"
                       "人大代表建议、政协提案、纳入考核。")
    a = match_document(document_from_text(plain), rubric)
    doc = document_from_text(stuffed)
    b = match_document(doc, rubric)
    assert {k: m.level for k, m in a.items()} == {k: m.level for k, m in b.items()}
    assert "keyword_stuffing" in doc.flag_names()


def test_repeated_sentences_are_flagged_and_add_nothing(rubric):
    once = "2023年,某区政府依法行政。\n一、主要举措和成效\n深入推行行政执法公示制度。"
    doc = document_from_text(once + "\n深入推行行政执法公示制度。" * 6)
    assert "keyword_stuffing" in doc.flag_names()
    # Every copy is flagged, the first too: none can be told from the stuffing.
    assert match_document(doc, rubric)["enforcement.publicity"].level == 0
    assert match_document(document_from_text(once), rubric)["enforcement.publicity"].level == 1


def test_invisible_characters_inside_terms_are_matched_and_flagged(rubric):
    doc = document_from_text("拟制7类公示格式,通过网站公示执\u200b法\u200c信\u2060息。")
    assert match_document(doc, rubric)["enforcement.publicity"].level == 3
    assert "hidden_characters" in doc.flag_names()
    evidence = match_document(doc, rubric)["enforcement.publicity"].evidence[0]
    assert "\u200b" in evidence.quote  # quoted as written


def test_lookalike_letters_are_mapped_and_flagged():
    n = normalize("上线政务服务АPP,Москва")
    assert "APP" in n.text and "Москва" in n.text  # only the mixed word is mapped
    doc = document_from_text("上线政务服务АPP。")
    assert "hidden_characters" in doc.flag_names()


def test_fullwidth_and_compatibility_forms_match(rubric):
    doc = document_from_text("（一）召开常务会会前学法５次。")
    assert match_document(doc, rubric)["duties.study"].level == 3


def test_plans_dressed_as_achievements_keep_their_role(rubric):
    doc = document_from_text("一、主要举措和成效\n召开会议。\n二、2024年工作安排\n已全面完成执法公示120次,成效显著。")
    assert match_document(doc, rubric)["enforcement.publicity"].level == 0


def test_copied_reports_are_flagged_everywhere(batch):
    out = batch["out"]
    ranking = json.loads((out / "ranking.json").read_text("utf-8"))
    entries = {e["file"]: e for g in ranking["groups"] for e in g["entries"]}
    a, b = entries["001_402d724fb869edf1.txt"], entries["001_copy.txt"]
    for entry, other in ((a, b), (b, a)):
        assert "copied_text" in entry["flags"]
        assert entry["copied"][0]["name"] == other["name"] and entry["copied"][0]["share"] > 0.9
        html = (out / entry["name"] / "scorecard.html").read_text("utf-8")
        assert "与他人报告雷同" in html and entry["copied"][0]["passages"][0][:20] in html
    assert "copied_text" not in entries["003_979756853a958e69.txt"]["flags"]
    assert "雷同" in (out / "ranking.csv").read_text("utf-8-sig")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_batch_leaves_no_partial_file_and_resumes(tmp_path, sig):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(8):
        shutil.copy(seed(f"00{i % 5}"), inputs / f"r{i}.txt")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "scorer", "score", str(inputs), "--out", str(out), "--jobs", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(out.glob("*/result.json")):
        time.sleep(0.05)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, stderr
    assert "再次运行同一命令即可接着评分" in stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    for result in out.glob("*/result.json"):
        json.loads(result.read_text("utf-8"))  # complete, never half-written
    done = len(list(out.glob("*/result.json")))
    assert 1 <= done < 8
    again = cli("score", inputs, "--out", out, "--format", "json")
    assert again.returncode == 0
    assert f"已评分 8 份（其中沿用上次结果 {done} 份）" in again.stdout


def test_outputs_are_replaced_atomically(tmp_path, monkeypatch):
    from scorer import files as files_module

    target = tmp_path / "x.json"
    files_module.write_atomic(target, "old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(files_module.os, "replace", broken_replace)
    with pytest.raises(files_module.WriteError, match=f"cannot write {target}: disk full"):
        files_module.write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_a_report_cannot_inject_markup_into_the_index_page(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "x.txt").write_text("2023年,</script><script>alert(1)</script>区政府依法行政。\n一、主要举措\n普法讲座5场。",
                                  "utf-8")
    run = cli("score", inputs, "--out", tmp_path / "o", "--format", "json")
    assert run.returncode == 0
    page = (tmp_path / "o" / "index.html").read_text("utf-8")
    assert "<script>alert(1)" not in page


def test_report_is_quoted_even_when_huge_lines(tmp_path, rubric):
    text = "2023年,某区政府依法行政。\n一、主要举措和成效\n" + "召开常务会会前学法5次," * 2000 + "。"
    doc = document_from_text(text)
    m = match_document(doc, rubric)["duties.study"]
    assert m.level == 3 and len(m.evidence[0].quote) <= 130


def test_bad_input_never_shows_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [\n", "utf-8")
    for args in (["score", str(tmp_path / "none.txt"), "--out", str(tmp_path)],
                 ["score", str(seed("003")), "--rubric", str(bad), "--out", str(tmp_path)],
                 ["score", str(seed("003")), "--format", "docx", "--out", str(tmp_path)],
                 ["score", str(seed("003")), "--group-by", "month", "--out", str(tmp_path)],
                 ["render", str(seed("003"))]):
        run = cli(*args)
        assert run.returncode in (1, 2), args
        assert "Traceback" not in run.stderr and run.stderr.strip(), args


def test_ctrl_c_while_the_command_starts_exits_130_without_a_traceback(monkeypatch):
    """The imports take a moment: an interrupt among them ends the command as one later does."""
    import importlib.abc

    from scorer import __main__ as entry

    class InterruptedImport(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "scorer.cli":
                raise KeyboardInterrupt
            return None

    monkeypatch.delitem(sys.modules, "scorer.cli", raising=False)
    monkeypatch.setattr(sys, "meta_path", [InterruptedImport(), *sys.meta_path])
    with pytest.raises(SystemExit) as exc:
        entry.main()
    assert exc.value.code == 130
