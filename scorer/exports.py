"""A batch's ranking as files: ranking.json, errors.json, ranking.csv, ranking.xlsx,
index.html and ranking.pdf. Each lists the failures with file and reason.

Every export is made from the same `Ranked` batch (the ranking, the rubric and the
reports' summaries) and is listed once in `EXPORTS`; ranking.pdf, slow for a big
batch, is rendered beside the scorecards instead (`ranking_pdf`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cells import inert as _inert
from .files import to_json, write_atomic
from .labels import FLAGS, ON_TIME, STATUS, flag_word
from .render import html_to_pdf, render_template
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


def row_values(entry: dict[str, Any], group: str, ranking: dict[str, Any], rubric: Rubric) -> list[Any]:
    titles = titles_of(ranking)
    return [
        group, entry["rank"], entry["region"] or "", entry["city"] or "", entry["year"] or "",
        entry["total"], entry["max"], *(_review_values(entry) if has_review(ranking) else []),
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
    for group in ranking["groups"]:
        for entry in group["entries"]:
            writer.writerow(_inert(row_values(entry, group["key"], ranking, rubric)))
    blank = [""] * (len(header) - 4)  # the last four columns: 文件, 评分表, 状态, 错误
    for failure in ranking["failures"]:
        writer.writerow(_inert([*blank, Path(failure["file"]).name, "", STATUS["failed"], failure["message"]]))
    for stale in ranking.get("review_stale", []):
        writer.writerow(_inert([*blank, stale["file"], "", STATUS["review_stale"], stale_line(stale)]))
    return "\ufeff" + buffer.getvalue()


def ranking_xlsx(batch: Ranked) -> bytes:
    """ranking.xlsx (scorer/workbook.py, which builds on this module's rows)."""
    from .workbook import ranking_xlsx as workbook

    return workbook(batch)


def index_html(batch: Ranked) -> str:
    ranking = batch.ranking
    context = {"ranking": ranking, "flag_words": FLAGS, "data_json": json.dumps(ranking, ensure_ascii=False),
               "criteria_titles": titles_of(ranking), "reviewed": has_review(ranking)}
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


def write_exports(batch: Ranked, out: Path) -> list[Path]:
    """Every export in `EXPORTS`, written atomically into `out`; returns their paths."""
    for name, make in EXPORTS:
        write_atomic(out / name, make(batch))
    return [out / name for name, _ in EXPORTS]


def write_ranking_pdf(ranking: dict[str, Any], out: Path, *, template_dir: str | Path | None = None) -> Path:
    """ranking.pdf: the distribution of totals, the ranking, the criteria most often missed."""
    summary_html = render_template("ranking.html.j2", summary_context(ranking), template_dir=template_dir)
    write_atomic(out / "ranking.pdf", html_to_pdf(summary_html, template_dir=template_dir))
    return out / "ranking.pdf"


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
