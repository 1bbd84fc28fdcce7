"""Rubric what-if benchmark: `scorer rubric diff` over a synthetic batch made from the seeds
(in a temporary folder, never committed), with the document cache empty and filled.

Each run is a fresh process; cold and warm runs take turns, so that a slow spell of the
machine hits both. Compared with jieba's plain tokenisation of the same texts.
"""

from __future__ import annotations

import json
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


ONE_PROCESS = ("import sys; from pathlib import Path; from scorer.rubric import load_rubric; "
               "from scorer.rubric_diff import diff_json, diff_rubrics; import json; "
               "d = diff_rubrics(load_rubric(sys.argv[1]), load_rubric(sys.argv[2]), Path(sys.argv[3]), jobs=1); "
               "print(json.dumps(diff_json(d), ensure_ascii=False))")


# A what-if that changes what is looked for, not only points: every report is matched under
# both rubrics (a points-only change shares its matching, matcher.matching_key).
TERMS_EDIT = """extends: {base}
id: terms-edit
title: 执法公示 with one more term
criteria:
  - id: enforcement.publicity
    rules:
      - terms: [执法公示, 行政执法公示, 执法信息公示, 公示执法信息, 执法信息公开, 公开执法信息, 双公示, 事前公开,
                事中公示, 事后公开, 执法结果公示, 执法主体公示, 公示平台]
"""


def timed_diff(reports: Path, cache: Path, out: Path, jobs: int | None = None, new: Path = NEW) -> float:
    """Wall time of one `scorer rubric diff --json` in a fresh process, its output kept;
    with jobs=1, the same diff in one process (the command has no --jobs)."""
    env = dict(os.environ, SCORER_CACHE_DIR=str(cache))
    cmd = ([SCORER, "rubric", "diff", str(OLD), str(new), "--reports", str(reports), "--json"] if jobs is None
           else [str(ROOT / ".venv" / "bin" / "python"), "-c", ONE_PROCESS, str(OLD), str(new), str(reports)])
    start = time.perf_counter()
    with out.open("wb") as fh:
        run = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"rubric diff failed with {run.returncode}: {run.stderr.decode(errors='replace')[-500:]}")
    return seconds


def _entries(cache: Path) -> int:
    return len(list((cache / "documents").glob("*.entry")))


def bench_whatif(n: int = 3000, runs: int = 2) -> dict:
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="scorer-whatif-") as tmp:
        tmp = Path(tmp)
        paths = make_corpus(n, tmp / "in")
        jieba_s = jieba_seconds(paths)
        warm_cache = tmp / "warm"
        timed_diff(tmp / "in", warm_cache, tmp / "fill.json")  # fills the cache the warm runs read
        filled = _entries(warm_cache)
        terms = tmp / "terms-edit.yaml"
        terms.write_text(TERMS_EDIT.format(base=OLD), "utf-8")
        (tmp / "terms").mkdir()
        times: dict[str, list[float]] = {"cold": [], "warm": [], "warm1": [], "terms": []}
        for k in range(runs):  # in turns
            times["cold"].append(timed_diff(tmp / "in", tmp / f"cold{k}", tmp / f"cold{k}.json"))
            times["warm"].append(timed_diff(tmp / "in", warm_cache, tmp / f"warm{k}.json"))
            times["warm1"].append(timed_diff(tmp / "in", warm_cache, tmp / f"one{k}.json", jobs=1))
            times["terms"].append(timed_diff(tmp / "in", warm_cache, tmp / "terms" / f"{k}.json", new=terms))
        outputs = {json.dumps(json.loads(p.read_bytes()), sort_keys=True) for p in tmp.glob("*.json")}
        if len(outputs) != 1:
            raise SystemExit("rubric diff gave different outputs with and without the cache or workers")
        if len({p.read_bytes() for p in (tmp / "terms").glob("*.json")}) != 1:
            raise SystemExit("rubric diff with the terms edit gave different outputs from run to run")
        cold_s, warm_s, warm1_s, terms_s = (statistics.median(times[k]) for k in ("cold", "warm", "warm1", "terms"))
        return {
            "reports": n, "cores": cores, "runs": runs,
            "corpus_mb": round(sum(p.stat().st_size for p in paths) / 1e6, 1),
            "jieba_tokenise_s": round(jieba_s, 1),
            "cold_s": round(cold_s, 1), "warm_s": round(warm_s, 1), "warm_one_process_s": round(warm1_s, 1),
            "terms_s": round(terms_s, 1),
            **{f"{k}_runs_s": [round(s, 1) for s in v] for k, v in times.items()},
            "warm_speedup": round(cold_s / warm_s, 2), "workers_speedup": round(warm1_s / warm_s, 2),
            "cold_vs_jieba": round(cold_s / jieba_s, 2), "warm_vs_jieba": round(warm_s / jieba_s, 2),
            "cache_mb": round(sum(e.stat().st_size for e in (warm_cache / "documents").glob("*.entry")) / 1e6, 1),
            # entries the warm runs had to add: the reading code changed during the benchmark (0 expected)
            "warm_misses": _entries(warm_cache) - filled,
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
        f"| cold cache: read, match once (points only differ), rank twice | {r['cold_s']} s "
        f"(runs: {r['cold_runs_s']}) |",
        f"| warm cache: match once, rank twice (goal < 30 s) | {r['warm_s']} s (runs: {r['warm_runs_s']}) |",
        f"| warm cache, a rubric that adds a term (every report matched twice) | {r['terms_s']} s "
        f"(runs: {r['terms_runs_s']}) |",
        f"| warm cache, one process | {r['warm_one_process_s']} s (runs: {r['warm1_runs_s']}) |",
        f"| cold / warm | {r['warm_speedup']}× |",
        f"| speed-up 1 → {r['cores']} processes, warm | {r['workers_speedup']}× |",
        f"| warm what-if / jieba tokenisation | {r['warm_vs_jieba']} |",
        f"| cache size for the batch | {r['cache_mb']} MB ({r['warm_misses']} entries added by warm runs) |",
        "",
    ]


if __name__ == "__main__":
    import sys

    print("\n".join(whatif_markdown(bench_whatif(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))))
