"""Signals and time limits in a batch: a stop is honoured whenever it comes, a stuck worker
neither holds the parent nor outlives it, and a report over the time limit fails alone.

A report is made stuck by a wrapper that starts scorer with `_read` replaced: a file
whose name holds "stuck" sleeps (after writing its worker's pid), others score as usual.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scorer.batch import workers
from scorer.batch.pool import WORKER_DIED
from tests.conftest import ROOT, cli, seed

WRAPPER = """
import os, sys, time
from pathlib import Path
import scorer.batch.workers as w
real = w._read
def _read(path):
    if "stuck" in str(path):
        Path(sys.argv[1], f"worker-{os.getpid()}").write_text("")
        while True:
            time.sleep(1)
    return real(path)
w._read = _read
from scorer.cli import app
app(sys.argv[2:], prog_name="scorer")
"""


def _start(tmp_path, *args):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(seed("001").read_text("utf-8"), "utf-8")
    (inputs / "stuck.txt").write_text(seed("003").read_text("utf-8"), "utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-c", WRAPPER, str(tmp_path), "score", str(inputs), "--out", str(out),
           "--format", "json", "--jobs", "2", *args]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not (list(out.glob("*/result.json")) and list(tmp_path.glob("worker-*"))):
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    return proc, out, int(next(tmp_path.glob("worker-*")).name.split("-")[1])


def _gone(pid):
    """Whether a process has ended (a zombie waiting for its reaper has ended too)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _wait_gone(pid):
    deadline = time.monotonic() + 60  # a bound on waiting, not a measure: it ends at once when right
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(pid), f"worker {pid} outlived the stop"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_after_the_last_submission_is_honoured_with_a_worker_stuck(tmp_path, sig):
    proc, out, worker = _start(tmp_path)  # every job submitted, one done, one stuck
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, stderr
    assert "再次运行同一命令即可接着评分" in stderr
    _wait_gone(worker)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert not (out / "ranking.json").exists()


def test_killing_the_parent_stops_its_workers(tmp_path):
    proc, _, worker = _start(tmp_path)
    proc.kill()
    proc.communicate(timeout=120)
    _wait_gone(worker)


def test_a_report_over_the_time_limit_fails_alone(tmp_path, monkeypatch):
    real = workers._read

    def slow(path):
        if "slow" in str(path):
            time.sleep(600)
        return real(path)

    monkeypatch.setattr(workers, "_read", slow)  # the workers are forked from this process
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, prefix in (("a.txt", "001"), ("b.txt", "003"), ("slow.txt", "002")):
        (inputs / name).write_text(seed(prefix).read_text("utf-8"), "utf-8")
    out = tmp_path / "out"
    run = cli("score", inputs, "--out", out, "--format", "json", "--time-limit", "1", "--jobs", "2")
    assert run.returncode == 1
    errors = json.loads((out / "errors.json").read_text("utf-8"))
    assert errors == [{"file": str(inputs / "slow.txt"), "error": f"{inputs / 'slow.txt'}: scoring took longer than "
                       "the time limit of 1 s; skipped (check the file, or raise the limit with --time-limit)",
                       "message": "评分超过 1 秒时限，已跳过（请检查文件，或用 --time-limit 放宽时限）"}]
    ranking = json.loads((out / "ranking.json").read_text("utf-8"))
    assert ranking["n_scored"] == 2 and all((out / n / "result.json").exists() for n in ("a", "b"))
    assert os.path.exists(out / "index.html")


def test_a_report_that_kills_its_worker_fails_alone(tmp_path, monkeypatch):
    real = workers._read

    def crash(path):
        if "crash" in str(path):
            os._exit(1)  # as the kernel's OOM killer or the time limit's backstop would end it
        return real(path)

    monkeypatch.setattr(workers, "_read", crash)
    inputs = tmp_path / "in"
    inputs.mkdir()
    names = [f"r{i}.txt" for i in range(6)]
    for i, name in enumerate(names):
        (inputs / name).write_text(seed(f"00{i % 5}").read_text("utf-8"), "utf-8")
    (inputs / "r2crash.txt").write_text(seed("001").read_text("utf-8"), "utf-8")
    out = tmp_path / "out"
    run = cli("score", inputs, "--out", out, "--format", "json", "--jobs", "2")
    assert run.returncode == 1, run.stderr
    errors = json.loads((out / "errors.json").read_text("utf-8"))
    assert errors == [{"file": str(inputs / "r2crash.txt"), "error": f"r2crash.txt: {WORKER_DIED}; skipped",
                       "message": "评分进程意外中止（被终止、内存不足或卡在库调用中），已跳过"}]
    ranking = json.loads((out / "ranking.json").read_text("utf-8"))
    assert ranking["n_scored"] == 6 and all((out / n[:-4] / "result.json").exists() for n in names)


def _square(n: int) -> dict:
    return {"value": n * n}


def test_what_the_parent_does_meanwhile_runs_once_after_the_workers_are_forked():
    """The parent imports the exports' libraries while the workers score: never before they
    are forked (a fork amid an import can leave a child waiting on the import lock forever)."""
    import multiprocessing

    from scorer.batch.pool import Task, run_tasks

    seen, values = [], []

    def meanwhile():
        seen.append(len(multiprocessing.active_children()))

    def done(task, value):
        values.append(value["value"])
        return ""

    tasks = [Task(f"t{n}", _square, (n,)) for n in range(5)]
    assert run_tasks(tasks, jobs=2, done=done, progress=lambda message: None, meanwhile=meanwhile) == 0
    assert seen == [2] and sorted(values) == [0, 1, 4, 9, 16]


def _nap(n: int) -> dict:
    time.sleep(0.05 * n)
    return {"value": n}


def test_a_task_that_finished_as_the_stop_came_is_handed_on():
    """The interrupt's count and the re-run's reuse agree: a report whose result was written
    while the parent handled another's is counted, not left for the re-run to find."""
    from scorer.batch.pool import Task, run_tasks

    values = []

    def done(task, value):
        values.append(value["value"])
        if len(values) == 1:
            time.sleep(0.6)  # the second task finishes meanwhile, before the stop is seen
            os.kill(os.getpid(), signal.SIGINT)
        return ""

    tasks = [Task(f"t{n}", _nap, (n,)) for n in (0, 1, 30)]
    assert run_tasks(tasks, jobs=2, done=done, progress=lambda message: None) == signal.SIGINT
    assert sorted(values) == [0, 1]  # both may finish before the first is handed on, in either order


GROUP_TERM = """
import json, multiprocessing, os, signal, threading, time
from scorer.batch.pool import Task, run_tasks
from scorer.batch.workers import init_worker

def work(n):
    time.sleep(1.0)
    return {"value": n}

def mine(signum, frame):
    pass

if __name__ == "__main__":
    signal.signal(signal.SIGTERM, mine)
    values = []
    def done(task, value):
        values.append(value)
        return ""
    def stop_all():  # as a service manager or a terminal stops the whole group
        time.sleep(0.3)
        os.killpg(os.getpgid(0), signal.SIGTERM)
    threading.Thread(target=stop_all, daemon=True).start()
    stopped = run_tasks([Task(f"t{n}", work, (n,)) for n in range(6)], jobs=2, done=done,
                        progress=lambda message: None, initializer=init_worker, initargs=(None,))
    deadline = time.monotonic() + 5  # the executor's own thread may still be reaping a stopped worker
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    print(json.dumps({"stopped": stopped, "values": values, "alive": len(multiprocessing.active_children()),
                      "restored": signal.getsignal(signal.SIGTERM) is mine}))
"""


def test_sigterm_to_the_whole_process_group_stops_the_run_and_fails_no_task(tmp_path):
    """Each worker's task ends in SystemExit as the parent stops: that is no failure of its
    report (the re-run runs it), no worker is left, and the parent's handlers come back."""
    script = tmp_path / "group_term.py"
    script.write_text(GROUP_TERM, "utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                         cwd=ROOT, start_new_session=True)
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {
        "stopped": signal.SIGTERM, "values": [], "alive": 0, "restored": True}, run.stderr


def _exits_once(marker: str) -> dict:
    """Ends as a worker's task ends when SIGTERM reaches it first; runs on the second try."""
    if not os.path.exists(marker):
        open(marker, "w").close()
        raise SystemExit(143)
    return {"value": 1}


def test_a_task_a_signal_stopped_before_the_parent_heard_of_it_is_run_again_not_failed(tmp_path):
    from scorer.batch.pool import Task, run_tasks

    values = []

    def done(task, value):
        values.append(value)
        return ""

    assert run_tasks([Task("t", _exits_once, (str(tmp_path / "ran"),))], jobs=1, done=done,
                     progress=lambda message: None) == 0
    assert values == [{"value": 1}]


def _always_exits() -> dict:
    raise SystemExit(1)


def test_a_task_that_exits_every_time_fails_alone_and_the_run_ends():
    from scorer.batch.pool import Task, run_tasks

    values = []

    def done(task, value):
        values.append(value)
        return ""

    assert run_tasks([Task("t", _always_exits, ())], jobs=1, done=done, progress=lambda message: None) == 0
    assert len(values) == 1 and WORKER_DIED in values[0]["error"]


def _stopped_then_dies(marker: str) -> dict:
    """Stopped by a signal on its first run, then kills its worker on every run after."""
    runs = int(Path(marker).read_text()) if os.path.exists(marker) else 0
    with open(marker, "w") as fh:
        fh.write(str(runs + 1))
    if runs == 0:
        raise SystemExit(143)
    os._exit(1)


def test_a_task_run_again_after_a_signal_that_then_kills_its_worker_fails_alone(tmp_path):
    from scorer.batch.pool import Task, run_tasks

    values = []

    def done(task, value):
        values.append(value)
        return ""

    marker = tmp_path / "runs"
    assert run_tasks([Task("t", _stopped_then_dies, (str(marker),))], jobs=1, done=done,
                     progress=lambda message: None) == 0
    assert len(values) == 1 and WORKER_DIED in values[0]["error"]
    assert marker.read_text() == "2"
