"""Worker processes for the score and render phases, and the signals that stop a batch.

Workers are forked once the parent has loaded what they need (the rubric, the
dictionary, WeasyPrint's fonts), so that each does not load it again. On SIGINT
or SIGTERM, whenever it comes (after the last task was submitted too), nothing more
is submitted, the workers are stopped (SIGTERM, then SIGKILL for one stuck in a long
call) and the phase returns the signal: every file is written atomically, so the same
command resumes. Workers die with the parent (workers.init_worker).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

GRACE = 2.0  # seconds a worker has to clean up after SIGTERM before it is killed


@dataclass(frozen=True)
class Task:
    """One call to run in a worker: `run(*args)` returns a mapping, with "error" on failure."""
    label: str  # names the task when its worker dies
    run: Callable[..., dict[str, Any]]
    args: tuple[Any, ...]


Done = Callable[[Task, dict[str, Any]], str]  # takes a finished task's value, returns a progress message


def run_tasks(tasks: Sequence[Task], *, jobs: int, done: Done, progress: Callable[[str], None],
              initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = (),
              meanwhile: Callable[[], None] | None = None) -> int:
    """Run tasks in worker processes, at most two per worker in flight.

    `meanwhile` runs once in this process as soon as the first tasks are handed out (the
    workers are forked by then): what the parent needs afterwards, made while they work.

    Returns the signal that stopped the run (SIGINT, SIGTERM) before every task was
    done, or 0 when all ran. The initializer gets the parent's pid after `initargs`.
    A worker that dies (killed, out of memory) breaks the pool: a new one is started,
    and the tasks that were in flight run again one at a time, so that only the task
    that kills its worker alone fails.
    """
    stop = {"requested": 0}

    def request_stop(signum, frame):
        stop["requested"] = signum

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    args = (*initargs, os.getpid()) if initializer else ()
    pool = _pool(jobs, initializer, args)
    pending: dict[Future, Task] = {}
    queue, suspects = deque(tasks), deque()
    rerun: set[int] = set()  # id() of tasks run again once after a signal stopped their worker
    try:
        while (queue or suspects or pending) and not stop["requested"]:
            _submit(pool, pending, queue, suspects, jobs)
            if meanwhile is not None:
                meanwhile()
                meanwhile = None
            finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            signalled: set[int] = set()
            lost = _collect(finished, pending, done, progress, signalled)
            if lost and stop["requested"]:  # the signal stopped its worker too: the re-run runs it
                break
            if lost:
                lost += _collect(list(pending), pending, done, progress, signalled)  # all in flight went with it
                # A task that ran alone killed its worker; one a signal stopped just now (SIGTERM to
                # the whole process group, before this process's own handler ran) is run again, once.
                again = len(lost) == 1 and id(lost[0]) in signalled and id(lost[0]) not in rerun
                if len(lost) == 1 and not again:
                    progress(done(lost[0], {"error": f"{lost[0].label}: {WORKER_DIED}; skipped"}))
                else:
                    rerun.update(id(task) for task in lost if id(task) in signalled)
                    suspects.extend(lost)
                _halt(pool)
                pool = _pool(jobs, initializer, args)
    finally:
        try:
            if stop["requested"] or queue or suspects or pending:  # a signal, or an error in the parent
                finished = [f for f in pending if f.done()] if stop["requested"] else []
                _halt(pool)  # first: whatever happens next, no worker is left running
                # What finished as the signal came is counted: a re-run reuses it.
                _collect(finished, pending, done, progress)
            else:
                pool.shutdown(wait=True)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    return stop["requested"]


WORKER_DIED = "the worker stopped (killed, out of memory, or past the time limit inside a library call)"


def _submit(pool, pending: dict[Future, Task], queue: deque, suspects: deque, jobs: int) -> None:
    """Fill the pool: from the suspects one at a time, else from the queue."""
    if suspects:
        if not pending:
            task = suspects.popleft()
            pending[pool.submit(task.run, *task.args)] = task
        return
    while queue and len(pending) < jobs * 2:
        task = queue.popleft()
        pending[pool.submit(task.run, *task.args)] = task


def _collect(finished, pending: dict[Future, Task], done: Done, progress: Callable[[str], None],
             signalled: set[int] | None = None) -> list[Task]:
    """Hand each finished task's value on; returns the tasks lost with a broken pool or to a
    signal (their id() added to `signalled`)."""
    lost = []
    for future in finished:
        task = pending.pop(future)
        try:
            value = future.result(timeout=0) if future.done() else None
        except BrokenProcessPool:
            value = None
        except (SystemExit, KeyboardInterrupt):  # its worker was stopped by a signal: run it again
            value = None
            if signalled is not None:
                signalled.add(id(task))
        except Exception as exc:  # an error the task did not catch
            value = {"error": f"{task.label}: the worker stopped ({type(exc).__name__}); skipped"}
        if value is None:
            lost.append(task)
        else:
            progress(done(task, value))
    return lost


def _halt(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now: what runs may be stuck, so it is not waited for."""
    processes = list((pool._processes or {}).values())  # the executor offers no other way to reach them
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()  # a worker's SIGTERM unwinds it: no temp file is left
    deadline = time.monotonic() + GRACE
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join()


def _pool(jobs: int, initializer, initargs) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=initializer, initargs=initargs)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
