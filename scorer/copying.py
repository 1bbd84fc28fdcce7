"""Copied text across a batch: reports that share long passages with another report.

Each report gets a fingerprint: the 12-character shingles of its text (letters
and Han characters only) whose CRC32 falls in a 1-in-8 sample. Shingles shared
by more than 5% of the batch (at least 5 reports) are common official phrasing
and ignored. Two reports sharing at least a quarter of the smaller one's
fingerprint are flagged, with the passages they share (found exactly) and the
share of the report's text those passages cover.
"""

from __future__ import annotations

import difflib
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

SHINGLE = 12
SAMPLE = 8
COMMON_SHARE = 0.05
COMMON_MIN = 5
FLAG_SHARE = 0.25
FLAG_MIN_SHARED = 8
PASSAGE_MIN = 30
MAX_PASSAGES = 3


def fingerprint(text: str) -> list[int]:
    """Sampled shingle hashes of a text (stable across processes and runs)."""
    letters = "".join(c for c in text if c.isalnum())
    out = set()
    for i in range(len(letters) - SHINGLE + 1):
        h = zlib.crc32(letters[i:i + SHINGLE].encode("utf-8"))
        if h % SAMPLE == 0:
            out.add(h)
    return sorted(out)


def similar_pairs(fingerprints: dict[str, list[int]]) -> dict[tuple[str, str], float]:
    """Pairs of reports whose fingerprints overlap enough, with the overlap's share."""
    n = len(fingerprints)
    postings: dict[int, list[str]] = defaultdict(list)
    for name, fp in fingerprints.items():
        for h in fp:
            postings[h].append(name)
    cap = max(COMMON_MIN, int(COMMON_SHARE * n))
    shared: Counter[tuple[str, str]] = Counter()
    for names in postings.values():
        if 2 <= len(names) <= cap:
            names = sorted(names)
            for i, a in enumerate(names):
                for b in names[i + 1:]:
                    shared[(a, b)] += 1
    out = {}
    for (a, b), count in shared.items():
        smaller = min(len(fingerprints[a]), len(fingerprints[b])) or 1
        if count >= FLAG_MIN_SHARED and count / smaller >= FLAG_SHARE:
            out[(a, b)] = count / smaller
    return out


def shared_passages(doc_a, doc_b) -> tuple[list[str], float]:
    """Passages of A (quoted as written) that B also holds, and their share of A's text."""
    a, b = doc_a.match_text, doc_b.match_text
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    blocks = [blk for blk in matcher.get_matching_blocks() if blk.size >= PASSAGE_MIN]
    covered = sum(blk.size for blk in blocks)
    quotes = [doc_a.quote(blk.a, blk.a + min(blk.size, 80)).strip()
              for blk in sorted(blocks, key=lambda blk: -blk.size)[:MAX_PASSAGES]]
    return quotes, covered / max(len(a), 1)


def find_copies(reports: list[dict[str, Any]], load: Callable[[str], Any]) -> dict[str, list[dict[str, Any]]]:
    """The reports each report shares passages with: folder name → copies, most shared first.

    Each report is a mapping with its folder `name`, `file`, `region` and `fingerprint`;
    `load(name)` returns its Document (only reports of flagged pairs are loaded).
    """
    by_name = {r["name"]: r for r in reports}
    pairs = similar_pairs({r["name"]: r["fingerprint"] or [] for r in reports})
    docs: dict[str, Any] = {}
    copies: dict[str, list[dict[str, Any]]] = {}
    for (a, b), _share in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:200]:
        for name in (a, b):
            if name not in docs:
                docs[name] = load(name)
        for this, other in ((a, b), (b, a)):
            passages, share = shared_passages(docs[this], docs[other])
            if not passages:
                continue
            o = by_name[other]
            copies.setdefault(this, []).append({
                "name": other, "file": o["file"], "region": o["region"],
                "share": round(share, 3), "passages": passages,
            })
    for found in copies.values():
        found.sort(key=lambda c: (-c["share"], c["name"]))
    return copies
