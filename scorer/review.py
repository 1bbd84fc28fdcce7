"""The evaluator's review record: corrections and confirmations of the machine's levels.

The machine proposes, the evaluator decides. One YAML file per batch (`review.yaml`)
holds a list of entries, each naming a report (file name and the input's sha256), a
criterion, the level the evaluator sets (or `confirm: true`), the reason, optionally a
quote from the report with its offsets, who and when. Applying the record to a
`result.json` keeps the machine's level and evidence beside the reviewed level, and the
points, area subtotals and total follow the reviewed level exactly as scoring computes
them. An entry whose report changed or whose criterion is gone is stale: never applied,
listed with what to do.

Using the record on a batch's results (applying it, stale entries, the reuse key, the Excel
route) is in review_tools.py, two evaluators' agreement in review_agreement.py.

A little over 300 lines on purpose: the entry's fields, their checks and the file that holds
them are one format, read and written in one place.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .document import Document
from .errors import RubricError, UserError, did_you_mean
from .files import read_utf8
from .gold import K
from .quotes import QuoteFinder
from .yamlpos import Located, _convert, load_yaml

SCHEMA = "scorer.review/1"
ENTRY_KEYS = ("file", "sha256", "criterion", "level", "confirm", "reason", "quote", "reviewer", "at")
_HEADER = ("# 复核记录（scorer review record）：每条 = 报告（file, sha256）、指标（criterion）、\n"
           "# 复核等级（level 0–3，或 confirm: true 确认机器等级）、理由（reason）、引文（quote，可省）、\n"
           "# 复核人（reviewer）、时间（at）。条目按文件、指标、时间排序。\n")
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 3x faster, the same bytes
_LEVELS = "a level 0–3 (0 未体现, 1 泛泛提及, 2 具体举措, 3 量化成效)"


class ReviewError(UserError):
    """A review record that does not validate: every problem, one located line each."""

    def __init__(self, problems: list[str], *, path: str | None = None) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
        self.path = path


@dataclass(frozen=True)
class Quote:
    """The evaluator's quote and where it stands in the report's original text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Entry:
    file: str  # the report's file name, as in result.json `input.file`
    sha256: str  # of the report the evaluator read
    criterion: str
    reason: str
    reviewer: str
    at: str  # ISO timestamp
    level: int | None = None  # None: a confirmation of the machine's level
    quote: Quote | None = None

    def __post_init__(self) -> None:  # an entry made anywhere (page, import) is as checked as one read
        problems = _entry_problems(entry_dict(self))
        if problems:
            raise UserError("; ".join(f"{key}: {message}" for key, message in problems))
        for key, value in (("sha256", self.sha256.lower()), ("reason", self.reason.strip()),
                           ("reviewer", self.reviewer.strip()), ("at", _iso(self.at))):
            object.__setattr__(self, key, value)  # as it will be written and read back

    @property
    def confirm(self) -> bool:
        return self.level is None


@dataclass(frozen=True)
class Record:
    """Entries by file, criterion and time (then reviewer): the order of the file, whatever
    the order they were given in, so that equal records are equal."""

    entries: tuple[Entry, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", tuple(sorted(self.entries, key=_order)))


# --- entries -------------------------------------------------------------------------------

def now_iso() -> str:
    """The current time as an ISO timestamp with its offset, to the second."""
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


def make_entry(doc: Document, criterion: str, *, reason: str, reviewer: str, level: int | None = None,
               confirm: bool = False, quote: str | None = None, at: str | None = None) -> Entry:
    """An entry for a report read as `doc`; the quote must stand in the report (its offsets are kept)."""
    if confirm == (level is not None):
        raise UserError(f"level: {_shown(level)}; give {_LEVELS} or confirm, not both")
    entry = Entry(file=Path(doc.path).name, sha256=doc.sha256, criterion=criterion, reason=reason,
                  reviewer=reviewer, at=at or now_iso(), level=level)
    if quote is None:
        return entry
    spans = QuoteFinder.of(doc).spans(quote) if quote.strip() else []
    if not spans:
        raise UserError(f"quote: {quote[:40]!r} does not occur in {entry.file}; "
                        "copy the words from the report as written")
    return replace(entry, quote=Quote(quote.strip(), *spans[0]))


def _entry_problems(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, what is wrong and what to write) for each bad value of one entry."""
    out = [(k, f"unknown key; allowed: {', '.join(ENTRY_KEYS)}" + did_you_mean(k, ENTRY_KEYS))
           for k in raw if k not in ENTRY_KEYS]
    for key, what in (("file", "the report's file name"), ("criterion", "a criterion id"),
                      ("reason", "why the level is right (required)"), ("reviewer", "who reviewed")):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            out.append((key, f"{_shown(raw.get(key))}; write {what}"))
    sha = raw.get("sha256")
    if not (isinstance(sha, str) and len(sha) == 64 and all(c in "0123456789abcdefABCDEF" for c in sha)):
        out.append(("sha256", f"{_shown(sha)}; write the report's sha256 (64 hex digits, as in result.json)"))
    if _when(raw.get("at")) is None:
        out.append(("at", f"{_shown(raw.get('at'))}; write an ISO time such as 2026-03-01T10:30:00+08:00"))
    confirm, level = raw.get("confirm", False), raw.get("level")
    if confirm not in (True, False):
        out.append(("confirm", f"{_shown(confirm)}; write confirm: true or leave it out"))
    elif confirm and level is not None:
        out.append(("level", f"{_shown(level)}; write either a level or confirm: true, not both"))
    elif not confirm and (not isinstance(level, int) or isinstance(level, bool) or not 0 <= level < K):
        out.append(("level", f"{_shown(level)}; write {_LEVELS}, or confirm: true"))
    if raw.get("quote") is not None and _quote(raw["quote"]) is None:
        out.append(("quote", f"{_shown(raw['quote'])}; write {{text: ..., start: N, end: M}} "
                             "with the offsets in the report (start < end)"))
    return out


def _quote(value: Any) -> Quote | None:
    if not isinstance(value, dict) or set(value) != {"text", "start", "end"}:
        return None
    text, start, end = value["text"], value["start"], value["end"]
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end))
    if not isinstance(text, str) or not text.strip() or not ints or not 0 <= start < end:
        return None
    return Quote(text, start, end)


def _when(value: Any) -> dt.datetime | None:
    """An ISO time (or date) as an aware datetime for ordering; a time without offset counts as UTC."""
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value).strip()


def _shown(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {str(value)[:40]!r}"


def _order(e: Entry) -> tuple:
    """File, criterion, time, reviewer; then everything else, so that no two entries tie."""
    quote = (e.quote.start, e.quote.end, e.quote.text) if e.quote else ()
    return (e.file, e.criterion, _when(e.at), e.reviewer, e.sha256, e.at, -1 if e.confirm else e.level,
            e.reason, quote)


def add_entry(record: Record, entry: Entry) -> Record:
    """The record with `entry`, replacing the same reviewer's earlier entry on the same report
    and criterion; other reviewers' entries are kept, so an adjudicator sees both."""
    same = (entry.file, entry.sha256, entry.criterion, entry.reviewer)
    kept = [e for e in record.entries if (e.file, e.sha256, e.criterion, e.reviewer) != same]
    return Record((*kept, entry))


def merge_records(*records: Record) -> Record:
    """Several evaluators' records as one. Where the same reviewer's entry on a report and
    criterion is in two records (a copy passed around), the later one (`at`) is kept."""
    latest: dict[tuple, Entry] = {}
    for entry in (e for record in records for e in record.entries):
        key = (entry.file, entry.sha256, entry.criterion, entry.reviewer)
        if key not in latest or _when(entry.at) >= _when(latest[key].at):
            latest[key] = entry
    return Record(tuple(latest.values()))


def latest_entries(entries: list[Entry]) -> dict[tuple[str, str], Entry]:
    """The entry that stands for each (file, criterion) when several reviewers judged it: the
    latest (`at`); at the same time, the reviewer whose name sorts last, so the choice is stable."""
    out: dict[tuple[str, str], Entry] = {}
    for e in sorted(entries, key=lambda e: (_when(e.at), e.reviewer)):
        out[(e.file, e.criterion)] = e
    return out


def entries_for(record: Record, result: dict[str, Any]) -> list[Entry]:
    """The entries that name this report (its file name and sha256), stale criteria included."""
    file, sha = result["input"]["file"], result["input"]["sha256"]
    return [e for e in record.entries if e.file == file and e.sha256 == sha]


# --- the file ------------------------------------------------------------------------------

def load_review(path: str | Path) -> Record:
    """Read and check a review record; a missing file is an empty record. Every problem
    is one line `file:line:col: key: bad value; what to write`, all raised together."""
    p, shown = Path(path), str(path)
    if not p.exists():
        return Record()
    text = read_utf8(p, "review record")
    try:
        located = _located(text, shown)
    except RubricError as exc:  # the YAML reader's message is already located
        raise ReviewError(exc.problems, path=shown) from None
    doc, prefix = located.value, ("entries",)
    if isinstance(doc, list):  # a bare list of entries is a record too
        doc, prefix = {"entries": doc}, ()
    if doc is None:
        return Record()
    if not isinstance(doc, dict) or not isinstance(doc.get("entries") or [], list) \
            or set(doc) - {"schema", "entries"} or doc.get("schema", SCHEMA) != SCHEMA:
        raise ReviewError([f"{located.where(())}: (top): expected `schema: {SCHEMA}` and "
                           "`entries:` followed by a list of entries"], path=shown)
    entries, problems = _entries(doc.get("entries") or [], located, prefix)
    if problems:
        raise ReviewError(problems, path=shown)
    return Record(tuple(entries))


def _located(text: str, file: str) -> Located:
    """yamlpos.load_yaml, with a budget of values that grows with the file past the rubric's:
    a record of a large batch holds far more values than a rubric (100 reports, two reviewers:
    over 100,000), while an alias bomb still outgrows any budget linear in its size."""
    try:
        return load_yaml(text, file)
    except RubricError as exc:
        if "expands to more than" not in str(exc):
            raise
    # the text passed the reader's tab, size and syntax checks: only the budget was too small
    node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    positions: dict = {}
    return Located(_convert(node, (), positions, [len(text)], file), positions, file)


def _entries(raws: list[Any], located: Located, prefix: tuple) -> tuple[list[Entry], list[str]]:
    entries, problems, seen = [], [], {}
    for i, raw in enumerate(raws):
        at = (*prefix, i)
        if not isinstance(raw, dict):
            problems.append(f"{located.where(at)}: entries.{i}: {_shown(raw)}; write a mapping "
                            "(file, sha256, criterion, level, reason, reviewer, at)")
            continue
        bad = _entry_problems(raw)
        problems += [f"{located.where((*at, key))}: entries.{i}.{key}: {message}" for key, message in bad]
        if bad:
            continue
        entry = Entry(file=raw["file"], sha256=raw["sha256"], criterion=raw["criterion"], reason=raw["reason"],
                      reviewer=raw["reviewer"], at=raw["at"], level=None if raw.get("confirm") else raw["level"],
                      quote=_quote(raw["quote"]) if raw.get("quote") is not None else None)
        key = (entry.file, entry.sha256, entry.criterion, entry.reviewer)
        if key in seen:  # two copies merged by hand: the evaluator must say which stands
            problems.append(f"{located.where(at)}: entries.{i}: {entry.reviewer} reviewed "
                            f"{entry.criterion} of {entry.file} already at line {seen[key]}; keep one of them")
        seen.setdefault(key, located.positions.get(at, (0, 0))[0])
        entries.append(entry)
    return entries, problems


def dumps_review(record: Record) -> str:
    """The record as YAML: entries by file, criterion and time, keys in a fixed order, one
    line each, so that the same record is always the same bytes and merges line by line."""
    entries = [entry_dict(e) for e in record.entries]
    body = yaml.dump({"schema": SCHEMA, "entries": entries}, Dumper=_DUMPER, allow_unicode=True,
                     sort_keys=False, default_flow_style=False, width=1_000_000)
    return _HEADER + body


def entry_dict(e: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {"file": e.file, "sha256": e.sha256, "criterion": e.criterion}
    out |= {"confirm": True} if e.confirm else {"level": e.level}
    out["reason"] = e.reason
    if e.quote is not None:
        out["quote"] = {"text": e.quote.text, "start": e.quote.start, "end": e.quote.end}
    return out | {"reviewer": e.reviewer, "at": e.at}


def save_review(path: str | Path, record: Record) -> None:
    """Write the record atomically: a temp file in the same folder, then os.replace. The temp
    file is created with mode 0666 so the umask decides, as for any file the user writes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(dumps_review(record).encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
