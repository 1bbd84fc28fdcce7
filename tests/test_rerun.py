"""Re-running a batch: an output whose inputs did not change is not written again (the same
inode and mtime, not a timing), and every change (a report edited, added or removed, another
rubric, --group-by, review.yaml, a template, an export deleted or edited by hand) writes again
exactly what depends on it, with the bytes a fresh run gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scorer.review import Entry, Record, save_review
from tests.conftest import ROOT, SEEDS, cli

EXPORTS = ("ranking.json", "errors.json", "ranking.csv", "ranking.xlsx", "index.html")
KEYS = (".exports-key", ".results-index")
SEED_NAMES = sorted(p.stem for p in SEEDS.glob("*.txt"))
OTHER_RUBRIC = ROOT / "rubrics" / "examples" / "gangyao-balanced.yaml"


def _inputs(folder: Path, names=SEED_NAMES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SEEDS / f"{name}.txt", folder / f"{name}.txt")
    return folder


def _score(inputs: Path, out: Path, *extra):
    run = cli("score", inputs, "--out", out, "--format", "json", "--jobs", "2", *extra)
    assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="module")
def _scored_once(tmp_path_factory):
    """The seeds scored (JSON) once, in a folder of their own, and a copy of that folder kept aside."""
    home = tmp_path_factory.mktemp("rerun")
    _score(_inputs(home / "in"), home / "out")
    kept = tmp_path_factory.mktemp("rerun-kept") / "home"
    shutil.copytree(home, kept, symlinks=True)
    return home, kept


@pytest.fixture
def batch(_scored_once):
    """The seeds as scored, for this test alone: the kept copy put back where it was scored (a
    result holds its input's path, so a batch copied elsewhere would not give a fresh run's bytes),
    with the same bytes and mtimes (copytree copies with copy2)."""
    home, kept = _scored_once
    shutil.rmtree(home)
    shutil.copytree(kept, home, symlinks=True)
    return home / "in", home / "out"


def _stamps(out: Path) -> dict[str, tuple[int, int]]:
    """Each output's inode and mtime: write_atomic renames a new file in, so a write changes both."""
    paths = [*(out / n for n in EXPORTS + KEYS), *out.glob("*/result.json"), *out.glob("*/.fingerprint.json")]
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths if p.exists()}


def _rewritten(before: dict[str, tuple[int, int]], out: Path) -> set[str]:
    after = _stamps(out)
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def _same_as_fresh(inputs: Path, out: Path, tmp_path: Path, *extra) -> None:
    """Every export and result of `out` has the bytes a run into an empty folder gives."""
    fresh = tmp_path / "fresh"
    _score(inputs, fresh, *extra)
    for name in EXPORTS:
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name
    for result in fresh.glob("*/result.json"):
        assert (out / result.relative_to(fresh)).read_bytes() == result.read_bytes(), result


def test_an_unchanged_rerun_writes_nothing(batch):
    inputs, out = batch
    before = _stamps(out)
    assert set(EXPORTS + KEYS) <= before.keys()
    run = _score(inputs, out)
    assert _rewritten(before, out) == set()
    assert "已评分 5 份（其中沿用上次结果 5 份）" in run.stdout
    assert "排名文件：内容未变、未重写 ranking.json、errors.json、ranking.csv、ranking.xlsx、index.html" in run.stdout


def test_an_edited_report_rewrites_its_result_and_the_ranking_but_not_errors_json(batch, tmp_path):
    inputs, out = batch
    before = _stamps(out)
    edited = inputs / f"{SEED_NAMES[0]}.txt"
    text = edited.read_text("utf-8")
    edited.write_text(text[:len(text) // 2], "utf-8")  # half the report: a lower total
    run = _score(inputs, out)
    assert "已评分 5 份（其中沿用上次结果 4 份）" in run.stdout
    changed = _rewritten(before, out)
    assert {f"{SEED_NAMES[0]}/result.json", f"{SEED_NAMES[0]}/.fingerprint.json"} <= changed
    assert not {f"{n}/result.json" for n in SEED_NAMES[1:]} & changed
    assert {"ranking.json", "ranking.csv", "ranking.xlsx", "index.html", *KEYS} <= changed
    assert "errors.json" not in changed  # no failure before or after: what it shows did not change
    assert "排名文件：已写入 ranking.json、ranking.csv、ranking.xlsx、index.html；内容未变、未重写 errors.json" in run.stdout
    _same_as_fresh(inputs, out, tmp_path)


def test_a_report_added_or_removed_rewrites_the_ranking(batch, tmp_path):
    inputs, out = batch
    copied = SEED_NAMES[1]
    shutil.copy(SEEDS / f"{copied}.txt", inputs / "added.txt")  # a copy: its original's result records it
    before = _stamps(out)
    assert "已评分 6 份（其中沿用上次结果 5 份）" in _score(inputs, out).stdout
    changed = _rewritten(before, out)
    assert {"ranking.json", "ranking.csv", "ranking.xlsx", "index.html", *KEYS} <= changed
    assert {f"{n}/result.json" for n in SEED_NAMES} & changed == {f"{copied}/result.json"}
    assert "copied_text" in (out / copied / "result.json").read_text("utf-8")
    _same_as_fresh(inputs, out, tmp_path / "added")
    (inputs / "added.txt").unlink()
    (inputs / f"{SEED_NAMES[2]}.txt").unlink()
    before = _stamps(out)
    assert "已评分 4 份（其中沿用上次结果 4 份）" in _score(inputs, out).stdout
    changed = _rewritten(before, out)
    assert {"ranking.json", "ranking.csv", "ranking.xlsx", "index.html", *KEYS} <= changed
    assert {f"{n}/result.json" for n in SEED_NAMES} & changed == {f"{copied}/result.json"}  # the copy is gone
    _same_as_fresh(inputs, out, tmp_path / "removed")


def test_a_failure_rewrites_errors_json_and_its_repair_rewrites_it_again(batch, tmp_path):
    inputs, out = batch
    (inputs / "broken.docx").write_bytes(b"this is not a zip archive")
    before = _stamps(out)
    args = ("score", inputs, "--out", out, "--format", "json", "--jobs", "2")
    assert cli(*args).returncode == 1
    assert {"errors.json", "ranking.json"} <= _rewritten(before, out)
    assert "broken.docx" in (out / "errors.json").read_text("utf-8")
    fresh = tmp_path / "fresh"
    assert cli("score", inputs, "--out", fresh, "--format", "json", "--jobs", "2").returncode == 1
    assert all((out / n).read_bytes() == (fresh / n).read_bytes() for n in EXPORTS)
    (inputs / "broken.docx").unlink()
    before = _stamps(out)
    _score(inputs, out)
    assert {"errors.json", "ranking.json"} <= _rewritten(before, out)
    assert json.loads((out / "errors.json").read_text("utf-8")) == []


def test_another_rubric_rescores_and_rewrites_everything(batch, tmp_path):
    inputs, out = batch
    before = _stamps(out)
    assert "已评分 5 份（其中沿用上次结果 0 份）" in _score(inputs, out, "--rubric", OTHER_RUBRIC).stdout
    assert {"ranking.json", "ranking.csv", "ranking.xlsx", "index.html", *KEYS} <= _rewritten(before, out)
    _same_as_fresh(inputs, out, tmp_path, "--rubric", OTHER_RUBRIC)
    before = _stamps(out)
    assert "已评分 5 份（其中沿用上次结果 0 份）" in _score(inputs, out).stdout  # and back
    assert {"ranking.json", "ranking.xlsx", *KEYS} <= _rewritten(before, out)
    _same_as_fresh(inputs, out, tmp_path / "back")


def test_group_by_rewrites_the_ranking_and_reuses_every_result(batch, tmp_path):
    inputs, out = batch
    before = _stamps(out)
    assert "已评分 5 份（其中沿用上次结果 5 份）" in _score(inputs, out, "--group-by", "none").stdout
    assert _rewritten(before, out) == {"ranking.json", "ranking.csv", "ranking.xlsx", "index.html", ".exports-key"}
    assert json.loads((out / "ranking.json").read_text("utf-8"))["group_by"] == "none"
    _same_as_fresh(inputs, out, tmp_path, "--group-by", "none")


@pytest.mark.parametrize("name", EXPORTS)
def test_an_export_deleted_or_edited_by_hand_is_written_again_alone(batch, tmp_path, name):
    inputs, out = batch
    for damage in ("delete", "edit"):
        good = (out / name).read_bytes()
        if damage == "delete":
            (out / name).unlink()
        else:
            (out / name).write_bytes(good[:-1] + b"x")
        before = _stamps(out)
        _score(inputs, out)
        assert _rewritten(before, out) == {name}  # .exports-key holds the same key and sha256 again
        assert (out / name).read_bytes() == good


def test_a_changed_review_record_rewrites_what_follows_from_it(batch, tmp_path):
    inputs, out = batch
    result = json.loads((out / SEED_NAMES[0] / "result.json").read_text("utf-8"))
    entry = Entry(file=result["input"]["file"], sha256=result["input"]["sha256"], criterion="duties.study",
                  reason="只有原则性表述", reviewer="张三", at="2026-03-02T10:00:00+08:00", level=1)
    save_review(out / "review.yaml", Record((entry,)))
    before = _stamps(out)
    assert "已评分 5 份（其中沿用上次结果 4 份）" in _score(inputs, out).stdout
    changed = _rewritten(before, out)
    assert {f"{SEED_NAMES[0]}/result.json", "ranking.json", "ranking.xlsx", *KEYS} <= changed
    assert not {f"{n}/result.json" for n in SEED_NAMES[1:]} & changed
    (tmp_path / "fresh").mkdir()
    shutil.copy(out / "review.yaml", tmp_path / "fresh" / "review.yaml")  # the fresh run applies it too
    _same_as_fresh(inputs, out, tmp_path)
    before = _stamps(out)
    _score(inputs, out)
    assert _rewritten(before, out) == set()  # the record unchanged: nothing to do


def test_a_template_change_rewrites_index_html_alone(batch, tmp_path):
    inputs, out = batch
    templates = tmp_path / "templates"
    templates.mkdir()
    page = (ROOT / "templates" / "index.html.j2").read_text("utf-8")
    (templates / "index.html.j2").write_text(page.replace("</body>", "<!-- 本地模板 --></body>"), "utf-8")
    before = _stamps(out)
    _score(inputs, out, "--template-dir", templates)
    assert _rewritten(before, out) == {"index.html", ".exports-key"}
    assert "本地模板" in (out / "index.html").read_text("utf-8")
    _same_as_fresh(inputs, out, tmp_path, "--template-dir", templates)


def test_a_new_scorer_version_rescores_and_rewrites_everything(batch, monkeypatch):
    """Workers are forked from this process: they build results with the patched version too."""
    import scorer.batch.pipeline
    import scorer.exports
    import scorer.result

    inputs, out = batch
    before = _stamps(out)
    for module in (scorer.batch.pipeline, scorer.result):
        monkeypatch.setattr(module, "__version__", "99.0")
    monkeypatch.setattr(scorer.exports, "scorer_key", lambda: "another scorer")
    assert "已评分 5 份（其中沿用上次结果 0 份）" in _score(inputs, out).stdout
    assert set(EXPORTS + KEYS) <= _rewritten(before, out)


def test_a_scorer_changed_under_the_same_version_rewrites_the_exports(batch, monkeypatch):
    """Its source or a library that writes the exports changed: every result is read and checked
    again (and reused), every export written again."""
    import scorer.exports

    inputs, out = batch
    before = _stamps(out)
    monkeypatch.setattr(scorer.exports, "scorer_key", lambda: "another build")
    assert "已评分 5 份（其中沿用上次结果 5 份）" in _score(inputs, out).stdout
    assert _rewritten(before, out) == set(EXPORTS + KEYS)


def test_a_result_edited_by_hand_is_scored_again_though_indexed(batch, tmp_path):
    inputs, out = batch
    path = out / SEED_NAMES[0] / "result.json"
    good = path.read_bytes()
    path.write_bytes(good.replace(b'"total": ', b'"total": 1', 1))  # still JSON, its sums now off
    assert "已评分 5 份（其中沿用上次结果 4 份）" in _score(inputs, out).stdout
    assert path.read_bytes() == good
    (out / ".results-index").write_bytes(b"damaged")
    before = _stamps(out)
    assert "已评分 5 份（其中沿用上次结果 5 份）" in _score(inputs, out).stdout  # checked one by one again
    assert _rewritten(before, out) == {".results-index"}
    _same_as_fresh(inputs, out, tmp_path)


def test_ranking_pdf_is_rendered_only_when_its_ranking_changed(tmp_path):
    inputs = _inputs(tmp_path / "in", SEED_NAMES[:2])
    out = tmp_path / "out"
    args = ("score", inputs, "--out", out, "--format", "json,pdf", "--jobs", "2")
    assert cli(*args).returncode == 0
    pdf = (out / "ranking.pdf").stat()
    assert cli(*args).returncode == 0
    assert (out / "ranking.pdf").stat().st_ino == pdf.st_ino
    shutil.copy(SEEDS / f"{SEED_NAMES[2]}.txt", inputs / "added.txt")
    run = _score(inputs, out)  # JSON only: the ranking.pdf there shows the ranking before
    assert not (out / "ranking.pdf").exists() and "ranking.pdf" in run.stderr
    assert cli(*args).returncode == 0 and (out / "ranking.pdf").exists()
    pdf = (out / "ranking.pdf").stat()
    _score(inputs, out)  # JSON only, the ranking unchanged: the PDF shows it still
    assert (out / "ranking.pdf").stat().st_ino == pdf.st_ino
