"""Re-run benchmark: a synthetic batch made from the seeds (in a temporary folder, never
committed) scored into an empty folder, then again unchanged into the same folder.

Each run is a fresh process (`scorer score … --format json`), as a user runs it. The first
runs and the re-runs take turns over the rounds (first, rerun, first, rerun, …; each first
run into a new folder), so that a slow spell of a shared machine hits both; the medians and
their ratio are reported.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from tools.bench_batch import SCORER, first_run_cache, make_corpus

ROUNDS = 3


def _run(inputs: Path, out: Path, env: dict[str, str]) -> float:
    """Wall time of one `scorer score` over `inputs` into `out`, JSON only."""
    start = time.perf_counter()
    run = subprocess.run([SCORER, "score", str(inputs), "--out", str(out), "--format", "json"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=os.environ | env)
    seconds = time.perf_counter() - start
    if run.returncode not in (0, 1):
        raise SystemExit(f"scorer score failed with {run.returncode}: {run.stderr[-500:]}")
    return seconds


def bench_rerun(n: int = 600, rounds: int = ROUNDS) -> dict:
    """Medians of the first run and the unchanged re-run of n reports, and the ratio rerun/first."""
    firsts, reruns = [], []
    with tempfile.TemporaryDirectory(prefix="scorer-bench-rerun-") as tmp:
        tmp = Path(tmp)
        make_corpus(n, tmp / "in")
        for i in range(rounds):
            out = tmp / f"out{i}"
            cache = first_run_cache(tmp, "rerun")  # the first run reads every report, as a first batch does
            firsts.append(_run(tmp / "in", out, cache))
            reruns.append(_run(tmp / "in", out, cache))
            if i:
                shutil.rmtree(tmp / f"out{i - 1}")  # keep one folder at a time on disk
    first, rerun = statistics.median(firsts), statistics.median(reruns)
    return {"reports": n, "rounds": rounds, "first_s": round(first, 2), "rerun_s": round(rerun, 2),
            "first_runs_s": [round(s, 2) for s in firsts], "reruns_s": [round(s, 2) for s in reruns],
            "rerun_vs_first": round(rerun / first, 3)}


def rerun_markdown(r: dict) -> list[str]:
    return [
        "## Re-run",
        "",
        f"A synthetic batch of {r['reports']} reports made from the seeds (as in Batch), scored with "
        "`--format json` into an empty folder (first run), then again unchanged into the same folder "
        f"(re-run): each a fresh process, wall time including process start, in turns over {r['rounds']} "
        "rounds, medians. A re-run reuses every result and writes no output whose inputs did not change.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| first run (median) | {r['first_s']} s |",
        f"| unchanged re-run (median) | {r['rerun_s']} s |",
        f"| re-run / first run | {r['rerun_vs_first']} |",
        "",
    ]


if __name__ == "__main__":
    import json
    import sys

    result = bench_rerun(int(sys.argv[1]) if len(sys.argv) > 1 else 600)
    print(json.dumps(result, indent=1))
    print("\n".join(rerun_markdown(result)))
