"""Fuzzing whole batches (tools/fuzz.py --batches N): hostile file names and damaged caches.

Each batch is a few seed reports under names from the field: GBK bytes (a zip made on
Chinese Windows), control characters, spreadsheet formula prefixes and names of the
batch's own outputs. It is scored by `scorer score` in a fresh process; then some of
its result.json and fingerprint files are damaged (a key missing, a wrong type, a
hand-edited total, junk) and it is scored again. Each run must exit 0 or 1 without a
traceback or a raw control character, write every batch output, account for every
input, put no live formula in the CSV or the workbook, and score a damaged result
again rather than trust it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("ranking.json", "ranking.csv", "ranking.xlsx", "index.html", "errors.json")
NAMES = {
    "gbk": ["法治报告".encode("gbk"), "某区政府年度报告".encode("gbk"), "报告".encode("gbk") + b"\xff"],
    "control": [s.encode() for s in ("报告\x1ex", "报告\x0bx", "报告\x0cx", "报告\x07x", "坏\x1b]0;x\x07", "\x1b[31m红")],
    "formula": [s.encode() for s in ('=HYPERLINK("x","y")', "+SUM(1)", "-2+3", "@cmd", "=1+2")],
    "output": [s.encode() for s in ("index.html", "ranking.csv", "ranking.json", "errors.json", "ranking.xlsx",
                                    "ranking.pdf")],
    "plain": [f"r{i}".encode() for i in range(5)],
}
DAMAGES = ("missing key", "wrong type", "edited total", "junk fingerprint", "not json")


def fuzz_batches(rng: random.Random, count: int) -> tuple[int, list[str]]:
    """Score `count` generated batches twice each; the number run and each failure found."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    failures: list[str] = []
    for i in range(count):
        with tempfile.TemporaryDirectory(prefix="scorer-fuzz-") as tmp:
            problems = one_batch(rng, seeds, Path(tmp), _names(rng))
            failures += [f"batch {i}: {problem}" for problem in problems]
    return count, failures


def one_batch(rng: random.Random, seeds: list[Path], tmp: Path, names: list[bytes]) -> list[str]:
    """Seed reports under `names` (+ .txt) in tmp, scored, damaged, scored again: what went wrong."""
    inputs, out = tmp / "in", tmp / "out"
    inputs.mkdir()
    for name in names:  # bytes: a GBK name is not UTF-8 text
        with open(os.path.join(bytes(inputs), name + b".txt"), "wb") as f:
            f.write(rng.choice(seeds).read_bytes())
    shown = [n.decode("utf-8", "backslashreplace") for n in names]
    problems = _check_run(_score(inputs, out), out, len(names), f"names {shown}")
    if problems:
        return problems
    before = _totals(out)
    damaged = _damage(rng, out)
    return _check_run(_score(inputs, out), out, len(names), f"names {shown}, damaged {damaged}") + [
        f"names {shown}: damaged {damaged}: {name} total {before[name]} became {total}"
        for name, total in _totals(out).items() if name in before and total != before[name]]


def _names(rng: random.Random) -> list[bytes]:
    kinds = rng.sample(sorted(NAMES), rng.randint(1, 3))
    pool = sorted({n for kind in kinds for n in NAMES[kind]} | set(NAMES["plain"][:1]))
    return rng.sample(pool, min(len(pool), rng.randint(2, 5)))


def _score(inputs: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scorer", "score", str(inputs), "--out", str(out),
                           "--format", "json", "--jobs", "1"], cwd=ROOT, capture_output=True, timeout=600)


def _check_run(run: subprocess.CompletedProcess, out: Path, inputs: int, what: str) -> list[str]:
    stderr = run.stderr.decode("utf-8", "replace")
    if run.returncode not in (0, 1) or "Traceback" in stderr:
        return [f"{what}: exit {run.returncode}: {stderr[-2000:]}"]
    raw = sorted({chr(b) for b in run.stdout + run.stderr if b < 32 and b not in b"\t\n\r"})
    if raw:  # off a terminal the tool writes no control character: a name's would reach the operator's
        return [f"{what}: control characters written raw: {raw}"]
    missing = [name for name in OUTPUTS if not (out / name).is_file()]
    if missing:
        return [f"{what}: outputs missing: {missing}"]
    ranking = json.loads((out / "ranking.json").read_text("utf-8"))
    entries = [e for g in ranking["groups"] for e in g["entries"]]
    errors = json.loads((out / "errors.json").read_text("utf-8"))
    problems = [] if len(entries) + len(errors) == inputs else [
        f"{what}: {inputs} inputs but {len(entries)} ranked and {len(errors)} failed"]
    return problems + [f"{what}: {p}" for p in _live_formulas(out)]


def _live_formulas(out: Path) -> list[str]:
    from openpyxl import load_workbook

    found = []
    rows = csv.reader(io.StringIO((out / "ranking.csv").read_text("utf-8-sig")))
    for row in rows:
        found += [f"ranking.csv field {v!r} is a formula" for v in row if v and v[0] in "=+-@" and not _number(v)]
    book = load_workbook(out / "ranking.xlsx")
    for sheet in book.worksheets:
        found += [f"ranking.xlsx {sheet.title}!{c.coordinate} is a formula: {c.value!r}"
                  for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    return found


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _totals(out: Path) -> dict[str, float]:
    ranking = json.loads((out / "ranking.json").read_text("utf-8"))
    return {e["name"]: e["total"] for g in ranking["groups"] for e in g["entries"]}


def _damage(rng: random.Random, out: Path) -> list[str]:
    """Damage some reports' cached files; what was done to which."""
    done = []
    folders = sorted(p.parent for p in out.glob("*/result.json"))
    for folder in rng.sample(folders, rng.randint(1, len(folders))):
        kind = rng.choice(DAMAGES)
        result = folder / "result.json"
        data = json.loads(result.read_text("utf-8"))
        if kind == "missing key":
            data.pop(rng.choice(sorted(data)))
        elif kind == "wrong type":
            key = rng.choice(sorted(data))
            data[key] = rng.choice(["67", None, [], {}, 3])
        elif kind == "edited total":
            data["total"] = data.get("total", 0) + 10
        if kind == "junk fingerprint":
            (folder / ".fingerprint.json").write_text(rng.choice(['{"a": 1}', "[1, 2", '"x"', "[]"]), "utf-8")
        elif kind == "not json":
            result.write_text("{", "utf-8")
        else:
            result.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        done.append(f"{folder.name}: {kind}")
    return done
