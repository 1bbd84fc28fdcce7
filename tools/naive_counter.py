"""The baseline every rubric must beat: a naive keyword counter.

For each criterion: 0 when none of its terms (its `terms:` lists) occurs in the
report, 2 when one does, 3 when a sentence holding one also holds a digit. No parts, no negation,
no plans, no formulas. Its agreement with a gold file is what a rubric would
get without judgment, and docs/agreement.md records both.

    .venv/bin/python tools/naive_counter.py GOLD --reports DIR
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from scorer.document import load_document
from scorer.evaluate import K, load_gold, qwk
from scorer.rubric import load_rubric

_SENTENCE = re.compile(r"[^。!?;\n]+")
_DIGIT = re.compile(r"[0-9]")


def naive_level(text: str, words: tuple[str, ...]) -> int:
    level = 0
    for sentence in _SENTENCE.findall(text):
        if any(w in sentence for w in words):
            level = max(level, 3 if _DIGIT.search(sentence) else 2)
    return level


def agreement(gold_path: Path, reports: Path) -> dict:
    rubric = load_rubric()
    gold = load_gold(gold_path)
    confusion = [[0] * K for _ in range(K)]
    n = exact = 0
    for name, judged in sorted(gold["reports"].items()):
        text = load_document(reports / name).text
        for cid, want in sorted((judged.get("judgments") or {}).items()):
            criterion = rubric.criterion(cid)
            if criterion.is_structure:
                continue
            got = naive_level(text, tuple(w for r in criterion.rules if r.kind == "terms" for w in r.words()))
            confusion[want][got] += 1
            n += 1
            exact += got == want
    return {"n": n, "qwk": round(qwk(confusion), 4), "exact_agreement": round(exact / n, 4) if n else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--reports", type=Path, required=True)
    args = parser.parse_args()
    print(json.dumps(agreement(args.gold, args.reports), ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
