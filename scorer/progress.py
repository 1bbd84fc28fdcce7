"""A batch on the console: while it runs, a rich bar on a terminal (done, failed, rate,
time left) and plain lines otherwise; when it ends, the ranking, the failures and the counts."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from .exports import stale_line
from .files import show_name
from .labels import PHASES


@contextmanager
def reporter(stream=None):
    stream = stream or sys.stderr
    if stream.isatty():
        yield from _rich(stream)
    else:
        yield from _plain(stream)


def _rich(stream):
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(file=stream)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
               TextColumn("失败 {task.fields[failed]}"), TextColumn("{task.fields[rate]}/s"), TimeRemainingColumn())
    tasks: dict[str, int] = {}
    start: dict[str, float] = {}
    with Progress(*columns, console=console, transient=False) as bar:
        def update(phase, done, total, failed, message):
            if phase not in tasks:
                tasks[phase] = bar.add_task(PHASES.get(phase, phase), total=total, failed=0, rate="–")
                start[phase] = time.monotonic()
            elapsed = max(time.monotonic() - start[phase], 1e-6)
            bar.update(tasks[phase], completed=done, total=total, failed=failed, rate=f"{done / elapsed:.1f}")
            if message and message.startswith("✘"):
                bar.console.print(message, markup=False, highlight=False)  # a file name is not markup
        yield update


def _plain(stream):
    last = {"time": 0.0, "done": -1}

    def update(phase, done, total, failed, message):
        if message and message.startswith("✘"):
            print(message, file=stream, flush=True)
        now = time.monotonic()
        due = done == total or now - last["time"] >= 5 or (total and done * 10 // total != last["done"] * 10 // total)
        if due and (phase, done) != last.get("key"):
            print(f"{PHASES.get(phase, phase)} {done}/{total}, 失败 {failed}", file=stream, flush=True)
            last.update(time=now, done=done, key=(phase, done))
    yield update


def print_outcome(outcome: Any, out: Path) -> None:
    """The ranking on stdout, each failure on stderr, the criteria no report met and the counts."""
    ranking = outcome.ranking
    _print_ranking(ranking)
    for failure in ranking["failures"]:
        error = failure["error"]
        typer.echo(f"error: {error if error.startswith(failure['file']) else failure['file'] + ': ' + error}",
                   err=True)
    for stale in ranking.get("review_stale", []):
        typer.echo(f"warning: {stale_line(stale)}", err=True)
    if ranking["never_matched"]:
        titles = {c["id"]: c["title"] for c in ranking["criteria"]}
        typer.echo(f"note: no report met {'、'.join(titles.get(m, m) for m in ranking['never_matched'])} "
                   "(a rubric mistake?)")
    for card in outcome.removed[:5]:
        typer.echo(f"removed {show_name(str(card))}: it showed an earlier result (another rubric or run); "
                   "render it again with --format html,pdf", err=True)
    if len(outcome.removed) > 5:
        typer.echo(f"removed {len(outcome.removed) - 5} more scorecards that showed an earlier result", err=True)
    typer.echo(f"{outcome.scored + outcome.reused} scored ({outcome.reused} reused), {len(outcome.failures)} failed; "
               f"scorecards: {outcome.rendered} rendered, {outcome.renders_reused} reused → {out}/index.html")
    reviewed = [e for g in ranking["groups"] for e in g["entries"] if e.get("reviewed")]
    if reviewed or ranking.get("review_stale"):
        typer.echo(f"review: {sum(e['reviewed'] for e in reviewed)} criteria of {len(reviewed)} reports reviewed, "
                   f"{len(ranking.get('review_stale', []))} entries not applied (listed above and in errors.json)")


def _print_ranking(ranking: dict[str, Any], limit: int = 30) -> None:
    for group in ranking["groups"]:
        if len(ranking["groups"]) > 1:
            typer.echo(f"— {group['key']} —")
        for e in group["entries"][:limit]:
            typer.echo(f"{e['rank']:>4}  {e['region'] or '?':<10}\t{e['year'] or '?'}\t{e['total']:>6.1f}\t{e['file']}")
        if group["n"] > limit:
            typer.echo(f"      … {group['n'] - limit} more in ranking.csv")
