"""Progress of a batch: a rich bar on a terminal (done, failed, rate, time left), plain lines otherwise."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

PHASES = {"score": "评分", "render": "评分表"}


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
                bar.console.print(message)
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
