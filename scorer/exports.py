"""A batch's ranking as files: ranking.json, errors.json, ranking.csv, ranking.xlsx,
index.html and ranking.pdf. Each lists the failures with file and reason.

Every export is made from the same `Ranked` batch (the ranking, the rubric and the
reports' summaries) and is listed once in `EXPORTS`; ranking.pdf, slow for a big
batch, is rendered beside the scorecards instead (`ranking_pdf`).

A re-run writes only the exports whose inputs changed: each export's key is the sha256 of
exactly what it is made from (`export_keys`), and `.exports-key` beside them records, per
export, the key it was made from and the sha256 of its bytes (`ExportRecord`). An export is
written again when its key differs, or when the file is missing or not the one written.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from .cells import inert as _inert
from .files import to_json, write_atomic
from .labels import FLAGS, ON_TIME, STATUS, flag_word
from .render import html_to_pdf, prepare_template, render_template, template_dirs
from .rubric import Rubric


@dataclass(frozen=True)
class Ranked:
    """A ranked batch: what every export is made from."""
    ranking: dict[str, Any]
    rubric: Rubric
    summaries: tuple[dict[str, Any], ...]
    template_dir: Path | None = None


def titles_of(ranking: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["title"] for c in ranking["criteria"]}


def has_review(ranking: dict[str, Any]) -> bool:
    """Whether any report of the batch was reviewed: only then do the tables show the review
    columns (a batch without a record gives the files it gave before)."""
    return any(e.get("reviewed") for g in ranking["groups"] for e in g["entries"])


def _review_values(entry: dict[str, Any]) -> list[Any]:
    return [entry["machine_total"], entry["reviewed"], "、".join(entry["reviewers"])]


REVIEW_HEADER = ["机器总分", "复核项数", "复核人"]


def stale_line(stale: dict[str, Any]) -> str:
    """A review entry not applied, as the evaluator reads it: which entry, why, what to do."""
    return (f"复核未应用：{stale['file']} · {stale['criterion']} · {stale['reviewer']} {stale['at']}："
            f"{stale['message']}")


def row_values(entry: dict[str, Any], group: str, ranking: dict[str, Any], rubric: Rubric,
               reviewed: bool | None = None) -> list[Any]:
    """A report's row in the ranking tables; `reviewed` is has_review(ranking), which a caller
    writing every row works out once (it looks at every entry)."""
    titles = titles_of(ranking)
    reviewed = has_review(ranking) if reviewed is None else reviewed
    return [
        group, entry["rank"], entry["region"] or "", entry["city"] or "", entry["year"] or "",
        entry["total"], entry["max"], *(_review_values(entry) if reviewed else []),
        *[entry["areas"].get(a.id, 0) for a in rubric.areas],
        "、".join([flag_word(f) for f in entry["flags"]]
                 + [f"与{c['name']}雷同{c['share']:.0%}" for c in entry["copied"]]),
        "、".join(titles.get(m, m) for m in entry["missing_parts"]),
        entry["published"] or "", ON_TIME[entry["on_time"]],
        entry["file"], entry["scorecard"], STATUS["ok"], "",
    ]


def _header(rubric: Rubric, ranking: dict[str, Any]) -> list[str]:
    return ["分组", "名次", "地区", "上级", "年度", "总分", "满分", *(REVIEW_HEADER if has_review(ranking) else []),
            *[a.title for a in rubric.areas],
            "内容问题", "缺少部分", "发布日期", "按时公开", "文件", "评分表", "状态", "错误"]


def ranking_json(batch: Ranked) -> str:
    return to_json(batch.ranking)


def errors_json(batch: Ranked) -> str:
    """The failures, then the review entries not applied (`review`: the entry and its problem);
    `message` is what the user reads, `error` the English original for a bug report."""
    stale = [{"file": s["file"], "message": stale_line(s), "error": stale_line(s), "review": s}
             for s in batch.ranking.get("review_stale", [])]
    return to_json(batch.ranking["failures"] + stale, sort_keys=False)


def ranking_csv(batch: Ranked) -> str:
    """UTF-8 with BOM, so that Excel and WPS open the Chinese correctly. Records only, each
    aligned with the header (the tie rule is in ranking.json, ranking.xlsx's 说明 and README)."""
    ranking, rubric = batch.ranking, batch.rubric
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = _header(rubric, ranking)
    writer.writerow(header)
    reviewed = has_review(ranking)
    for group in ranking["groups"]:
        for entry in group["entries"]:
            writer.writerow(_inert(row_values(entry, group["key"], ranking, rubric, reviewed)))
    blank = [""] * (len(header) - 4)  # the last four columns: 文件, 评分表, 状态, 错误
    for failure in ranking["failures"]:
        writer.writerow(_inert([*blank, Path(failure["file"]).name, "", STATUS["failed"], failure["message"]]))
    for stale in ranking.get("review_stale", []):
        writer.writerow(_inert([*blank, stale["file"], "", STATUS["review_stale"], stale_line(stale)]))
    return "\ufeff" + buffer.getvalue()


def prepare(template_dir: str | Path | None = None) -> None:
    """Make ready what the exports are written with, while the workers score: a batch calls
    this once they have started. The workbook's library takes a tenth of a one-report run,
    Jinja2 and index.html's template another tenth. A library that cannot be imported or a
    template with an error is reported where its export is written, after the reports are
    scored, not here."""
    with contextlib.suppress(ImportError):
        import openpyxl  # noqa: F401

        from . import workbook  # noqa: F401
    prepare_template("index.html.j2", template_dir)


def ranking_xlsx(batch: Ranked) -> bytes:
    """ranking.xlsx (scorer/workbook.py, which builds on this module's rows)."""
    from .workbook import ranking_xlsx as workbook

    return workbook(batch)


def index_html(batch: Ranked) -> str:
    ranking = batch.ranking
    context = {"ranking": ranking, "flag_words": FLAGS, "criteria_titles": titles_of(ranking),
               "reviewed": has_review(ranking)}
    return render_template("index.html.j2", context, template_dir=batch.template_dir)


# Every file written from a ranked batch, in the order written. A new export: a function
# from `Ranked` to the file's text or bytes, and a line here.
EXPORTS: tuple[tuple[str, Callable[[Ranked], str | bytes]], ...] = (
    ("ranking.json", ranking_json),
    ("errors.json", errors_json),
    ("ranking.csv", ranking_csv),
    ("ranking.xlsx", ranking_xlsx),
    ("index.html", index_html),
)


EXPORTS_KEY = ".exports-key"  # beside the exports: per export, its key and its bytes' sha256
RANKING_PDF = "ranking.pdf"
# What each export is made from, besides the scorer (`scorer_key`): `errors` is the
# ranking's failures and review entries not applied, all errors.json shows.
DEPENDS: dict[str, tuple[str, ...]] = {
    "ranking.json": ("ranking",), "errors.json": ("errors",), "ranking.csv": ("ranking", "rubric"),
    "ranking.xlsx": ("ranking", "rubric", "summaries"), "index.html": ("ranking", "templates"),
    RANKING_PDF: ("ranking", "templates"),
}


def export_keys(batch: Ranked) -> dict[str, str]:
    """Per export (ranking.pdf too), the sha256 of exactly what it is made from."""
    ranking = batch.ranking
    material = {"ranking": canonical(ranking), "rubric": batch.rubric.sha256.encode(),
                "errors": canonical([ranking["failures"], ranking.get("review_stale", [])]),
                "summaries": canonical(batch.summaries), "templates": templates_sha256(batch.template_dir).encode()}
    keys = {}
    for name, depends in DEPENDS.items():
        h = hashlib.sha256()
        for part in (scorer_key().encode(), name.encode(), *(material[d] for d in depends)):
            h.update(b"%d:" % len(part) + part)  # each part's length first: no two inputs hash alike
        keys[name] = h.hexdigest()
    return keys


# Libraries whose versions change an export's bytes: the workbook, the pages, the PDF.
WRITERS = ("openpyxl", "jinja2", "markupsafe", "weasyprint")


@lru_cache(maxsize=1)
def scorer_key() -> str:
    """The scorer that writes the outputs: its version, its own source and data files and the
    libraries that read reports (the document cache's key) and those that write the exports. A
    new scorer writes every export again, even when its version number did not change."""
    from importlib import metadata

    from .doccache import code_key

    h = hashlib.sha256(code_key().encode())
    for name in WRITERS:
        try:
            h.update(f"|{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"|{name}=-".encode())
    return h.hexdigest()


def canonical(value: Any) -> bytes:
    """JSON with sorted keys, the same bytes for the same value, to hash."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # what orjson refuses (a lone surrogate from an undecodable file name)
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def templates_sha256(template_dir: Path | None) -> str:
    """Every template file a rendering may read (the folder given, then the shipped ones)."""
    h = hashlib.sha256()
    for folder in template_dirs(template_dir):
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                h.update(str(f.relative_to(folder)).encode("utf-8", "surrogateescape"))  # any name the OS gave
                h.update(f.read_bytes())
    return h.hexdigest()


class ExportRecord:
    """`.exports-key` of an output folder: per export the key it was made from and the sha256
    of the bytes written. An export is current when both still hold (a file deleted or edited
    by hand is not)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.entries = _read_record(out / EXPORTS_KEY)
        self._saved = dict(self.entries)

    def current(self, name: str, key: str) -> bool:
        entry = self.entries.get(name)
        return isinstance(entry, dict) and entry.get("key") == key and entry.get("sha256") == _file_sha256(
            self.out / name)

    def note(self, name: str, key: str, data: bytes | None = None) -> None:
        """An export just written (its bytes, or read back from the file when not given)."""
        digest = hashlib.sha256(data).hexdigest() if data is not None else _file_sha256(self.out / name)
        self.entries[name] = {"key": key, "sha256": digest}

    def remove_stale(self, name: str, key: str) -> tuple[Path, ...]:
        """An export this run does not write (ranking.pdf without --format pdf), removed when it
        was made from something else: it would show an older ranking."""
        path = self.out / name
        if not path.exists() or self.current(name, key):
            return ()
        path.unlink()
        self.entries.pop(name, None)
        return (path,)

    def save(self) -> None:
        """Written after the exports it describes, and only when it changed."""
        if self.entries != self._saved:
            write_atomic(self.out / EXPORTS_KEY, to_json(self.entries))
            self._saved = dict(self.entries)


def _read_record(path: Path) -> dict[str, Any]:
    try:
        entries = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}  # none yet, or damaged: every export is written again
    return entries if isinstance(entries, dict) else {}


def _file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def write_exports(batch: Ranked, out: Path, record: ExportRecord | None = None,
                  keys: dict[str, str] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> tuple[list[str], list[str]]:
    """Every export in `EXPORTS` whose key changed or whose file is not the one written, written
    atomically into `out`, then `.exports-key`; returns the names written and those unchanged.
    `progress(done, due)` hears of each one written (a big batch's take seconds)."""
    record = record or ExportRecord(out)
    keys = keys or export_keys(batch)
    unchanged = [name for name, _ in EXPORTS if record.current(name, keys[name])]
    due = [(name, make) for name, make in EXPORTS if name not in unchanged]
    written: list[str] = []
    for name, make in due:
        if progress:
            progress(len(written), len(due))
        data = make(batch)
        data = data.encode("utf-8", "backslashreplace") if isinstance(data, str) else data  # as write_atomic does
        write_atomic(out / name, data)
        record.note(name, keys[name], data)
        written.append(name)
    if progress and due:
        progress(len(written), len(due))
    record.save()
    return written, unchanged


def write_ranking_pdf(ranking: dict[str, Any], out: Path, *, template_dir: str | Path | None = None) -> Path:
    """ranking.pdf: the distribution of totals, the ranking, the criteria most often missed."""
    summary_html = render_template("ranking.html.j2", summary_context(ranking), template_dir=template_dir)
    write_atomic(out / RANKING_PDF, html_to_pdf(summary_html, template_dir=template_dir))
    return out / RANKING_PDF


BINS = 10


def summary_context(ranking: dict[str, Any]) -> dict[str, Any]:
    """ranking.pdf's context: reports binned by their share of their own maximum (tenths),
    which holds for any rubric total and for reports whose maximum is below it."""
    bins = [0] * BINS
    for group in ranking["groups"]:
        for e in group["entries"]:
            share = e["total"] / e["max"] if e["max"] else 0.0
            bins[min(int(round(share * BINS, 6)), BINS - 1)] += 1
    return {"ranking": ranking, "flag_words": FLAGS, "bins": bins, "peak": max(bins),
            "bin_labels": [f"{100 * i // BINS}–{100 * (i + 1) // BINS}%" for i in range(BINS)],
            "criteria_titles": titles_of(ranking), "reviewed": has_review(ranking)}
