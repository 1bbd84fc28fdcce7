"""The engine against jieba, in one process: a worker's work on each report of a synthetic
batch (read, match and score, result JSON, copy fingerprint), taking turns with
`jieba.lcut` over the same texts, round after round.

Unlike the batch benchmark this leaves out process start, the pool and the exports, and
splits the time by stage, so that a change to one stage shows in its own figure.

    .venv/bin/python tools/bench_engine.py --reports 300 --rounds 5
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STAGES = ("read", "match", "result", "fingerprint")


def bench_engine(n: int = 300, rounds: int = 5) -> dict:
    import jieba

    from scorer.copying import fingerprint
    from scorer.document import load_document
    from scorer.result import build_result, dumps
    from scorer.rubric import load_rubric
    from scorer.scoring import score_document
    from tools.bench_batch import make_corpus

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    rubric = load_rubric()
    with tempfile.TemporaryDirectory(prefix="scorer-bench-engine-") as tmp:
        paths = make_corpus(n, Path(tmp))
        texts = [p.read_text("utf-8") for p in paths]
        for p in sorted((ROOT / "seeds").glob("*.txt")):  # warm: rubric, tokenizer, gazetteer
            score_document(load_document(p), rubric)
        turns: dict[str, list[float]] = {"jieba": [], **{s: [] for s in STAGES}}
        for _ in range(rounds):
            t = time.process_time()
            for text in texts:
                jieba.lcut(text)
            turns["jieba"].append(time.process_time() - t)
            spent = dict.fromkeys(STAGES, 0.0)
            _forget_seen_text(rubric)  # each round a first pass, as the batch's one pass is
            for p in paths:
                t0 = time.process_time()
                doc = load_document(p)
                t1 = time.process_time()
                score = score_document(doc, rubric)
                t2 = time.process_time()
                dumps(build_result(doc, rubric, score))
                t3 = time.process_time()
                fingerprint(doc.match_text)
                t4 = time.process_time()
                for stage, a, b in zip(STAGES, (t0, t1, t2, t3), (t1, t2, t3, t4), strict=True):
                    spent[stage] += b - a
            for stage in STAGES:
                turns[stage].append(spent[stage])
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    jieba_s = statistics.median(turns["jieba"])
    stages = {s: round(statistics.median(turns[s]), 3) for s in STAGES}
    total = sum(statistics.median(turns[s]) for s in STAGES)
    return {"reports": n, "mb": round(mb, 2), "rounds": rounds, "jieba_s": round(jieba_s, 3),
            "stages_s": stages, "stages_vs_jieba": {s: round(v / jieba_s, 3) for s, v in stages.items()},
            "engine_s": round(total, 3), "engine_vs_jieba": round(total / jieba_s, 2)}


def _forget_seen_text(rubric) -> None:
    """Empty the engine's caches of text it has read (clauses, sentences, blocks cut, places),
    keeping what it loads once (rubric, dictionary, gazetteer): a round that met the texts of
    the round before in them measured less than a batch's single pass costs (1.03-1.12x jieba
    against 1.25x for the first round)."""
    from scorer import clauses, figures, levels, places, tokens
    from scorer.occurrences import rubric_words

    for cached in (levels.formula, figures._sentence_figures, clauses._pauses, tokens._blocks, places.find_places):
        cached.cache_clear()
    rubric_words(rubric).tokenizer.bounds.cache_clear()
    tokens.tokenizer_for(()).bounds.cache_clear()


def engine_markdown(r: dict) -> list[str]:
    rows = [f"| {stage} | {r['stages_s'][stage]} s | {r['stages_vs_jieba'][stage]} |" for stage in STAGES]
    return [
        "## The engine against jieba",
        "",
        f"`tools/bench_engine.py --reports {r['reports']} --rounds {r['rounds']}`: {r['reports']} reports of the "
        f"synthetic batch ({r['mb']} MB) in one process, each round first `jieba.lcut` over every text, then a "
        "worker's work on every report, stage by stage; CPU time of the process, medians of the rounds. "
        "Before each round the engine forgets the text it has read (its per-clause, per-sentence and "
        "segmentation caches), so that each round is a first pass over the batch, as a batch's worker makes.",
        "",
        "| stage | time | × jieba |",
        "|---|---|---|",
        f"| jieba's plain tokenisation | {r['jieba_s']} s | 1 |",
        *rows,
        f"| **the engine (goal ≤ 0.5)** | **{r['engine_s']} s** | **{r['engine_vs_jieba']}** |",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    r = bench_engine(args.reports, args.rounds)
    print(json.dumps(r, indent=1))
    print("\n".join(engine_markdown(r)))


if __name__ == "__main__":
    main()
