"""Copied text across a batch: reports that share long passages with another report.

Each report gets a fingerprint: the 12-character shingles of its text (letters
and Han characters only) whose CRC32 falls in a 1-in-8 sample. Shingles shared
by more than 5% of the batch (at least 5 reports) are common official phrasing
and ignored. Two reports sharing at least a quarter of the smaller one's
fingerprint are flagged, with the passages they share (found exactly) and the
share of the report's text those passages cover.

Everything is near-linear in the batch's text: pairs come from an inverted index
of the fingerprints (only reports sharing a shingle that is not common phrasing
are counted together, never all pairs of reports), and the passages two reports
share are found by anchoring on equal pieces through a hash index of the other
report and extending each match (never an alignment of the two texts, which took
a minute for two similar 100 KB reports).
"""

from __future__ import annotations

import re
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
MAX_ANCHORS = 8  # places tried in the other report per anchor: bounds the work on repetitive text
STRIDE = 8  # one anchor in the other report every STRIDE characters


_NOT_LETTER = re.compile(r"[\W_]+")  # \w is str.isalnum() and "_": what is left is letters and digits


def fingerprint(text: str) -> list[int]:
    """Sampled shingle hashes of a text (stable across processes and runs).

    Memory stays near the text's own size: the letters are gathered a piece at a time
    (re.sub over a whole long text holds a string for every gap, several times the text),
    and the hashes are sorted in a list, a third of what a set of them takes."""
    letters = "".join(_NOT_LETTER.sub("", text[i:i + _PIECE]) for i in range(0, len(text), _PIECE))
    crc = zlib.crc32
    hashes = [h for h in (crc(letters[i:i + SHINGLE].encode("utf-8", "surrogatepass"))
                          for i in range(len(letters) - SHINGLE + 1)) if h % SAMPLE == 0]
    hashes.sort()
    return [h for i, h in enumerate(hashes) if i == 0 or h != hashes[i - 1]]


_PIECE = 1 << 16  # characters: a gap cut in two is removed in two, the letters are the same


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
    blocks = common_blocks(a, b)
    covered = sum(size for _, size in blocks)
    quotes = [doc_a.quote(start, start + min(size, 80)).strip()
              for start, size in sorted(blocks, key=lambda blk: -blk[1])[:MAX_PASSAGES]]
    return quotes, covered / max(len(a), 1)


def common_blocks(a: str, b: str, least: int = PASSAGE_MIN) -> list[tuple[int, int]]:
    """Non-overlapping passages of `a` at least `least` long that occur in `b`: (start, size).

    `b` is indexed by its pieces of `least - STRIDE + 1` characters at every STRIDE-th
    place (one of them lies inside any passage of `least` characters, so none is missed,
    and the index is a STRIDE-th of the text). Each place of `a` looks its piece up (at
    most MAX_ANCHORS places each) and keeps the longest run around it; a passage found
    moves past itself. The work is bounded by MAX_ANCHORS times the texts' length.
    """
    piece = least - STRIDE + 1
    places: dict[str, list[int]] = {}
    for j in range(0, len(b) - piece + 1, STRIDE):
        found = places.setdefault(b[j:j + piece], [])
        if len(found) < MAX_ANCHORS:
            found.append(j)
    blocks: list[tuple[int, int]] = []
    i = done = 0  # `done`: where the last passage of a ended; passages never overlap in a
    while i <= len(a) - piece:
        best = max((_run(a, b, i, j, piece, done) for j in places.get(a[i:i + piece], ())),
                   key=lambda run: run[1], default=(i, 0))
        if best[1] >= least:
            blocks.append(best)
            done = i = best[0] + best[1]
        else:
            i += 1
    return blocks


def _run(a: str, b: str, i: int, j: int, known: int, floor: int) -> tuple[int, int]:
    """The equal run of a and b through a[i:i+known] == b[j:j+known], not before a[floor]:
    (start in a, size)."""
    back = 0
    while i - back > floor and j - back > 0 and a[i - back - 1] == b[j - back - 1]:
        back += 1
    n = known
    while a[i + n:i + n + 256] == b[j + n:j + n + 256] and i + n + 256 <= len(a):
        n += 256  # compared a slice at a time: most of a copy is long equal runs
    while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
        n += 1
    return i - back, back + n


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
