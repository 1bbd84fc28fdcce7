"""Terminal views: `scorer explain` (evidence with matched terms highlighted,
rejected hits with reasons) and the agreement tables of `scorer eval`."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from .document import Document
from .files import show_name
from .labels import NOT_APPLICABLE, STRUCTURE_LEVELS, UNKNOWN, flag_word
from .normalize import normalize
from .rubric import Rubric
from .scoring import Score


def _highlight(quote: str, terms: tuple[str, ...], style: str) -> Text:
    """The quote as written, with the matched terms (found in its normalised copy) highlighted."""
    text = Text(quote)
    norm = normalize(quote)
    for term in terms:
        start = norm.text.find(term)
        while start >= 0:
            a, b = norm.to_original(start, start + len(term))
            text.stylize(style, a, b)
            start = norm.text.find(term, start + 1)
    return text


def print_explanation(doc: Document, rubric: Rubric, score: Score, only: str | None = None,
                      console: Console | None = None) -> None:
    console = console or Console()
    # One Text printed once: each print of its own took rich a third of a millisecond, a
    # tenth of `scorer explain`'s start.
    out = Text()

    def line(part: str | Text, style: str = "") -> None:
        """One line: markup and highlighting as `console.print` gives a string."""
        if out:
            out.append("\n")
        if isinstance(part, str):
            part = console.render_str(part)
            part.style = style  # under the markup's and the highlighter's styles, as print lays it
        out.append(part)

    m = doc.metadata
    line(f"[bold]{escape(m.region or UNKNOWN)} {m.year or UNKNOWN}年度[/bold]  {escape(show_name(doc.path))}  "
         f"总分 [bold]{score.total:g}[/bold] / {score.max_points:g}（{escape(rubric.title)} {escape(str(rubric.version))}）")
    for flag in doc.flags:
        line(f"[yellow]▲ {flag_word(flag.name)}[/yellow]：{escape(flag.message)}")
    for cs in score.criteria:
        c = cs.criterion
        if only and c.id != only:
            continue
        if not cs.match.applies:
            word = NOT_APPLICABLE
        elif c.is_structure:
            word = STRUCTURE_LEVELS.get(cs.level, str(cs.level))
        else:
            word = rubric.level(cs.level).name
        line("")
        line(f"[bold]{escape(c.title)}[/bold]（{escape(c.id)}）：{escape(word)}，{cs.points:g}/{cs.max_points:g} 分"
             f" — {escape(cs.match.summary)}")
        for e in cs.match.evidence:
            text = Text(f"  ✔ L{e.level} [{e.part_path}] ")
            text.append(_highlight(e.quote, e.terms, "bold green"))
            text.append(f"  ({e.why})", style="dim")
            line(text)
        for r in cs.match.rejected[:5 if only is None else 10]:
            text = Text(f"  ✘ [{r.part_path}] ", style="dim")
            text.append(_highlight(r.quote[:80], r.terms, "bold red"))
            text.append(f"  — {r.reason}", style="dim")
            line(text)
        if not cs.match.evidence and not cs.match.rejected:
            line(f"  查找的词语：{escape('、'.join(cs.match.searched[:12]))}", style="dim")
    console.print(out)


def print_agreement(result: dict[str, Any], console: Console | None = None) -> None:
    from rich.table import Table  # only the agreement has tables: explain starts without them

    console = console or Console()
    for warning in result.get("gold_warnings", []):
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    if result.get("criteria_not_in_rubric"):
        console.print(f"[yellow]warning:[/yellow] judged criteria the rubric does not have, not counted: "
                      f"{escape(', '.join(result['criteria_not_in_rubric']))}")
    console.print(f"[bold]n = {result['n']}[/bold]  exact {result['exact_agreement']:.3f}  "
                  f"within one {result['within_one']:.3f}  QWK {result['qwk']:.3f}  "
                  f"metadata {result['metadata_agreement']}  flags {result['flag_agreement']}  "
                  f"evidence {_share(result.get('evidence_agreement'))} ({result.get('evidence_overlapping', 0)}"
                  f"/{result.get('evidence_checked', 0)}, {len(result.get('gold_quotes_not_found', []))} not found)")
    table = Table(title="confusion (rows: gold, columns: tool)")
    table.add_column("gold\\tool")
    for j in range(4):
        table.add_column(str(j), justify="right")
    for i, row in enumerate(result["confusion"]):
        table.add_row(str(i), *map(str, row))
    console.print(table)
    per = Table(title="per report")
    for col in ("report", "n", "exact", "total"):
        per.add_column(col)
    for name, v in result["per_report"].items():
        per.add_row(escape(name), str(v["n"]), str(v["exact"]), f"{v['total']:g}")
    console.print(per)
    crit = Table(title="per criterion")
    for col in ("criterion", "n", "exact"):
        crit.add_column(col)
    for cid, v in result["per_criterion"].items():
        crit.add_row(escape(cid), str(v["n"]), str(v["exact"]))
    console.print(crit)
    for d in result["disagreements"]:
        console.print(f"[red]≠[/red] {escape(d['report'])} {escape(d['criterion'])}: gold {d['gold']}, "
                      f"tool {d['tool']}  {escape((d['tool_evidence'] or [''])[0][:60])}")
    for d in result["metadata_mismatches"]:
        console.print(f"[red]≠[/red] {escape(d['report'])} {escape(d['field'])}: gold {escape(str(d['gold']))}, "
                      f"tool {escape(str(d['tool']))}")
    for d in result["flag_mismatches"]:
        console.print(f"[red]≠[/red] {escape(d['report'])} flags: gold {escape(str(d['gold']))}, "
                      f"tool {escape(str(d['tool']))}")
    for d in result.get("evidence_mismatches", []):
        console.print(f"[red]≠[/red] {escape(d['report'])} {escape(d['criterion'])} evidence: gold 「{escape(d['gold_quote'][:40])}」, "
                      f"tool 「{escape((d['tool_quote'] or '(none)')[:40])}」")
    for d in result.get("gold_quotes_not_found", []):
        console.print(f"[yellow]?[/yellow] {escape(d['report'])} {escape(d['criterion'])}: gold quote not found in the report: "
                      f"「{escape(d['gold_quote'][:40])}」")


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
