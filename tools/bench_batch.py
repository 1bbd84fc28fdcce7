"""Batch benchmark: a synthetic batch made from the seeds (in a temporary folder, never committed).

Measures reports per second for JSON only and with PDFs, the speed-up from 1 to
all cores, and the peak memory of the whole process tree, against jieba's plain
tokenisation of the same text in the same run.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORER = str(ROOT / ".venv" / "bin" / "scorer")
REGIONS = ("昌平区", "昌平區", "东城区", "北碚区", "昌江区", "海港区")


def make_corpus(n: int, folder: Path) -> list[Path]:
    """n reports varied from the seeds: another region name, scaled figures, reordered items."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    texts = [p.read_text("utf-8") for p in seeds]
    paths = []
    for i in range(n):
        text = texts[i % len(texts)]
        name = f"样本{i}区"
        for region in REGIONS:
            text = text.replace(region, name)
        factor = 1 + (i % 9) / 10
        text = re.sub(r"(?<![\d.])(\d{1,3})(?=[次件个项人名场家户条])",
                      lambda m, f=factor: str(int(int(m.group(1)) * f)), text)
        sub = folder / f"batch{i // 500:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"{i:05d}_{seeds[i % len(seeds)].stem[:3]}.txt"
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        stack.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of the whole process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=None if env is None else os.environ | env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss_kb(proc.pid))
        time.sleep(0.2)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with {proc.returncode}")
    return time.perf_counter() - start, peak / 1024


def jieba_seconds(paths: list[Path]) -> float:
    """jieba's plain tokenisation of the same texts, in one process (dictionary loaded first)."""
    code = ("import sys, time, jieba, logging; jieba.setLogLevel(logging.WARNING); jieba.initialize();"
            "texts=[open(p, encoding='utf-8').read() for p in sys.argv[1:]];"
            "t=time.perf_counter(); [jieba.lcut(t_) for t_ in texts]; print(time.perf_counter()-t)")
    listing = [str(p) for p in paths]
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", code, *listing],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def first_run_cache(tmp: Path, name: str) -> dict[str, str]:
    """SCORER_CACHE_DIR for a run as a first batch meets it: the dictionary and the rubric
    built by an earlier run, no document read before (each run gets its own copy)."""
    warm = tmp / "cache-warm"
    if not warm.exists():
        subprocess.run([SCORER, "score", str(ROOT / "seeds"), "--out", str(tmp / "warm-out"), "--format", "json"],
                       env=os.environ | {"SCORER_CACHE_DIR": str(warm)}, check=False, capture_output=True)
    folder = tmp / f"cache-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(warm, folder, ignore=shutil.ignore_patterns("documents"))
    return {"SCORER_CACHE_DIR": str(folder)}


def bench_batch(n: int, pdf_n: int = 100, pdf_runs: int = 3, json_runs: int = 2) -> dict:
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="scorer-bench-") as tmp:
        tmp = Path(tmp)
        paths = make_corpus(n, tmp / "in")
        mb = sum(p.stat().st_size for p in paths) / 1e6
        results = {"reports": n, "corpus_mb": round(mb, 1), "cores": cores, "json_runs": json_runs}
        turns: dict[str, list[float]] = {"jieba": [], **{f"json{jobs}": [] for jobs in sorted({1, cores})}}
        peaks: dict[str, float] = {}
        for _ in range(json_runs):  # in turns: jieba, then the batch on each number of cores
            turns["jieba"].append(jieba_seconds(paths))
            for jobs in sorted({1, cores}):
                out = tmp / f"json{jobs}"
                seconds, peak = run_measured([SCORER, "score", str(tmp / "in"), "--out", str(out), "--format",
                                              "json", "--jobs", str(jobs)], first_run_cache(tmp, f"json{jobs}"))
                turns[f"json{jobs}"].append(seconds)
                peaks[f"json{jobs}"] = max(peaks.get(f"json{jobs}", 0), peak)
                shutil.rmtree(out)
        jieba_s = statistics.median(turns["jieba"])
        results["jieba_tokenise_s"] = round(jieba_s, 1)
        for jobs in sorted({1, cores}):
            seconds = statistics.median(turns[f"json{jobs}"])
            results[f"json_jobs{jobs}_s"] = round(seconds, 1)
            results[f"json_jobs{jobs}_reports_per_s"] = round(n / seconds, 1)
            results[f"json_jobs{jobs}_peak_mb"] = round(peaks[f"json{jobs}"])
        results["json_vs_jieba"] = round(results["json_jobs1_s"] / jieba_s, 2)
        subset = tmp / "pdf-in"
        subset.mkdir()
        for p in paths[:pdf_n]:
            shutil.copy(p, subset / p.name)
        results["pdf_reports"] = pdf_n
        results["pdf_runs"] = pdf_runs
        times: dict[int, list[float]] = {jobs: [] for jobs in {1, cores}}
        peaks: dict[int, float] = dict.fromkeys(times, 0.0)
        for _ in range(pdf_runs):  # alternated, so that a slow spell of the machine hits both
            for jobs in sorted(times):
                out = tmp / f"pdf{jobs}"
                seconds, peak = run_measured([SCORER, "score", str(subset), "--out", str(out), "--jobs", str(jobs)],
                                             first_run_cache(tmp, f"pdf{jobs}"))
                times[jobs].append(seconds)
                peaks[jobs] = max(peaks[jobs], peak)
                shutil.rmtree(out)
        for jobs, runs in times.items():
            seconds = statistics.median(runs)
            results[f"pdf_jobs{jobs}_s"] = round(seconds, 1)
            results[f"pdf_jobs{jobs}_reports_per_s"] = round(pdf_n / seconds, 2)
            results[f"pdf_jobs{jobs}_peak_mb"] = round(peaks[jobs])
        results["pdf_speedup"] = round(results["pdf_jobs1_s"] / results[f"pdf_jobs{cores}_s"], 2)
        results["json_speedup"] = round(results["json_jobs1_s"] / results[f"json_jobs{cores}_s"], 2)
        results["peak_mb"] = max(v for k, v in results.items() if k.endswith("_peak_mb"))
    return results


def batch_markdown(r: dict) -> list[str]:
    c = r["cores"]
    return [
        "## Batch",
        "",
        f"A synthetic batch of {r['reports']} reports ({r['corpus_mb']} MB) made from the seeds by the benchmark "
        "(other region names, scaled figures); never committed. Wall time of `scorer score` including process "
        "start, ranking and every export, as a first batch meets it: no document read before (an empty "
        "document cache), the dictionary and the rubric built by an earlier run. jieba and the JSON runs take "
        f"turns, {r['json_runs']} rounds, medians. Peak memory is the resident memory of the whole process tree, "
        "sampled every 0.2 s. The batch repeats the seeds' sentences with other names and figures, so the "
        "engine's per-sentence caches serve it more than they would a batch of distinct reports.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| jieba plain tokenisation of the same texts, one core | {r['jieba_tokenise_s']} s |",
        f"| JSON only, 1 worker | {r['json_jobs1_s']} s ({r['json_jobs1_reports_per_s']} reports/s) |",
        f"| JSON only, {c} workers | {r[f'json_jobs{c}_s']} s ({r[f'json_jobs{c}_reports_per_s']} reports/s) |",
        f"| JSON scoring / jieba tokenisation, one core (goal ≤ 0.5) | {r['json_vs_jieba']} |",
        f"| JSON speed-up 1 → {c} cores | {r['json_speedup']}× |",
        f"| with PDFs, {r['pdf_reports']} reports, 1 worker (median of {r['pdf_runs']} runs) | {r['pdf_jobs1_s']} s ({r['pdf_jobs1_reports_per_s']} reports/s) |",
        f"| with PDFs, {r['pdf_reports']} reports, {c} workers (median of {r['pdf_runs']} runs) | {r[f'pdf_jobs{c}_s']} s "
        f"({r[f'pdf_jobs{c}_reports_per_s']} reports/s) |",
        f"| PDF speed-up 1 → {c} cores (goal ≥ 1.7) | {r['pdf_speedup']}× |",
        f"| peak memory of the process tree (goal < 1 GB) | {r['peak_mb']} MB |",
        "",
    ]
