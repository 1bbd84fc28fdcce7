"""Fuzzing: many generated documents and rubrics through the whole pipeline; any crash is a bug.

    .venv/bin/python tools/fuzz.py --docs 10000 --rubrics 1000 --batches 50 --seed 1

Documents mix fragments of the seeds with headings, markers, flagged text,
invisible and look-alike characters, other scripts and random code points;
each goes through the document model and the matcher, and its offsets and
quotes are checked. Rubrics are the default rubric with keys deleted,
replaced or retyped, a pattern that backtracks, a single-character term,
aliases and deep nesting; each must load or give RubricError. Batches
(fuzz_batch.py) are seed reports under hostile file names, scored, their
caches damaged, and scored again.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import time
import traceback
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scorer.document import document_from_text  # noqa: E402
from scorer.errors import RubricError  # noqa: E402
from scorer.rubric import load_rubric  # noqa: E402
from tests.conftest import assert_offsets_map_back  # noqa: E402
from tools.fuzz_batch import fuzz_batches  # noqa: E402

FRAGMENTS = ["一、", "(二)", "（三）", "1.", "2、", "(1)", "一是", "二是", "第一部分", "。", ";", "!", "?", "\n", "\r\n",
             "存在的问题", "同时也存在一些薄弱环节", "下步工作中将", "主要举措和成效", "第一责任人", "三项制度",
             "会前学法5次", "十万余册", "有待提高", "《办法》", "“全覆盖”", "100%", "2023年", "二〇二三年三月一日",
             "申博体育在线:", "当前位置:首页", "扫一扫在手机打开当前页", "http://x.com/a", "www.gov.cn",
             "\u200b", "\ufeff", "\u202e", "А", "е", "e\u0301", "ＡＢ１", "資訊", "程式", "記錄製度", "\u3000",
             "日期:2021-01-13", "重庆市北碚区人民政府", "、" * 5, "执法公示" * 5, "\t", "\x00", "\ud7ff", "𠀀"]


def random_text(rng: random.Random, seeds: list[str]) -> str:
    parts = []
    for _ in range(rng.randint(0, 120)):
        r = rng.random()
        if r < 0.45:
            s = rng.choice(seeds)
            i = rng.randrange(len(s))
            parts.append(s[i:i + rng.randint(1, 200)])
        elif r < 0.85:
            parts.append(rng.choice(FRAGMENTS))
        else:
            parts.append("".join(chr(rng.choice([rng.randint(32, 0x2FFF), rng.randint(0x3000, 0x9FFF),
                                                 rng.randint(0xE000, 0x10FFFF)])) for _ in range(rng.randint(1, 8)))
                         .encode("utf-8", "replace").decode("utf-8", "replace"))
    return "".join(parts)


def check_document(text: str, rubric) -> None:
    assert_offsets_map_back(text, document_from_text(text), rubric)


def mutate(rng: random.Random, base: dict):
    doc = copy.deepcopy(base)
    if rng.random() < 0.1:
        return rng.choice([None, [], "text", 3, [1, 2], {"criteria": None}])
    for _ in range(rng.randint(1, 4)):
        target = doc
        path = []
        while isinstance(target, (dict, list)) and target and rng.random() < 0.7:
            key = rng.choice(list(target)) if isinstance(target, dict) else rng.randrange(len(target))
            path.append(key)
            if not isinstance(target[key], (dict, list)):
                break
            target = target[key]
        if not path:
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = rng.random()
        value = rng.choice([None, -1, float("nan"), "", "x", [], {}, [[]], True, 10**9, "(a+)+$", "plans ", "学法",
                            ".*.*.*.*.*.*X", "(?<!第).+次", ["的"], "的", [[[[[[]]]]]]])
        if action < 0.4 and isinstance(parent, dict):
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = value
    return doc


def fuzz_documents(rng: random.Random, count: int) -> int:
    """Crashes among `count` generated documents (each printed with its traceback)."""
    rubric = load_rubric()
    seeds = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    crashes = 0
    for i in range(count):
        text = random_text(rng, seeds)
        try:
            check_document(text, rubric)
        except Exception:
            crashes += 1
            print(f"document {i} crashed:\n{text!r}\n{traceback.format_exc()}", file=sys.stderr)
    return crashes


def fuzz_rubrics(rng: random.Random, count: int) -> tuple[int, int, int]:
    """(accepted, rejected with located errors, crashes) among `count` mutated rubrics."""
    import tempfile

    base = yaml.safe_load((ROOT / "rubrics" / "fazhi-annual.yaml").read_text("utf-8"))
    accepted = rejected = crashes = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            path = Path(tmp) / f"r{i}.yaml"
            path.write_text(rubric_text(rng, base), "utf-8")
            try:
                load_rubric(path)
                accepted += 1
            except RubricError as exc:
                rejected += 1
                assert all(p.startswith(str(path)) for p in exc.problems)
            except Exception:
                crashes += 1
                print(f"rubric {i} crashed:\n{path.read_text()}\n{traceback.format_exc()}", file=sys.stderr)
    return accepted, rejected, crashes


def rubric_text(rng: random.Random, base: dict) -> str:
    """A mutated default rubric as YAML, now and then an alias bomb or deep nesting."""
    r = rng.random()
    if r < 0.03:
        depth = rng.choice([60, 990, 10_000])
        return "id: " + "[" * depth + "]" * depth + "\n"
    if r < 0.06:
        return "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    return yaml.safe_dump(mutate(rng, base), allow_unicode=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--rubrics", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    start = time.perf_counter()
    crashes = fuzz_documents(rng, args.docs)
    doc_s = time.perf_counter() - start
    start = time.perf_counter()
    accepted, rejected, rubric_crashes = fuzz_rubrics(rng, args.rubrics)
    rub_s = time.perf_counter() - start
    start = time.perf_counter()
    batches, failures = fuzz_batches(rng, args.batches)
    batch_s = time.perf_counter() - start
    for failure in failures:
        print(failure, file=sys.stderr)
    crashes += rubric_crashes
    print(f"{args.docs} documents in {doc_s:.0f} s, {args.rubrics} rubrics in {rub_s:.0f} s "
          f"({accepted} valid, {rejected} rejected with located errors), {batches} batches in {batch_s:.0f} s "
          f"(each scored, its caches damaged, scored again); crashes: {crashes}, batch failures: {len(failures)}")
    sys.exit(1 if crashes or failures else 0)


if __name__ == "__main__":
    main()
