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
from .labels import (
    EXPORTS,
    EXPORTS_UNCHANGED,
    EXPORTS_WRITTEN,
    FAILED,
    MORE,
    NEVER_MET,
    PHASES,
    SUMMARY,
    reason_word,
)


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
               TextColumn("{task.fields[failed]}"), TextColumn("{task.fields[rate]}/s"), TimeRemainingColumn())
    tasks: dict[str, int] = {}
    start: dict[str, float] = {}
    with Progress(*columns, console=console, transient=False) as bar:
        def update(phase, done, total, failed, message):
            if phase not in tasks:
                tasks[phase] = bar.add_task(PHASES.get(phase, phase), total=total, failed="", rate="–")
                start[phase] = time.monotonic()
            elapsed = max(time.monotonic() - start[phase], 1e-6)
            bar.update(tasks[phase], completed=done, total=total, failed=_failures(failed),
                       rate=f"{done / elapsed:.1f}")
            if message and message.startswith("✘"):
                bar.console.print(_failed(message), markup=False, highlight=False)  # a file name is not markup
        yield update


def _failures(failed: int | None) -> str:
    """How many failed; nothing for a phase in which one thing failing stops the batch (an
    export that cannot be written)."""
    return "" if failed is None else f"失败 {failed}"


def _failed(message: str) -> str:
    """A failure as it happens (`✘ file: reason`), its reason in Chinese."""
    return "✘ " + reason_word(message[1:].lstrip())


def _plain(stream):
    last = {"time": 0.0, "done": -1}

    def update(phase, done, total, failed, message):
        if message and message.startswith("✘"):
            print(_failed(message), file=stream, flush=True)
        now = time.monotonic()
        due = done == total or now - last["time"] >= 5 or (total and done * 10 // total != last["done"] * 10 // total)
        if due and (phase, done) != last.get("key"):
            print("，".join(filter(None, (f"{PHASES.get(phase, phase)} {done}/{total}", _failures(failed)))),
                  file=stream, flush=True)
            last.update(time=now, done=done, key=(phase, done))
    yield update


def print_outcome(outcome: Any, out: Path) -> None:
    """The ranking on stdout, each failure on stderr, the criteria no report met and the counts."""
    ranking = outcome.ranking
    _print_ranking(ranking)
    for failure in ranking["failures"]:
        message, file = failure["message"], failure["file"]
        typer.echo(f"{FAILED}{message if message.startswith(file) else f'{file}：{message}'}", err=True)
    for stale in ranking.get("review_stale", []):
        typer.echo(stale_line(stale), err=True)
    if ranking["never_matched"]:
        titles = {c["id"]: c["title"] for c in ranking["criteria"]}
        typer.echo(NEVER_MET.format(titles="、".join(titles.get(m, m) for m in ranking["never_matched"])))
    for card in outcome.removed[:5]:
        typer.echo(f"已删除 {show_name(str(card))}：它显示的是先前的结果（另一评估指标或另一次运行）；"
                   "可用 --format html,pdf 重新生成", err=True)
    if len(outcome.removed) > 5:
        typer.echo(f"另删除 {len(outcome.removed) - 5} 个显示先前结果的文件", err=True)
    typer.echo(SUMMARY.format(scored=outcome.scored + outcome.reused, reused=outcome.reused,
                              failed=len(outcome.failures), rendered=outcome.rendered, kept=outcome.renders_reused,
                              index=f"{out}/index.html"))
    parts = [words.format(names="、".join(names))
             for words, names in ((EXPORTS_WRITTEN, outcome.written), (EXPORTS_UNCHANGED, outcome.unchanged)) if names]
    if parts:
        typer.echo(EXPORTS.format(parts="；".join(parts)))
    reviewed = [e for g in ranking["groups"] for e in g["entries"] if e.get("reviewed")]
    if reviewed or ranking.get("review_stale"):
        typer.echo(f"人工复核：{len(reviewed)} 份报告共 {sum(e['reviewed'] for e in reviewed)} 项已复核，"
                   f"{len(ranking.get('review_stale', []))} 条未应用（见上文及 errors.json）")


def _print_ranking(ranking: dict[str, Any], limit: int = 30) -> None:
    for group in ranking["groups"]:
        if len(ranking["groups"]) > 1:
            typer.echo(f"— {group['key']} —")
        for e in group["entries"][:limit]:
            typer.echo(f"{e['rank']:>4}  {e['region'] or '?':<10}\t{e['year'] or '?'}\t{e['total']:>6.1f}\t{e['file']}")
        if group["n"] > limit:
            typer.echo("      " + MORE.format(n=group["n"] - limit))
