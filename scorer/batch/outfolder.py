"""The output folder of a batch: checked before any work (a file, or a folder that cannot
be written, is refused at once rather than after scoring), locked for the run (two runs
into one folder would mix their ranking files), and kept from showing stale scorecards
(a scorecard whose result.json changed since it was rendered, in a format this run does
not render, is removed: it would show another rubric's or an older run's scores).

It also keeps the index of the results the last run checked or wrote (`.results-index`):
per report folder, the sha256 of its result.json, the input's sha256, the review key and
the summary ranking needs. A re-run takes a report's summary from it when result.json's
bytes are still the ones indexed, instead of reading and checking every result again; the
index is for one scorer (exports.scorer_key: its version, source and libraries) and one rubric,
and is ignored when damaged."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ..errors import UserError
from ..files import show_name, write_atomic
from .discover import LOCK

SHOWN_RESULT = ".scorecard-result"  # beside the scorecards: the sha256 of the result.json they show
SCORECARD_FORMATS = ("html", "pdf")


def refuse_inputs_as_out(paths: tuple[Path, ...], out: Path) -> None:
    """An output folder that is, or holds, the reports given: they would be refused as output
    (scorer never reads its own folder), and a folder of reports would become an output folder
    later runs refuse to read. Refused before anything is written; an output folder inside a
    folder of reports is fine (it is skipped when that folder is read)."""
    target = os.path.realpath(out)
    for path in paths:
        where = os.path.realpath(path)
        if where == target or where.startswith(target.rstrip(os.sep) + os.sep):
            if where == target and path.is_dir():
                raise UserError("--out is the folder of reports itself; scorer would write its ranking and "
                                "results among them: choose another folder (e.g. --out out)", path=show_name(str(out)))
            raise UserError(f"--out holds the reports given ({show_name(str(path))}), and scorer never reads its "
                            "own output folder: choose a folder outside them (e.g. --out out)", path=show_name(str(out)))


@contextmanager
def locked_out(out: Path) -> Iterator[None]:
    """The output folder, created if need be, writable and held by this run alone."""
    where = show_name(str(out))
    if out.exists() and not out.is_dir():
        raise UserError("--out names a file, not a folder; choose a folder", path=where)
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise UserError(f"--out: cannot write in this folder ({exc.strerror or exc}); choose another --out",
                        path=where) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise UserError("another scorer run is writing into this folder; wait for it to end, "
                                "or choose another --out", path=where) from None
            raise
        if not os.access(out, os.W_OK | os.X_OK):  # the lock file may be there from an earlier run
            raise UserError("--out: this folder is read-only; choose another --out", path=where)
        yield
    finally:
        os.close(fd)  # releases the lock


def remove_stale_scorecards(folder: Path, result_sha256: str, rendered: tuple[str, ...]) -> list[Path]:
    """The scorecards in formats this run does not render that show another result than
    `result_sha256` (or an unknown one): removed, and returned."""
    removed = []
    shown = _read(folder / SHOWN_RESULT)
    for ext in SCORECARD_FORMATS:
        card = folder / f"scorecard.{ext}"
        if ext not in rendered and shown != result_sha256 and card.exists():
            card.unlink()
            removed.append(card)
    return removed


def note_shown(folder: Path, result_sha256: str) -> None:
    """Record which result the scorecards show, for those reused from an older scorer that
    did not record it."""
    if _read(folder / SHOWN_RESULT) != result_sha256:
        write_atomic(folder / SHOWN_RESULT, result_sha256)


def rendered_before(folder: Path, formats: tuple[str, ...], key_file: str, key: str) -> bool:
    """Whether the scorecards in `formats` are there, rendered from `key`."""
    try:
        return (all((folder / f"scorecard.{ext}").exists() for ext in formats)
                and (folder / key_file).read_text("utf-8") == key)
    except OSError:
        return False


def read_fingerprint(path: Path) -> tuple[int, ...] | None:
    """A report's fingerprint for copy detection, or None when missing or damaged (never trusted)."""
    try:
        fingerprint = orjson.loads(path.read_bytes())
    except (OSError, ValueError):  # orjson's decode error is a ValueError
        return None
    if not (isinstance(fingerprint, list) and all(type(n) is int for n in fingerprint)):
        return None
    return tuple(fingerprint)


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


RESULTS_INDEX = ".results-index"


@dataclass(frozen=True)
class Index:
    """What `.results-index` holds for one scorer and rubric: per report folder its
    entry, and the batch's copied passages with the key of what they were found from."""
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    copies_key: str | None = None
    copies: dict[str, Any] = field(default_factory=dict)


def read_index(out: Path, scorer: str, rubric_sha256: str) -> Index:
    """The index; empty when there is none, when it was written by another scorer than `scorer`
    (its key) or for another rubric, or when it is damaged (its first line is the sha256 of the rest)."""
    try:
        digest, _, body = (out / RESULTS_INDEX).read_bytes().partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != digest:
            return Index()
        index = _loads(body)
        if (index["scorer"], index["rubric"]) != (scorer, rubric_sha256) or not isinstance(index["reports"], dict):
            return Index()
        copies, key = index["copies"], index["copies_key"]
        if not (isinstance(copies, dict) and isinstance(key, str | None)):
            copies, key = {}, None
    except (OSError, ValueError, KeyError, TypeError):
        return Index()
    return Index({name: entry for name, entry in index["reports"].items() if _entry_shape(entry)}, key, copies)


def _entry_shape(entry: Any) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("result"), str) and isinstance(entry.get("input"), str)
            and isinstance(entry.get("summary"), dict) and isinstance(entry.get("review"), str | None))


def as_indexed(result: Path, entry: dict[str, Any] | None, input_sha256: str, review: str | None) -> bool:
    """Whether result.json is, byte for byte, the one indexed for this input and review key:
    then it was checked (or written) under this rubric and scorer, and its entry's summary holds."""
    if entry is None or entry["input"] != input_sha256 or entry["review"] != review:
        return False
    try:
        return hashlib.sha256(result.read_bytes()).hexdigest() == entry["result"]
    except OSError:
        return False


def copies_key(reports: list[dict[str, Any]], inputs: list[str], scorer: str) -> str:
    """The sha256 of what copy detection reads: each report's folder name, file, region and
    fingerprint, and its input's sha256 (its passages are compared), in the batch's order."""
    h = hashlib.sha256(scorer.encode())
    for r, sha in zip(reports, inputs, strict=True):
        h.update(json.dumps([r["name"], r["file"], r["region"], sha, str(r["fingerprint"])]).encode())
    return h.hexdigest()


def index_entry(result_sha256: str, input_sha256: str, review: str | None, summary: dict[str, Any]) -> dict[str, Any]:
    """One report's entry: `result_sha256` is that of the result.json text its summary was made from."""
    return {"result": result_sha256, "input": input_sha256, "review": review, "summary": summary}


def write_index(out: Path, scorer: str, rubric_sha256: str, index: Index) -> None:
    value = {"scorer": scorer, "rubric": rubric_sha256, "reports": index.entries,
             "copies_key": index.copies_key, "copies": index.copies}
    try:
        body = orjson.dumps(value)
    except TypeError:  # a lone surrogate (an undecodable file name) orjson refuses: kept as written
        body = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    write_atomic(out / RESULTS_INDEX, hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def _loads(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except ValueError:
        return json.loads(body.decode("utf-8", "surrogatepass"))
