"""What a fresh `scorer` process loads: only what its command needs (no timing here; the
times are in tools/bench_cold.py), and the caches that spare a start its work: they give
the same results as no cache, survive damage and stay off when asked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, seed

OUTPUT_LIBRARIES = {"weasyprint", "openpyxl", "jinja2", "flask", "docx", "pypdf", "trafilatura"}

# Runs a command in this process, then prints what it imported and what the tokenizer read.
PROBE = """
import json, sys
from scorer.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
from scorer import tokens
tops = sorted({m.split('.')[0] for m in sys.modules})
words = [t for t in (tokens._current.get(),) if t is not None]
base = tokens.base_dictionary.cache_info().currsize and tokens.base_dictionary()
print(json.dumps({"modules": tops, "jieba_initialized": bool("jieba" in sys.modules and sys.modules["jieba"].dt.initialized),
                  "entries": words[0].entries if words else 0,
                  "buckets": bool(base) and base.whole is None}), file=sys.stderr)
"""


def _run(args: list, cache, *, probe: bool = True) -> tuple[subprocess.CompletedProcess, dict]:
    env = {**os.environ, "SCORER_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-c", PROBE] if probe else [sys.executable, "-m", "scorer"]
    run = subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    if not probe:
        return run, {}
    return run, json.loads(run.stderr.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """A cache folder filled by one run, as a user's second run finds it."""
    folder = tmp_path_factory.mktemp("cache")
    _run(["explain", seed("001")], folder)
    return folder


def test_explain_loads_no_output_library_nor_the_rubric_reader(cache):
    run, seen = _run(["explain", seed("001")], cache)
    assert "总分" in run.stdout
    assert OUTPUT_LIBRARIES.isdisjoint(seen["modules"])
    assert "yaml" not in seen["modules"]  # the rubric came from its cache
    assert "pydantic" not in seen["modules"]  # typer is held below 0.29, which converts options through it
    # the dictionary is read in buckets, a small part of it, and jieba's own never loads
    assert seen["buckets"] and 0 < seen["entries"] < 100_000 and not seen["jieba_initialized"]


def test_score_as_json_loads_no_pdf_nor_reader_library(cache, tmp_path):
    run, seen = _run(["score", seed("001"), "--out", tmp_path / "out", "--format", "json", "--jobs", "1"], cache)
    assert run.returncode == 0 and (tmp_path / "out" / "ranking.json").is_file()
    # ranking.xlsx and index.html are written by every batch: openpyxl and jinja2 may load
    assert (OUTPUT_LIBRARIES - {"openpyxl", "jinja2"}).isdisjoint(seen["modules"])


def test_no_segmentation_no_jieba(cache, tmp_path):
    """Reading a report needs no word segmentation; scoring one whose text holds none of
    the rubric's words needs none either."""
    _, seen = _run(["inspect", seed("001")], cache)
    assert "jieba" not in seen["modules"]
    report = tmp_path / "report.txt"
    report.write_text("某某区2023年度工作报告\n今年天气晴朗，春天来得很早。\n", "utf-8")
    run, seen = _run(["explain", report], cache)
    assert "总分" in run.stdout and "jieba" not in seen["modules"]


def test_the_caches_change_nothing_and_survive_damage(cache, tmp_path):
    report = seed("002")
    without, _ = _run(["explain", report], "off", probe=False)
    with_cache, _ = _run(["explain", report], cache, probe=False)
    assert without.returncode == 0 and with_cache.stdout == without.stdout
    damaged = tmp_path / "damaged"
    for run_number in range(2):  # built, then damaged in every file and built again
        for file in damaged.rglob("*") if run_number else ():
            if file.is_file():
                file.write_bytes(file.read_bytes()[: file.stat().st_size // 2] + b"\x00garbage")
        run, _ = _run(["explain", report], damaged, probe=False)
        assert run.returncode == 0 and run.stdout == without.stdout, run.stderr
    assert {p.parent.name for p in damaged.rglob("*.*")} == {"documents", "jieba", "rubrics"}


def test_cache_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    run, _ = _run(["explain", seed("000")], "off", probe=False)
    assert run.returncode == 0 and not list(tmp_path.rglob("*.buckets")) and not list(tmp_path.rglob("*.pickle"))


def test_a_cached_rubric_follows_every_file_of_its_chain(tmp_path):
    """An edit to the parent of a cached rubric is seen, though the child is unchanged."""
    base = (ROOT / "rubrics" / "fazhi-annual.yaml").read_text("utf-8")
    (tmp_path / "parent.yaml").write_text(base, "utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent.yaml\nid: child\nversion: '1'\n", "utf-8")
    check = [sys.executable, "-m", "scorer", "rubric", "check", child]
    env = {**os.environ, "SCORER_CACHE_DIR": str(tmp_path / "cache")}
    first = subprocess.run(check, capture_output=True, text=True, env=env, cwd=ROOT)
    assert first.returncode == 0 and list((tmp_path / "cache" / "rubrics").glob("*.pickle"))
    (tmp_path / "parent.yaml").write_text(base.replace("title:", "title: 改过的", 1), "utf-8")
    second = subprocess.run([sys.executable, "-c", "import sys; from scorer.rubric import load_rubric; "
                             "print(load_rubric(sys.argv[1]).title)", child],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    assert second.stdout.startswith("改过的"), second.stderr


def test_bucketed_dictionary_cuts_as_the_whole_one(tmp_path, monkeypatch):
    """jieba over the buckets a text reaches cuts every line of the seeds as jieba over
    its whole dictionary does, with the rubric's words added the same way."""
    monkeypatch.setenv("SCORER_CACHE_DIR", str(tmp_path))
    from scorer import tokens
    from scorer.occurrences import rubric_words
    from scorer.rubric import load_rubric

    tokens.base_dictionary.cache_clear()
    try:
        tokens.base_dictionary()  # builds the cache file
        tokens.base_dictionary.cache_clear()
        assert tokens.base_dictionary().whole is None
        words = rubric_words(load_rubric()).tokenizer.words
        bucketed, plain = tokens.Tokenizer(words), tokens.Tokenizer(frozenset())
        whole_freq, total = tokens._whole()
        reference = tokens._jieba().Tokenizer()
        reference.FREQ, reference.total, reference.initialized = dict(whole_freq), total, True
        for word in sorted(words):
            reference.add_word(word, freq=max(reference.suggest_freq(word, tune=False), 1000))
        plain_reference = tokens._jieba().Tokenizer()
        plain_reference.FREQ, plain_reference.total, plain_reference.initialized = whole_freq, total, True
        lines = [line for p in sorted((ROOT / "seeds").glob("*.txt")) for line in p.read_text("utf-8").splitlines()]
        for line in lines:
            assert bucketed.cut(line) == reference.lcut(line, HMM=True), line
            assert plain.cut(line) == plain_reference.lcut(line, HMM=True), line
        assert bucketed.entries < len(reference.FREQ) / 2
    finally:
        tokens.base_dictionary.cache_clear()  # the next test reads the default cache again


class _Forged:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def test_a_forged_rubric_entry_runs_nothing(tmp_path, monkeypatch):
    """The rubric cache may be a shared folder: an entry that would call a function is a
    miss, and the rubric is built from its file."""
    import pickle

    from scorer import rubric

    monkeypatch.setenv("SCORER_CACHE_DIR", str(tmp_path / "cache"))
    path = ROOT / "rubrics" / "fazhi-annual.yaml"
    entry = rubric._cache_file(str(path.resolve()))
    entry.parent.mkdir(parents=True)
    marker = tmp_path / "ran"
    entry.write_bytes(pickle.dumps(("scorer-rubric/1", rubric._code_stamp(), [], _Forged(marker))))
    rubric._load_cached.cache_clear()
    try:
        loaded = rubric.load_rubric(path)
    finally:
        rubric._load_cached.cache_clear()
    assert not marker.exists() and loaded.id == "fazhi-annual"
    assert rubric._read_cache(str(path.resolve())) == loaded  # the entry built in its place serves


def test_a_batch_imports_the_exports_libraries_only_while_its_workers_score(tmp_path):
    """The parent forks its workers once the batch's code is imported; Jinja2 and openpyxl,
    which only the exports need, come after (exports.prepare), and index.html's template is
    compiled then too, so that a one-report run does not wait for them."""
    probe = ("import sys, scorer.batch.pipeline; "
             "print(sorted({'jinja2', 'openpyxl', 'weasyprint'} & {m.split('.')[0] for m in sys.modules}))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.stdout.strip() == "[]", run.stderr

    from scorer import exports, render

    broken = tmp_path / "broken"  # an evaluator's template with an error: reported where it is used
    broken.mkdir()
    (broken / "index.html.j2").write_text("{% if %}", encoding="utf-8")
    render._environment.cache_clear()  # no template compiled by an earlier test of this process
    exports.prepare(broken)
    exports.prepare(None)
    for folder, ready in ((None, True), (broken, False)):
        env = render._environment(tuple(render.template_dirs(folder)))
        assert any(key[1] == "index.html.j2" for key in env.cache) is ready
