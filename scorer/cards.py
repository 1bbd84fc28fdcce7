"""`scorer cards`: each government's scorecard, named for sending back to it.

    OUT/<report>/scorecard.pdf ─▶ DIR/<region>_<year>_法治政府建设年度报告评分表.pdf
                                  [with a cover-letter page first] [+ DIR/评分表.zip]

A scorecard missing from the batch (scored with --format json) is rendered from its
result.json with its rank, as `scorer score` would have. Two reports that would share a
name (a government that submitted twice) each get their output folder's name added.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .batch.discover import safe_name
from .errors import UserError
from .files import write_atomic
from .labels import GOVERNMENT_GROUPS, ON_TIME
from .render import html_to_pdf, render_html, render_template
from .result import load_result
from .round_data import RESULT, load_round

SUFFIX = "法治政府建设年度报告评分表"
ZIP_NAME = "评分表.zip"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Card:
    name: str  # the report's output folder
    file: str  # the card's file name
    entry: dict[str, Any]  # the report's ranking entry


def card_names(entries: list[dict[str, Any]]) -> list[Card]:
    """A safe, distinct file name per report: <region>_<year>_法治政府建设年度报告评分表.pdf."""
    base = {e["name"]: safe_name(f"{e.get('region') or '未识别地区'}_{e.get('year') or '年度未识别'}_{SUFFIX}")
            for e in entries}
    shared = {b for b in base.values() if list(base.values()).count(b) > 1}
    cards = []
    for e in sorted(entries, key=lambda e: (base[e["name"]], e["name"])):
        stem = base[e["name"]]
        if stem in shared:  # the same government and year twice: tell them apart by the report
            stem = f"{stem}_{safe_name(e['name'])}"
        cards.append(Card(e["name"], f"{stem}.pdf", e))
    return cards


def write_cards(out: Path, to: Path, *, make_zip: bool = False, cover: Path | None = None,
                template_dir: Path | None = None) -> list[Path]:
    """Write every card into `to` (and the zip of them all); returns the files written."""
    if to.exists() and not to.is_dir():
        raise UserError("--to names a file, not a folder; choose a folder for the scorecards", path=str(to))
    rnd = load_round(out)
    entries = [e | {"group": g["key"], "n": g["n"]} for g in rnd.ranking["groups"] for e in g["entries"]]
    written = []
    for card in card_names(entries):
        pdf = _scorecard(out, card, rnd.ranking, template_dir)
        if cover is not None:
            pdf = _with_cover(_cover_pdf(cover, card, rnd.rubric), pdf)
        write_atomic(to / card.file, pdf)
        written.append(to / card.file)
    if make_zip:
        write_atomic(to / ZIP_NAME, zip_bytes(written))
        written.append(to / ZIP_NAME)
    return written


def _scorecard(out: Path, card: Card, ranking: dict[str, Any], template_dir: Path | None) -> bytes:
    path = out / card.name / "scorecard.pdf"
    if path.is_file():
        return path.read_bytes()
    from .ranking import scorecard_context

    result = load_result(out / card.name / RESULT)
    html = render_html(result, template_dir=template_dir, batch=scorecard_context(ranking, card.name))
    return html_to_pdf(html, template_dir=template_dir)


def cover_context(card: Card, rubric: dict[str, Any]) -> dict[str, Any]:
    """What a cover-letter template may use."""
    e = card.entry
    return {"region": e.get("region") or "未识别地区", "city": e.get("city"), "year": e.get("year"),
            "level": GOVERNMENT_GROUPS.get(e.get("level"), GOVERNMENT_GROUPS[None]),
            "total": e["total"], "max": e["max"], "rank": e["rank"], "n": e["n"], "group": e["group"],
            "published": e.get("published"), "on_time": ON_TIME[e.get("on_time")],
            "rubric": rubric, "file": e["file"]}


def _cover_pdf(cover: Path, card: Card, rubric: dict[str, Any]) -> bytes:
    from .errors import TemplateError

    if not cover.is_file():
        raise TemplateError(f"--cover: no such template: {cover}")
    html = render_template(cover.name, cover_context(card, rubric), template_dir=cover.parent)
    return html_to_pdf(html, template_dir=cover.parent)


def _with_cover(cover: bytes, scorecard: bytes) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in (cover, scorecard):
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bytes(files: list[Path]) -> bytes:
    """The cards in one zip, names as written (UTF-8) and a fixed time: the same cards, the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.writestr(zipfile.ZipInfo(path.name, date_time=ZIP_EPOCH), path.read_bytes(),
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
