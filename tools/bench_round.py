"""Round-report benchmark: `scorer round` on 3,000 reports, beyond the batch itself.

Scoring 3,000 reports is bench_batch.py's measure; here the batch is made without scoring:
the seeds are scored once, and each of N synthetic reports is a seed's result.json under
another region name with some criteria dropped (its areas and total recomputed), ranked
by ranking.py as a batch would be. An earlier round of the same governments one year
before is made alike; one report in ten copies its earlier one, with both texts on disk
and distinct from every other report, so that 照搬上年 is found and measured on the texts.

    .venv/bin/python tools/bench_round.py [--n 3000]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCORER = str(ROOT / ".venv" / "bin" / "scorer")
COPY_EVERY = 10


def seed_results(folder: Path) -> list[dict]:
    subprocess.run([SCORER, "score", str(ROOT / "seeds"), "--out", str(folder), "--format", "json"],
                   check=True, capture_output=True)
    return [json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*/result.json"))]


def variant(result: dict, i: int, year_shift: int, rng: random.Random) -> dict:
    """A seed's result as another government's: region, year and some criteria changed."""
    r = copy.deepcopy(result)
    m = r["metadata"]
    m["region"], m["city"] = f"样本{i}区", f"样本{i % 40}市"
    m["year"] = (m["year"] or 2023) + year_shift
    for c in r["criteria"]:
        if c["applies"] and rng.random() < 0.2:
            c["level"], c["points"], c["evidence"] = 0, 0.0, []
    for a in r["areas"]:
        a["points"] = round(sum(c["points"] for c in r["criteria"] if c["area"] == a["id"]), 2)
    r["total"] = round(sum(a["points"] for a in r["areas"]), 2)
    return r


def write_round(folder: Path, seeds: list[dict], n: int, year_shift: int, texts: Path) -> None:
    """n results, their fingerprints and ranking.json, as `scorer score` leaves them."""
    from scorer.copying import fingerprint
    from scorer.files import to_json
    from scorer.ranking import build_ranking, summarize
    from scorer.rubric import load_rubric

    rng = random.Random(year_shift)
    summaries = []
    for i in range(n):
        name = f"{i:05d}"
        result = variant(seeds[i % len(seeds)], i, year_shift, rng)
        if i % COPY_EVERY == 0:  # a report that copies its earlier one: a text of its own on disk
            words = random.Random(i)  # the same text in both rounds
            text = f"样本{i}区" + "".join(words.choice("法治政府建设依法行政执法监督复议应诉公开普法") for _ in range(6000))
            path = texts / f"{name}_{year_shift}.txt"
            path.write_text(text + ("" if year_shift else "今年新增的内容。" * 20), "utf-8")
            result["input"] |= {"path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
            prints = fingerprint(text)
        else:
            prints = sorted(rng.sample(range(1 << 31), 600))
        (folder / name).mkdir(parents=True)
        (folder / name / "result.json").write_text(to_json(result), "utf-8")
        (folder / name / ".fingerprint.json").write_text(json.dumps(prints), "utf-8")
        summaries.append(summarize(result) | {"name": name, "path": result["input"]["path"]})
    (folder / "ranking.json").write_text(to_json(build_ranking(summaries, [], load_rubric(None))), "utf-8")


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seeds = seed_results(tmp / "seeds")
        (tmp / "texts").mkdir()
        write_round(tmp / "now", seeds, n, 0, tmp / "texts")
        write_round(tmp / "before", seeds, n, -1, tmp / "texts")
        alone = timed([SCORER, "round", str(tmp / "now")])
        both = timed([SCORER, "round", str(tmp / "now"), "--previous", str(tmp / "before")])
        cmp = json.loads((tmp / "now" / "round_comparison.json").read_text("utf-8"))["governments"]
        pages = subprocess.run(["pdfinfo", str(tmp / "now" / "评估报告.pdf")], capture_output=True, text=True).stdout
        print(f"{n} reports: scorer round {alone:.1f} s; with --previous ({n} earlier reports) {both:.1f} s")
        print(f"matched {sum(r['status'] == '两轮均有' for r in cmp)}, 照搬上年 {sum(bool(r.get('copied_previous')) for r in cmp)}; "
              + next((line.replace('  ', '') for line in pages.splitlines() if line.startswith("Pages")), ""))


if __name__ == "__main__":
    main()
