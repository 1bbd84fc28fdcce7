"""Cost against a report's size: a seed scored as written and repeated up to the size limit.

Each report is scored by a fresh process doing what one batch worker does for one
report (read, fingerprint, score, write result.json). The process starts as a batch's
worker does (the rubric, the dictionary and the gazetteer loaded) and first scores
another seed, so that the caches hold none of the timed text (the document cache is
emptied before each process: the report is read and its entry written, as in a first
batch): its resident memory then is the base, and its peak is reset to it (Linux:
/proc/self/clear_refs); its peak after scoring the report, less that base, is what the
report cost. Sizes take turns, round after
round, so that a slow spell of the machine hits them all; the figures are medians
over rounds.

    .venv/bin/python tools/bench_size.py --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scorer.read import MAX_BYTES  # noqa: E402

SEED = "001"  # a simplified-script report of 19 KB
FACTORS = (1, 16, 64, 256)
TIME_GOAL = 1.5  # time per MB, largest / smallest
MEMORY_GOAL = 10  # peak memory above the base, per MB of text

# Run in the child: one worker's work on one report, timed, with its peak memory.
CHILD = r"""
import json, sys, tempfile, time
from pathlib import Path
from scorer.batch import workers
from scorer.rubric import load_rubric


def status(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024


warm_up, reports = sys.argv[1], sys.argv[2:]
workers.init_scoring_worker(load_rubric(), warm=True)  # as a batch worker starts
folder = tempfile.mkdtemp(prefix="scorer-bench-size-")
assert "error" not in workers.score_report(warm_up, folder)
Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from what the process holds now
base = status("VmRSS")
times = []
for report in reports:
    t = time.perf_counter()
    assert "error" not in workers.score_report(report, folder)
    times.append(time.perf_counter() - t)
print(json.dumps({"s": sorted(times)[len(times) // 2], "base_mb": base, "peak_mb": status("VmHWM")}))
"""


_SENTENCE_END = re.compile(r"([。；！？;!?]|\n)")


def _distinct(text: str, copy: int) -> str:
    """A copy whose every sentence and line ends with its copy's number: no sentence
    repeats, so none is flagged as stuffing and every copy is matched as a report."""
    return _SENTENCE_END.sub(lambda m: f"〔{copy}〕{m.group(1)}", text)


def _reports(folder: Path, limit_mb: int) -> dict[tuple[str, str], list[Path]]:
    """(series, name) → reports of one size: the seed repeated by each factor and as many
    times as fit in the size limit; and copies made distinct, by each factor. A small size
    is timed over several variants (their sentences carry another number), so that no
    variant finds the sentences of one timed before it in the process's caches."""
    text = _seed().read_text("utf-8")
    # The variants' numbers lengthen the text: the largest copy of one must still fit the limit.
    at_limit = limit_mb * 1024 * 1024 // len(_distinct(text, 100_000).encode("utf-8"))
    mb = len(text.encode("utf-8")) / 1e6
    out: dict[tuple[str, str], list[Path]] = {}
    for factor in (*FACTORS, at_limit):
        name = f"{factor}×" if factor != at_limit else f"{factor}× (the {limit_mb} MB limit)"
        for v in range(_variants(factor * mb)):
            path = folder / f"repeated_x{factor}_{v}.txt"
            path.write_text(_distinct(text, 100_000 + v) * factor, "utf-8")  # copies alike within a report
            out.setdefault(("repeated", name), []).append(path)
    for factor in FACTORS:
        for v in range(_variants(factor * mb)):
            path = folder / f"distinct_x{factor}_{v}.txt"
            path.write_text("".join(_distinct(text, v * factor + k) for k in range(factor)), "utf-8")
            out.setdefault(("distinct", f"{factor}×"), []).append(path)
    return out


def _variants(mb: float) -> int:
    """Small reports are timed several times (each a variant), for a steadier time."""
    return max(1, min(50, round(1.0 / mb)))


def _warm_up() -> Path:
    """Scored first in each process: another seed, so that caches hold none of the timed text."""
    return next(p for p in sorted((ROOT / "seeds").glob("*.txt")) if not p.name.startswith(SEED))


def _seed() -> Path:
    return next((ROOT / "seeds").glob(SEED + "_*.txt"))


def bench_size(rounds: int, limit_mb: int) -> dict:
    runs: dict[tuple[str, str], list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        reports = _reports(Path(tmp), limit_mb)
        sizes = {key: paths[0].stat().st_size / 1e6 for key, paths in reports.items()}
        # The caches of the dictionary and the rubric are kept from child to child; the document
        # cache is emptied before each, so that every report is read, and its entry written, as a
        # first batch meets it (a report read before would only be unpickled).
        cache = Path(tmp) / "cache"
        env = dict(os.environ, SCORER_CACHE_DIR=str(cache))
        for _ in range(rounds):
            for key, paths in reports.items():
                shutil.rmtree(cache / "documents", ignore_errors=True)
                done = subprocess.run([sys.executable, "-c", CHILD, str(_warm_up()), *map(str, paths)],
                                      cwd=ROOT, env=env, check=True, capture_output=True, text=True)
                runs.setdefault(key, []).append(json.loads(done.stdout.strip().splitlines()[-1]))
    series: dict[str, list[dict]] = {}
    for (name, report), measured in runs.items():
        mb = sizes[name, report]
        seconds = statistics.median(m["s"] for m in measured)
        extra = statistics.median(m["peak_mb"] - m["base_mb"] for m in measured)
        series.setdefault(name, []).append({
            "report": report, "mb": round(mb, 2), "s": round(seconds, 3), "s_per_mb": round(seconds / mb, 3),
            "base_mb": round(statistics.median(m["base_mb"] for m in measured)),
            "peak_above_base_mb": round(extra, 1), "peak_per_mb": round(extra / mb, 1)})
    summary = {}
    for name, rows in series.items():
        per_mb = [r["s_per_mb"] for r in rows]
        summary[name] = {"time_ratio": round(per_mb[-1] / per_mb[0], 2),
                         "time_ratio_from_16": round(per_mb[-1] / per_mb[1], 2),
                         # Below a MB the interpreter's own growth hides a report's cost: judged from 64× up.
                         "peak_per_mb_max": max(r["peak_per_mb"] for r in rows[2:])}
    return {"seed": _seed().name, "rounds": rounds, "limit_mb": limit_mb, "series": series, "summary": summary}


def size_markdown(r: dict) -> list[str]:
    lines = [
        "## Report size",
        "",
        f"The seed `{r['seed']}` at 1× and repeated, each report by a fresh process doing one batch "
        "worker's work on one report (read, fingerprint, score, write result.json) after scoring another seed "
        "(so that its caches hold none of the timed text); a report under a MB is timed as several variants, "
        "whose sentences carry another number, and the median taken. Medians of "
        f"{r['rounds']} rounds, all reports taking turns. Peak memory is the process's peak "
        "resident memory while it scores the report less its resident memory before (the base: Python, the "
        "rubric, the dictionary, the gazetteer).",
        "",
        "- **repeated**: the seed repeated, each copy alike, up to the size limit. From three copies on, every "
        "sentence stands three times and is flagged as stuffing (hygiene.py), so this measures reading, "
        "flagging and structure; matching sees little of it.",
        "- **distinct**: each copy's sentences and lines end with the copy's number, so nothing repeats and "
        "every copy is matched and judged as a report.",
        "",
        "| series | report | MB | time | time per MB | base | peak above base | per MB of text |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, rows in r["series"].items():
        for row in rows:
            lines.append(f"| {name} | {row['report']} | {row['mb']} | {row['s']} s | {row['s_per_mb']} s | "
                         f"{row['base_mb']} MB | {row['peak_above_base_mb']} MB | {row['peak_per_mb']} |")
    lines.append("")
    for name, s in r["summary"].items():
        lines.append(f"- {name}: time per MB, largest / smallest (goal ≤ {TIME_GOAL}) **{s['time_ratio']}**, "
                     f"largest / 16× {s['time_ratio_from_16']}; peak memory above the base per MB of text, "
                     f"from 64× up (goal ≤ {MEMORY_GOAL}) **{s['peak_per_mb_max']}**.")
    lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit-mb", type=int, default=MAX_BYTES // (1024 * 1024))
    args = parser.parse_args()
    results = bench_size(args.rounds, args.limit_mb)
    print(json.dumps(results, indent=1, ensure_ascii=False))
    print("\n".join(size_markdown(results)))


if __name__ == "__main__":
    main()
