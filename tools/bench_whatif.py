"""Rubric what-if benchmark: `scorer rubric diff` over a synthetic batch made from the seeds
(in a temporary folder, never committed), with the document cache empty and filled.

Each run is a fresh process; cold and warm runs take turns, so that a slow spell of the
machine hits both. Compared with jieba's plain tokenisation of the same texts.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from tools.bench_batch import SCORER, jieba_seconds, make_corpus

ROOT = Path(__file__).resolve().parent.parent
OLD = ROOT / "rubrics" / "fazhi-annual.yaml"
NEW = ROOT / "rubrics" / "examples" / "gangyao-balanced.yaml"


def timed_diff(reports: Path, cache: Path, out: Path) -> float:
    """Wall time of one `scorer rubric diff --json` in a fresh process, its output kept."""
    env = dict(os.environ, SCORER_CACHE_DIR=str(cache))
    start = time.perf_counter()
    with out.open("wb") as fh:
        run = subprocess.run([SCORER, "rubric", "diff", str(OLD), str(NEW), "--reports", str(reports), "--json"],
                             stdout=fh, stderr=subprocess.PIPE, env=env)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"rubric diff failed with {run.returncode}: {run.stderr.decode(errors='replace')[-500:]}")
    return seconds


def bench_whatif(n: int = 3000, runs: int = 2) -> dict:
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="scorer-whatif-") as tmp:
        tmp = Path(tmp)
        paths = make_corpus(n, tmp / "in")
        jieba_s = jieba_seconds(paths)
        warm_cache = tmp / "warm"
        timed_diff(tmp / "in", warm_cache, tmp / "fill.json")  # fills the cache the warm runs read
        cold, warm = [], []
        for k in range(runs):  # in turns
            cold.append(timed_diff(tmp / "in", tmp / f"cold{k}", tmp / f"cold{k}.json"))
            warm.append(timed_diff(tmp / "in", warm_cache, tmp / f"warm{k}.json"))
        outputs = {p.read_bytes() for p in tmp.glob("*.json")}
        if len(outputs) != 1:
            raise SystemExit("rubric diff gave different outputs with and without the cache")
        entries = list((warm_cache / "documents").glob("*.entry"))
        cold_s, warm_s = statistics.median(cold), statistics.median(warm)
        return {
            "reports": n, "cores": cores, "runs": runs,
            "corpus_mb": round(sum(p.stat().st_size for p in paths) / 1e6, 1),
            "jieba_tokenise_s": round(jieba_s, 1),
            "cold_s": round(cold_s, 1), "warm_s": round(warm_s, 1),
            "cold_runs_s": [round(s, 1) for s in cold], "warm_runs_s": [round(s, 1) for s in warm],
            "warm_speedup": round(cold_s / warm_s, 2),
            "cold_vs_jieba": round(cold_s / jieba_s, 2), "warm_vs_jieba": round(warm_s / jieba_s, 2),
            "cache_mb": round(sum(e.stat().st_size for e in entries) / 1e6, 1),
        }


def whatif_markdown(r: dict) -> list[str]:
    return [
        "## Rubric what-if",
        "",
        f"`scorer rubric diff fazhi-annual.yaml gangyao-balanced.yaml` over a synthetic batch of {r['reports']} "
        f"reports ({r['corpus_mb']} MB) made from the seeds (as in the batch benchmark; never committed), "
        f"{r['cores']} worker processes. Wall time of a fresh process including start and ranking, the median "
        f"of {r['runs']} runs with the document cache empty (cold) and filled (warm), taken in turns.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| jieba plain tokenisation of the same texts, one core | {r['jieba_tokenise_s']} s |",
        f"| cold cache: read, match twice, rank twice | {r['cold_s']} s (runs: {r['cold_runs_s']}) |",
        f"| warm cache: match twice, rank twice (goal < 30 s) | {r['warm_s']} s (runs: {r['warm_runs_s']}) |",
        f"| cold / warm | {r['warm_speedup']}× |",
        f"| warm what-if / jieba tokenisation | {r['warm_vs_jieba']} |",
        f"| cache size for the batch | {r['cache_mb']} MB |",
        "",
    ]


if __name__ == "__main__":
    import sys

    print("\n".join(whatif_markdown(bench_whatif(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))))
