"""Cold-start benchmark: wall time of fresh `scorer` processes, process start included.

`scorer explain` and `scorer score --format json` on one seed, against a bare
`python -c pass` as the floor, run in turns (one of each per round) so that a
busy spell of a shared machine hits all of them; medians. The caches scorer
keeps between runs (SCORER_CACHE_DIR) live in a temporary folder filled by one
run first, as a user's second run finds them; each command runs on a report no
cache has seen and on one read before. The same commands with
SCORER_CACHE_DIR=off show the first run ever.

Python's own cache, the compiled bytecode of each module, is on as on a user's machine
(where a pip install writes it, or the first run does), whatever the calling environment
says: PYTHONDONTWRITEBYTECODE would have every run compile the package again from source
(about 0.15 s of a one-report score). It is written to a temporary folder
(PYTHONPYCACHEPREFIX), filled by the uncounted first round, so the work tree is untouched.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
GOALS = {"explain": 0.5, "score_json": 0.6}


def _commands(seed: Path, folder: Path, n: int, tag: str = "") -> dict[str, list[str]]:
    """Round n's commands. A "new" report has bytes no cache has seen (the seed with n blank
    lines added), as a user's first look at a report; "again" is the seed itself, read before."""
    scorer = str(BIN / "scorer")
    text = seed.read_bytes()
    new = {}
    for name, blank in (("explain", 2 * n + 1), ("score", 2 * n + 2)):
        new[name] = folder / f"{seed.stem}_{name}{n}.txt"
        new[name].write_bytes(text + b"\n" * blank)

    def score(report: Path, out: str) -> list[str]:
        # a fresh --out each run: a folder scored before would only be reused
        return [scorer, "score", str(report), "--out", str(folder / f"{out}{tag}{n}"), "--format", "json"]

    return {
        "python_pass": [str(BIN / "python"), "-c", "pass"],
        "explain": [scorer, "explain", str(new["explain"])],
        "explain_again": [scorer, "explain", str(seed)],
        "score_json": score(new["score"], "new"),
        "score_json_again": score(seed, "again"),
    }


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user and system) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return seconds, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def bench_cold(rounds: int = 7) -> dict:
    """Median wall seconds of each command in fresh processes, with and without scorer's caches."""
    seed = sorted((ROOT / "seeds").glob("001_*.txt"))[0]
    times: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="scorer-bench-cold-") as tmp:
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        base["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "bytecode")
        cached = {**base, "SCORER_CACHE_DIR": str(Path(tmp) / "cache")}
        off = {**base, "SCORER_CACHE_DIR": "off"}
        for n in range(rounds + 1):  # round 0 fills the caches and warms the OS's file cache; not counted
            commands, uncached = _commands(seed, Path(tmp), n), _commands(seed, Path(tmp), n, "off")
            runs = [(name, cmd, cached) for name, cmd in commands.items()]
            runs += [(f"{name}_cache_off", uncached[name], off) for name in ("explain", "score_json")]
            for name, cmd, env in runs:
                measured = _run(cmd, env)
                if n:
                    times.setdefault(name, []).append(measured)
    r: dict = {"rounds": rounds, "report": seed.name, "python": sys.version.split()[0]}
    for name, ts in times.items():
        r[f"{name}_s"] = round(statistics.median(t[0] for t in ts), 3)
        r[f"{name}_cpu_s"] = round(statistics.median(t[1] for t in ts), 3)
    for name in times:
        if name != "python_pass":
            r[f"{name}_over_floor"] = round(r[f"{name}_s"] / r["python_pass_s"], 1)
    return r


def cold_markdown(r: dict) -> list[str]:
    def row(label: str, key: str, goal: float | None = None) -> str:
        goal_text = f" (goal < {goal} s)" if goal else ""
        ratio = f" ({r[key + '_over_floor']}× the floor)" if key + "_over_floor" in r else ""
        return f"| {label}{goal_text} | {r[key + '_s']} s{ratio} | {r[key + '_cpu_s']} s |"

    return [
        "## Cold start",
        "",
        f"Wall time of a fresh process, start included, on `seeds/{r['report']}`: median of {r['rounds']} rounds "
        "run in turns. The caches (`SCORER_CACHE_DIR`: the dictionary's buckets, the built rubric, read "
        "documents) were filled by an earlier run, as a user's second run finds them. A new report is one "
        "no cache has seen (the seed with blank lines added, new bytes each round); again is the seed "
        "itself, read before. With `SCORER_CACHE_DIR=off` every run is the first ever. Python's bytecode "
        "cache is on in every run, as on a user's machine after a first run (kept in a temporary "
        "`PYTHONPYCACHEPREFIX`, filled by the uncounted first round). CPU is user and "
        "system time of the process: steadier than wall time on a shared machine.",
        "",
        "| command | median wall | median CPU |",
        "|---|---|---|",
        row("`python -c pass` (the floor)", "python_pass"),
        row("`scorer explain REPORT`, a new report", "explain", GOALS["explain"]),
        row("`scorer explain REPORT`, again", "explain_again"),
        row("`scorer score REPORT --format json`, a new report", "score_json", GOALS["score_json"]),
        row("`scorer score REPORT --format json`, again", "score_json_again"),
        row("`scorer explain REPORT`, caches off", "explain_cache_off"),
        row("`scorer score REPORT --format json`, caches off", "score_json_cache_off"),
        "",
    ]


if __name__ == "__main__":
    result = bench_cold(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
    print("\n".join(cold_markdown(result)))
