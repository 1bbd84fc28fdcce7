"""Worker processes for the score and render phases, and the signals that stop a batch.

Workers are forked once the parent has loaded what they need (the rubric, the
dictionary, WeasyPrint's fonts), so that each does not load it again. On SIGINT
or SIGTERM nothing more is submitted, what runs finishes, and the phase returns
the signal: every file is written atomically, so the same command resumes.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Task:
    """One call to run in a worker: `run(*args)` returns a mapping, with "error" on failure."""
    label: str  # names the task when its worker dies
    run: Callable[..., dict[str, Any]]
    args: tuple[Any, ...]


Done = Callable[[Task, dict[str, Any]], str]  # takes a finished task's value, returns a progress message


def run_tasks(tasks: Sequence[Task], *, jobs: int, done: Done, progress: Callable[[str], None],
              initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> int:
    """Run tasks in worker processes, at most two per worker in flight.

    Returns the signal that stopped the run (SIGINT, SIGTERM) before every task was
    submitted, or 0 when all ran.
    """
    stop = {"requested": 0}
    interrupted = 0

    def request_stop(signum, frame):
        stop["requested"] = signum

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with _pool(jobs, initializer, initargs) as pool:
            pending: dict[Future, Task] = {}
            queue = list(tasks)
            while queue or pending:
                while queue and len(pending) < jobs * 2 and not stop["requested"]:
                    task = queue.pop(0)
                    pending[pool.submit(task.run, *task.args)] = task
                if not pending:
                    break
                finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in finished:
                    task = pending.pop(future)
                    try:
                        value = future.result()
                    except Exception as exc:  # a worker that died (e.g. out of memory)
                        value = {"error": f"{task.label}: the worker stopped ({type(exc).__name__}); skipped"}
                    progress(done(task, value))
                if stop["requested"] and queue:  # a stop after the last submission stops nothing
                    queue.clear()
                    interrupted = stop["requested"]
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return interrupted


def _pool(jobs: int, initializer, initargs) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=initializer, initargs=initargs)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
