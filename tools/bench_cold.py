"""Cold-start benchmark: wall time of fresh `scorer` processes, process start included.

`scorer explain` and `scorer score --format json` on one seed, against a bare
`python -c pass` as the floor, run in turns (one of each per round) so that a
busy spell of a shared machine hits all of them; medians. The caches scorer
keeps between runs (SCORER_CACHE_DIR) live in a temporary folder filled by one
run first, as a user's second run finds them; the same commands with
SCORER_CACHE_DIR=off show the first run ever.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
GOALS = {"explain": 0.5, "score_json": 0.6}


def _commands(seed: Path, out: Path) -> dict[str, list[str]]:
    scorer = str(BIN / "scorer")
    return {
        "python_pass": [str(BIN / "python"), "-c", "pass"],
        "explain": [scorer, "explain", str(seed)],
        # a fresh --out each run: a folder scored before would only be reused
        "score_json": [scorer, "score", str(seed), "--out", str(out), "--format", "json", "--jobs", "1"],
    }


def _run(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return seconds


def bench_cold(rounds: int = 7) -> dict:
    """Median wall seconds of each command in fresh processes, with and without scorer's caches."""
    seed = sorted((ROOT / "seeds").glob("001_*.txt"))[0]
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="scorer-bench-cold-") as tmp:
        envs = {"": {**os.environ, "SCORER_CACHE_DIR": str(Path(tmp) / "cache")},
                "_cache_off": {**os.environ, "SCORER_CACHE_DIR": "off"}}
        for n in range(rounds + 1):  # round 0 fills the cache and warms the OS's file cache; not counted
            for suffix, env in envs.items():
                for name, cmd in _commands(seed, Path(tmp) / f"out{n}{suffix}").items():
                    if suffix and name == "python_pass":
                        continue
                    seconds = _run(cmd, env)
                    if n:
                        times.setdefault(name + suffix, []).append(seconds)
    r: dict = {"rounds": rounds, "report": seed.name, "python": sys.version.split()[0]}
    for name, ts in times.items():
        r[f"{name}_s"] = round(statistics.median(ts), 3)
    floor = statistics.median(times["python_pass"])
    for name in times:
        if name != "python_pass":
            r[f"{name}_over_floor"] = round(statistics.median(times[name]) / floor, 1)
    return r


def cold_markdown(r: dict) -> list[str]:
    def row(label: str, key: str, goal: float | None = None) -> str:
        goal_text = f" (goal < {goal} s)" if goal else ""
        ratio = f" ({r[key + '_over_floor']}× the floor)" if key + "_over_floor" in r else ""
        return f"| {label}{goal_text} | {r[key + '_s']} s{ratio} |"

    return [
        "## Cold start",
        "",
        f"Wall time of a fresh process, start included, on `seeds/{r['report']}`: median of {r['rounds']} rounds "
        "run in turns. Caches (`SCORER_CACHE_DIR`) filled by one earlier run, as a user's second run finds "
        "them; `SCORER_CACHE_DIR=off` is the first run ever.",
        "",
        "| command | median |",
        "|---|---|",
        row("`python -c pass` (the floor)", "python_pass"),
        row("`scorer explain REPORT`", "explain", GOALS["explain"]),
        row("`scorer score REPORT --format json`", "score_json", GOALS["score_json"]),
        row("`scorer explain REPORT`, caches off", "explain_cache_off"),
        row("`scorer score REPORT --format json`, caches off", "score_json_cache_off"),
        "",
    ]


if __name__ == "__main__":
    result = bench_cold(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
    print("\n".join(cold_markdown(result)))
