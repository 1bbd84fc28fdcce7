"""The document cache: a hit is the Document reading builds, anything else is a miss."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import shutil
import sys
import zlib
from pathlib import Path

import pytest
from conftest import SEEDS, cli, seed

from scorer import doccache
from scorer.document import load_document as read_document
from scorer.result import build_result
from scorer.rubric import load_rubric
from scorer.scoring import score_document


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    """Every test here caches under its own tmp_path, never in the home folder."""
    monkeypatch.setenv("SCORER_CACHE_DIR", str(tmp_path / "cache"))
    doccache._unwritable.clear()
    doccache._written.update(bytes=0, pruned=False)
    yield tmp_path / "cache" / "documents"
    doccache._unwritable.clear()
    doccache.code_key.cache_clear()


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The paths the cache had to read (its misses)."""
    seen: list[str] = []

    def counted(path, sha=None):
        seen.append(str(path))
        return read_document(path, sha)

    monkeypatch.setattr(doccache, "read_document", counted)
    return seen


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*" + doccache.SUFFIX)) if folder.exists() else []


def _scored(doc, rubric):
    result = build_result(doc, rubric, score_document(doc, rubric))
    return result["total"], [(c["id"], c["level"], c["points"], c["evidence"]) for c in result["criteria"]]


def test_a_hit_is_the_document_reading_builds_with_the_same_levels_evidence_and_totals(cache, reads):
    rubric = load_rubric()
    for path in sorted(SEEDS.glob("*.txt")):
        first = doccache.load_document(path)
        again = doccache.load_document(path)
        plain = read_document(path)
        assert first == again == plain
        assert _scored(again, rubric) == _scored(plain, rubric)
    assert len(reads) == len(_entries(cache)) == len(list(SEEDS.glob("*.txt")))  # the second load read nothing


def test_storing_leaves_no_copy_of_the_texts_behind_and_keeps_them_one_string(tmp_path, cache):
    # pickle keeps the UTF-8 form of a string it writes inside that string: a Document's texts
    # would each hold a second copy while the report is matched (sys.getsizeof counts it).
    doc = read_document(seed("001"))
    assert doc.original is doc.norm.text is doc.match_text
    size = sys.getsizeof(doc.original)
    doccache.store(tmp_path / "x.entry", "k" * 64, doc)
    assert sys.getsizeof(doc.original) == size
    again = doccache._read_entry(tmp_path / "x.entry", "k" * 64, doc.sha256)
    assert again == doc and again.original is again.norm.text is again.match_text
    # where the texts differ, each comes back as it was
    masked = dataclasses.replace(doc, match_text=doc.match_text.replace("法治", "＊＊"))
    doccache.store(tmp_path / "y.entry", "k" * 64, masked)
    assert doccache._read_entry(tmp_path / "y.entry", "k" * 64, doc.sha256) == masked


def test_the_same_bytes_under_another_name_or_kind(tmp_path, cache, reads):
    copy = tmp_path / "renamed.txt"
    shutil.copy(seed("001"), copy)
    doccache.load_document(seed("001"))
    assert doccache.load_document(copy).path == str(copy)  # a hit, with its own name
    assert len(reads) == 1
    html = tmp_path / "page.html"
    shutil.copy(seed("001"), html)
    assert doccache.load_document(html) == read_document(html)  # another reader: another entry
    assert len(reads) == 2 and len(_entries(cache)) == 2


def test_a_changed_file_misses(tmp_path, cache, reads):
    path = tmp_path / "r.txt"
    path.write_text(seed("001").read_text("utf-8"), "utf-8")
    doccache.load_document(path)
    path.write_text(seed("001").read_text("utf-8") + "\n另开展普法讲座12场。", "utf-8")
    doc = doccache.load_document(path)
    assert doc == read_document(path) and "普法讲座12场" in doc.original
    assert len(reads) == 2 and len(_entries(cache)) == 2


def test_another_scorer_version_misses(cache, reads, monkeypatch):
    doccache.load_document(seed("001"))
    monkeypatch.setattr(doccache, "__version__", "9.9.9")
    doccache.code_key.cache_clear()
    doccache.load_document(seed("001"))
    assert len(reads) == 2 and len(_entries(cache)) == 2


def test_the_key_follows_the_code_that_reads_not_the_code_that_matches():
    names = {p.name for p in doccache.reading_sources(Path(doccache.__file__).parent)}
    assert {"document.py", "read.py", "read_html.py", "normalize.py", "hygiene.py", "structure.py", "metadata.py",
            "places.py"} <= names  # read_html is imported lazily, places through `from . import`
    assert not names & {"matcher.py", "levels.py", "figures.py", "clauses.py", "scoring.py", "result.py",
                        "rubric.py", "cli.py"}


def _forged(entry: Path, payload: bytes) -> None:
    """An entry with a valid header and digest around any payload."""
    key = entry.name.removesuffix(doccache.SUFFIX)
    entry.write_bytes(doccache.FORMAT + key.encode() + b"\n" + hashlib.sha256(payload).digest() + payload)


class _Shell:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign", "empty", "other_key", "not_a_document",
                                    "code", "other_report"])
def test_a_damaged_truncated_or_foreign_entry_is_a_miss(tmp_path, cache, reads, damage, monkeypatch):
    monkeypatch.chdir(tmp_path)
    doccache.load_document(seed("001"))
    [entry] = _entries(cache)
    blob = entry.read_bytes()
    if damage == "truncated":
        entry.write_bytes(blob[: len(blob) // 2])
    elif damage == "flipped":
        entry.write_bytes(blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:])
    elif damage == "foreign":
        entry.write_bytes(b"\x80\x04K\x01.")  # a pickle of someone else's
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "other_key":
        entry.write_bytes(blob.replace(entry.stem.encode(), b"0" * 64, 1))
    elif damage == "not_a_document":
        _forged(entry, zlib.compress(pickle.dumps({"sha256": "x"})))
    elif damage == "code":
        _forged(entry, zlib.compress(pickle.dumps(_Shell())))
    else:  # a valid entry of another report under this one's key
        _forged(entry, zlib.compress(pickle.dumps(read_document(seed("003")))))
    doc = doccache.load_document(seed("001"))
    assert doc == read_document(seed("001"))
    assert len(reads) == 2 and not (tmp_path / "pwned").exists()
    assert entry.read_bytes() == blob  # written again, whole
    assert doccache.load_document(seed("001")) == doc and len(reads) == 2


def test_an_unwritable_cache_folder_still_scores(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SCORER_CACHE_DIR", str(blocker))  # its documents/ cannot be made, even by root
    assert doccache.load_document(seed("001")) == read_document(seed("001"))
    assert doccache.cache_dir() in doccache._unwritable  # not tried again for every report
    run = cli("score", seed("001"), seed("003"), "--out", tmp_path / "out", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert "cache" not in run.stderr
    assert len(list((tmp_path / "out").glob("*/result.json"))) == 2


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORER_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert doccache.cache_dir() is None
    assert doccache.load_document(seed("001")) == read_document(seed("001"))
    run = cli("score", seed("001"), "--out", tmp_path / "out", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert not list(tmp_path.rglob("*" + doccache.SUFFIX)) and not list(tmp_path.rglob("documents"))


def test_the_default_folder_is_the_platform_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("SCORER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert doccache.cache_dir() == tmp_path / "xdg" / "scorer" / "documents"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # not absolute: ignored, as the standard says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert doccache.cache_dir() == tmp_path / "home" / ".cache" / "scorer" / "documents"


def test_the_size_bound_evicts_the_entries_used_longest_ago(tmp_path, cache):
    paths = sorted(SEEDS.glob("*.txt"))
    for k, path in enumerate(paths):
        doccache.load_document(path)
        entry = doccache.cache_dir() / (doccache.entry_key(hashlib.sha256(path.read_bytes()).hexdigest(), ".txt")
                                        + doccache.SUFFIX)
        os.utime(entry, (1_000_000 + k, 1_000_000 + k))  # the first seed used longest ago
    doccache.load_document(paths[0])  # a hit: now the most recent
    sizes = {e.name: e.stat().st_size for e in _entries(cache)}
    leftover = cache / ".x.entry.1234.tmp"
    leftover.write_bytes(b"x")
    os.utime(leftover, (1_000_000, 1_000_000))
    limit = sum(sizes.values()) - 1
    doccache.prune(cache, limit)
    kept = [e.name for e in _entries(cache)]
    assert sum(sizes[n] for n in kept) <= limit * 0.8 and not leftover.exists()
    first = doccache.entry_key(hashlib.sha256(paths[0].read_bytes()).hexdigest(), ".txt") + doccache.SUFFIX
    assert first in kept and len(kept) < len(paths)


def test_writing_keeps_the_folder_within_its_bound(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(doccache, "MAX_BYTES", 40_000)
    monkeypatch.setattr(doccache, "PRUNE_EVERY", 1)
    for k in range(12):
        path = tmp_path / f"r{k}.txt"
        path.write_text(seed("001").read_text("utf-8") + f"\n开展普法讲座{k}场。", "utf-8")
        doccache.load_document(path)
        assert sum(e.stat().st_size for e in _entries(cache)) <= 40_000
    assert _entries(cache)


def test_the_code_key_is_remembered_while_no_file_of_the_package_changes(cache, monkeypatch):
    doccache.code_key.cache_clear()
    real = doccache.code_key()
    memo = cache.parent / "code-key"
    stamp, key = memo.read_text("ascii").split()
    assert key == real
    hashed = []
    monkeypatch.setattr(doccache, "reading_sources", lambda package: hashed.append(package) or [])
    doccache.code_key.cache_clear()
    assert doccache.code_key() == real and hashed == []  # the files were not read again
    monkeypatch.setattr(doccache, "_stamp", lambda *a: "0" * 64)  # as if a file of the package changed
    doccache.code_key.cache_clear()
    assert doccache.code_key() != real and hashed  # worked out again (here without the sources)
    assert memo.read_text("ascii").split()[0] == "0" * 64
    memo.write_text("damaged", "ascii")
    monkeypatch.undo()
    monkeypatch.setenv("SCORER_CACHE_DIR", str(cache.parent))
    doccache.code_key.cache_clear()
    assert doccache.code_key() == real
