"""Year over year: each government's report matched to its report of the earlier round.

A match is the same issuing government (region, level and city, as the reports name
themselves) with covered years one apart. Per match: the change in total, 得分率 and
each area, the criteria gained (missed before, met now) and lost, and whether the
report copies its own previous one (照搬上年): the batch's sampled shingles
(`.fingerprint.json`) select the candidates as copying.py does within a batch, and
copying.py's passage finder measures the share on the two texts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from .copying import COMMON_MIN, COMMON_SHARE, FLAG_MIN_SHARED, FLAG_SHARE, shared_passages
from .round_data import Report, Round, read_fingerprint

MAX_PASSAGE_PAIRS = 200  # as the batch's copy check: beyond it, the share comes from the shingles alone
MOST = 5  # improved or fell most


@dataclass(frozen=True)
class Change:
    current: Report
    previous: Report
    total_delta: float
    rate_delta: float
    area_deltas: dict[str, float]
    gained: tuple[str, ...]  # criterion ids
    lost: tuple[str, ...]
    copied_share: float | None = None  # 照搬上年: the share of this report's text found in last year's
    passage: str = ""  # the longest shared passage, as written
    share_source: str = ""  # "text" (passages measured) or "shingles" (estimated from the fingerprints)


@dataclass(frozen=True)
class Comparison:
    changes: tuple[Change, ...]  # by government
    only_current: tuple[Report, ...]
    only_previous: tuple[Report, ...]
    previous_label: str  # the earlier round's years, e.g. 2023年度

    def most(self, improved: bool) -> list[Change]:
        ordered = sorted(self.changes, key=lambda c: ((-1 if improved else 1) * c.total_delta, c.current.name))
        return [c for c in ordered[:MOST] if (c.total_delta > 0 if improved else c.total_delta < 0)]

    @property
    def copied(self) -> list[Change]:
        return [c for c in self.changes if c.copied_share is not None]


def compare_rounds(current: Round, previous: Round) -> Comparison:
    """Match the two rounds' reports and measure what changed."""
    by_key: dict[tuple, list[Report]] = {}
    for r in sorted(previous.reports, key=lambda r: r.name):
        by_key.setdefault(r.key, []).append(r)
    pairs, only_current, used = [], [], set()
    for r in sorted(current.reports, key=lambda r: (r.government, r.year or 0, r.name)):
        # a report whose government or year was not recognised cannot be told to be the same one
        earlier = next((p for p in by_key.get(r.key, []) if r.region and r.year and p.year == r.year - 1
                        and p.name not in used), None)
        if earlier is None:
            only_current.append(r)
        else:
            used.add(earlier.name)
            pairs.append((r, earlier))
    copies = _copies(current, previous, pairs)
    changes = tuple(_change(cur, prev, copies.get(cur.name)) for cur, prev in pairs)
    only_previous = tuple(sorted((p for p in previous.reports if p.name not in used),
                                 key=lambda r: (r.government, r.year or 0, r.name)))
    years = sorted({p.year for p in previous.reports if p.year})
    label = "、".join(f"{y}" for y in years) + "年度" if years else "上一轮"
    return Comparison(changes, tuple(only_current), only_previous, label)


def _change(cur: Report, prev: Report, copy: tuple[float, str, str] | None) -> Change:
    areas = {a: round(cur.areas[a][0] - prev.areas[a][0], 2) for a in cur.areas if a in prev.areas}
    both = [cid for cid in cur.levels if cid in prev.levels]
    gained = tuple(c for c in both if prev.levels[c] == 0 and cur.levels[c] > 0)
    lost = tuple(c for c in both if prev.levels[c] > 0 and cur.levels[c] == 0)
    share, passage, source = copy if copy else (None, "", "")
    return Change(cur, prev, round(cur.total - prev.total, 2), cur.rate - prev.rate, areas, gained, lost,
                  share, passage, source)


def _copies(current: Round, previous: Round, pairs: list[tuple[Report, Report]]) -> dict[str, tuple[float, str, str]]:
    """Current report name → (share, longest passage, source) for the pairs that copy."""
    prints = {("c", r.name): read_fingerprint(current.folder, r.name) for r in current.reports}
    prints |= {("p", r.name): read_fingerprint(previous.folder, r.name) for r in previous.reports}
    # Shingles in many reports of the two rounds are common official phrasing, not copying.
    counts = Counter(chain.from_iterable(set(fp) for fp in prints.values() if fp))
    cap = max(COMMON_MIN, int(COMMON_SHARE * len(prints)))
    candidates = []
    for cur, prev in pairs:
        a, b = prints[("c", cur.name)], prints[("p", prev.name)]
        if not a or not b:
            continue
        shared = sum(1 for h in set(a) & set(b) if counts[h] <= cap)
        if shared >= FLAG_MIN_SHARED and shared / min(len(a), len(b)) >= FLAG_SHARE:
            candidates.append((shared / len(a), cur, prev))
    candidates.sort(key=lambda t: (-t[0], t[1].name))
    out = {}
    for i, (estimate, cur, prev) in enumerate(candidates):
        measured = _measure(cur, prev) if i < MAX_PASSAGE_PAIRS else None
        out[cur.name] = (round(measured[0], 3), measured[1], "text") if measured else (round(estimate, 3), "", "shingles")
    return out


def _measure(cur: Report, prev: Report) -> tuple[float, str] | None:
    """The share of the current report's text found in the previous one, and the longest
    shared passage; None when either file is no longer where (or what) the batch read."""
    a, b = _text(cur), _text(prev)
    if a is None or b is None:
        return None
    passages, share = shared_passages(a, b)
    return share, (passages[0] if passages else "")


@dataclass(frozen=True)
class _Text:
    """The little of a Document the passage finder reads: the text for matching and its quotes."""
    original: str
    norm: Any

    @property
    def match_text(self) -> str:
        return self.norm.text

    def quote(self, start: int, end: int) -> str:
        a, b = self.norm.to_original(start, end)
        return self.original[a:b]


def _text(report: Report) -> _Text | None:
    import hashlib

    from .errors import UserError
    from .normalize import normalize
    from .read import read_report

    path = Path(report.path)
    try:
        if hashlib.sha256(path.read_bytes()).hexdigest() != report.sha256:
            return None
        raw = read_report(path)
    except (OSError, UserError):
        return None
    return _Text(raw.text, normalize(raw.text))


def comparison_rows(cmp: Comparison, rnd: Round) -> list[dict[str, Any]]:
    """One row per government of either round: round_comparison.csv and .json."""
    titles = {c.id: c.title for c in rnd.criteria}
    rows = []
    for c in cmp.changes:
        rows.append(_row("两轮均有", c.current, c.previous) | {
            "total_delta": c.total_delta, "rate_delta": round(c.rate_delta, 4),
            "area_deltas": {a.title: c.area_deltas[a.id] for a in rnd.areas if a.id in c.area_deltas},
            "gained": [titles.get(x, x) for x in c.gained], "lost": [titles.get(x, x) for x in c.lost],
            "copied_previous": c.copied_share is not None, "copied_share": c.copied_share,
            "copied_passage": c.passage, "copied_share_source": c.share_source})
    rows += [_row("仅本轮", r, None) for r in cmp.only_current]
    rows += [_row("仅上轮", None, r) for r in cmp.only_previous]
    return rows


def _row(status: str, cur: Report | None, prev: Report | None) -> dict[str, Any]:
    some = cur or prev
    return {
        "status": status, "region": some.region, "city": some.city, "level": some.level,
        "year": cur.year if cur else None, "previous_year": prev.year if prev else None,
        "total": cur.total if cur else None, "previous_total": prev.total if prev else None,
        "rate": round(cur.rate, 4) if cur else None, "previous_rate": round(prev.rate, 4) if prev else None,
        "file": cur.file if cur else None, "previous_file": prev.file if prev else None,
    }
