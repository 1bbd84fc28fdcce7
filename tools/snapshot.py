"""What the engine decided on the seeds and the dev set, frozen: metadata, flagged spans,
levels, points, evidence offsets and totals, per report, and a sha256 of the whole result
(every quote, reason, rejected hit and summary; less what depends on where the files lie). `tests/test_snapshot.py` compares the engine with it, so
that a change made for speed cannot move a judgment unnoticed.

    .venv/bin/python tools/snapshot.py            # write tests/data/engine_snapshot.json
    .venv/bin/python tools/snapshot.py --check    # exit 1 and list what differs

Only offsets and numbers are kept, never text: the dev reports stay outside the project.
Write it again only for a change that is meant to move judgments, and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "data" / "engine_snapshot.json"
SETS = {"seeds": ROOT / "seeds", "dev": ROOT.parent / "shared" / "dev" / "openings"}


def report_digest(path: Path, rubric) -> dict:
    from scorer.document import load_document
    from scorer.result import build_result, document_metadata
    from scorer.scoring import score_document

    doc = load_document(path)
    score = score_document(doc, rubric)
    result = build_result(doc, rubric, score)
    del result["scorer_version"], result["input"]["path"], result["rubric"]["path"]
    return {
        "result_sha256": hashlib.sha256(json.dumps(result, ensure_ascii=False, sort_keys=True).encode()).hexdigest(),
        "metadata": document_metadata(doc),
        "flags": {f.name: [list(span) for span in f.spans] for f in doc.flags},
        "total": score.total,
        "max": score.max_points,
        "areas": {a.area.id: a.points for a in score.areas},
        "criteria": {
            cs.criterion.id: [cs.level, cs.points,
                              [[e.start, e.end, e.level, e.part_path] for e in cs.match.evidence]]
            for cs in score.criteria
        },
    }


def take(sets: dict[str, Path] = SETS) -> dict:
    from scorer.rubric import load_rubric

    rubric = load_rubric(ROOT / "rubrics" / "fazhi-annual.yaml")
    return {name: {p.name: report_digest(p, rubric) for p in sorted(folder.glob("*.txt"))}
            for name, folder in sets.items() if folder.is_dir()}


def differences(old: dict, new: dict) -> list[str]:
    out = []
    for name in sorted(set(old) & set(new)):
        for report in sorted(set(old[name]) | set(new[name])):
            a, b = old[name].get(report), new[name].get(report)
            if a is None or b is None:
                out.append(f"{name}/{report}: {'new' if a is None else 'gone'}")
                continue
            for key in ("metadata", "flags", "total", "max", "areas", "result_sha256"):
                if a[key] != b[key]:
                    out.append(f"{name}/{report} {key}: {a[key]} → {b[key]}")
            for cid in sorted(set(a["criteria"]) | set(b["criteria"])):
                if a["criteria"].get(cid) != b["criteria"].get(cid):
                    out.append(f"{name}/{report} {cid}: {a['criteria'].get(cid)} → {b['criteria'].get(cid)}")
    return out


def main(argv: list[str]) -> int:
    new = take()
    if "--check" in argv:
        diff = differences(json.loads(SNAPSHOT.read_text("utf-8")), new)
        print("\n".join(diff) or "unchanged")
        return 1 if diff else 0
    from scorer.files import write_atomic

    write_atomic(SNAPSHOT, (json.dumps(new, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode())
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}: " + ", ".join(f"{k} {len(v)}" for k, v in new.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
