"""Agreement of a rubric's levels with an evaluator's judgments (a gold file).

The gold file (read in gold.py) holds an evaluator's judgments per report. Reports: exact agreement,
agreement within one level, quadratic-weighted Cohen's kappa (QWK),
per-criterion and per-report tables, the confusion matrix, whether metadata and
flags agree, and whether the tool's best evidence lies where the evaluator's
quote does (evidence agreement, quotes found by quotes.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import Document, load_document
from .errors import UserError
from .gold import K, load_gold
from .matcher import Evidence
from .quotes import QuoteFinder
from .rubric import Rubric
from .scoring import Score, score_document

__all__ = ["K", "Agreement", "QuoteFinder", "evaluate", "load_gold", "qwk", "summary"]


@dataclass
class Agreement:
    n: int = 0
    exact: int = 0
    within_one: int = 0
    confusion: list[list[int]] = field(default_factory=lambda: [[0] * K for _ in range(K)])
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    per_criterion: dict[str, list[int]] = field(default_factory=dict)  # id -> [n, exact]
    per_report: dict[str, list[float]] = field(default_factory=dict)  # file -> [n, exact, total]
    metadata_checked: int = 0
    metadata_agreed: int = 0
    metadata_mismatches: list[dict[str, Any]] = field(default_factory=list)
    flags_checked: int = 0
    flags_agreed: int = 0
    flag_mismatches: list[dict[str, Any]] = field(default_factory=list)
    missing_criteria: list[str] = field(default_factory=list)
    gold_warnings: list[str] = field(default_factory=list)  # likely slips in the gold file, located
    evidence_checked: int = 0  # non-zero judgments whose gold quote was found in the report
    evidence_overlapping: int = 0
    evidence_unquoted: int = 0  # non-zero judgments without a gold quote
    evidence_mismatches: list[dict[str, Any]] = field(default_factory=list)
    quotes_not_found: list[dict[str, Any]] = field(default_factory=list)


def qwk(confusion: list[list[int]]) -> float:
    """Quadratic-weighted Cohen's kappa from a confusion matrix (rows gold, columns tool)."""
    n = sum(map(sum, confusion))
    if n == 0:
        return 0.0
    rows = [sum(r) for r in confusion]
    cols = [sum(confusion[i][j] for i in range(K)) for j in range(K)]
    observed = expected = 0.0
    for i in range(K):
        for j in range(K):
            w = (i - j) ** 2 / (K - 1) ** 2
            observed += w * confusion[i][j]
            expected += w * rows[i] * cols[j] / n
    return 1.0 if expected == 0 else 1 - observed / expected


# --- agreement ------------------------------------------------------------------------------

def evaluate(gold_path: str | Path, reports_dir: str | Path, rubric: Rubric) -> Agreement:
    """Score every report the gold file names and compare, judgment by judgment."""
    ag = Agreement()
    gold = load_gold(gold_path, ag.gold_warnings)
    for name, judged in sorted(gold["reports"].items()):
        path = Path(reports_dir) / name
        if not path.is_file():
            raise UserError(f"the gold file names {name}, which is not in {reports_dir}", path=str(gold_path))
        doc = load_document(path)
        score = score_document(doc, rubric)
        n, exact = _compare_levels(ag, name, judged, doc, score)
        ag.per_report[name] = [n, exact, score.total]
        _compare_metadata(ag, name, judged, doc)
    return ag


def _compare_levels(ag: Agreement, name: str, judged: dict[str, Any], doc: Document, score: Score) -> tuple[int, int]:
    """Levels and evidence of one report against its judgments; returns (judged, agreed)."""
    levels = {cs.criterion.id: cs.level for cs in score.criteria}
    evidence = {cs.criterion.id: cs.match.evidence for cs in score.criteria}
    quotes = judged.get("evidence") or {}
    finder: QuoteFinder | None = None  # built once, and only when a quote is to be found
    n = exact = 0
    for cid, want in sorted((judged.get("judgments") or {}).items()):
        if cid not in levels:
            if cid not in ag.missing_criteria:
                ag.missing_criteria.append(cid)
            continue
        got = levels[cid]
        n += 1
        exact += got == want
        _count(ag, cid, want, got)
        if got != want:
            ag.disagreements.append({"report": name, "criterion": cid, "gold": want, "tool": got,
                                     "tool_evidence": [e.quote for e in evidence[cid][:1]],
                                     "gold_evidence": quotes.get(cid)})
        if want > 0:
            finder = finder or QuoteFinder.of(doc)
            _check_evidence(ag, name, cid, want, got, quotes.get(cid), evidence[cid], finder)
    return n, exact


def _count(ag: Agreement, cid: str, want: int, got: int) -> None:
    ag.n += 1
    ag.confusion[want][got] += 1
    ag.per_criterion.setdefault(cid, [0, 0])[0] += 1
    if got == want:
        ag.exact += 1
        ag.per_criterion[cid][1] += 1
    if abs(got - want) <= 1:
        ag.within_one += 1


def _compare_metadata(ag: Agreement, name: str, judged: dict[str, Any], doc: Document) -> None:
    m = doc.metadata
    for key, value in (("region", m.region), ("year", m.year), ("published", m.published)):
        if key in judged:
            ag.metadata_checked += 1
            want = judged[key]
            if str(want) == str(value) if want is not None else value is None:
                ag.metadata_agreed += 1
            else:
                ag.metadata_mismatches.append({"report": name, "field": key, "gold": want, "tool": value})
    if "flags" in judged:
        ag.flags_checked += 1
        if sorted(judged["flags"] or []) == sorted(doc.flag_names()):
            ag.flags_agreed += 1
        else:
            ag.flag_mismatches.append({"report": name, "gold": judged["flags"], "tool": doc.flag_names()})


def _check_evidence(ag: Agreement, name: str, cid: str, want: int, got: int, quote: str | None,
                    tool: tuple[Evidence, ...], finder: QuoteFinder) -> None:
    """Does the tool's best evidence overlap the passage the evaluator quoted?"""
    if quote is None:
        ag.evidence_unquoted += 1
        return
    spans = finder.spans(quote)
    if not spans:
        ag.quotes_not_found.append({"report": name, "criterion": cid, "gold_quote": quote})
        return
    ag.evidence_checked += 1
    best = tool[0] if got > 0 and tool else None  # a 0 has no evidence: it overlaps nothing
    if best is not None and any(best.start < b and a < best.end for a, b in spans):
        ag.evidence_overlapping += 1
        return
    ag.evidence_mismatches.append({
        "report": name, "criterion": cid, "gold": want, "tool": got, "gold_quote": quote,
        "gold_span": list(spans[0]), "tool_quote": best.quote if best else None,
        "tool_span": [best.start, best.end] if best else None})


def summary(ag: Agreement) -> dict[str, Any]:
    return {
        "n": ag.n,
        "exact_agreement": round(ag.exact / ag.n, 4) if ag.n else 0.0,
        "within_one": round(ag.within_one / ag.n, 4) if ag.n else 0.0,
        "qwk": round(qwk(ag.confusion), 4),
        "metadata_agreement": round(ag.metadata_agreed / ag.metadata_checked, 4) if ag.metadata_checked else None,
        "flag_agreement": round(ag.flags_agreed / ag.flags_checked, 4) if ag.flags_checked else None,
        "evidence_agreement": (round(ag.evidence_overlapping / ag.evidence_checked, 4)
                               if ag.evidence_checked else None),
        "evidence_checked": ag.evidence_checked,
        "evidence_overlapping": ag.evidence_overlapping,
        "evidence_unquoted": ag.evidence_unquoted,
        "evidence_mismatches": ag.evidence_mismatches,
        "gold_quotes_not_found": ag.quotes_not_found,
        "confusion": ag.confusion,
        "per_criterion": {cid: {"n": v[0], "exact": v[1]} for cid, v in sorted(ag.per_criterion.items())},
        "per_report": {name: {"n": int(v[0]), "exact": int(v[1]), "total": v[2]} for name, v in sorted(ag.per_report.items())},
        "disagreements": ag.disagreements,
        "metadata_mismatches": ag.metadata_mismatches,
        "flag_mismatches": ag.flag_mismatches,
        "criteria_not_in_rubric": ag.missing_criteria,
        "gold_warnings": ag.gold_warnings,
    }
