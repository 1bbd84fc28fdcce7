"""Agreement of a rubric's levels with an evaluator's judgments (a gold file).

The gold file is YAML: `reports: {FILE: {region, year, published, flags, judgments: {ID: level}}}`.
Reports: exact agreement, agreement within one level, quadratic-weighted
Cohen's kappa (QWK), per-criterion and per-report tables, the confusion
matrix, and whether metadata and flags agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .document import load_document
from .errors import UserError
from .rubric import Rubric
from .scoring import score_document

K = 4  # levels 0..3


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


def load_gold(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    if not p.exists():
        raise UserError("no such gold file", path=str(path))
    try:
        gold = yaml.safe_load(p.read_text("utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise UserError(f"invalid YAML{where}: {getattr(exc, 'problem', exc)}", path=str(path)) from None
    if not isinstance(gold, dict) or not isinstance(gold.get("reports"), dict):
        raise UserError("a gold file needs a `reports:` mapping of file name → judgments", path=str(path))
    return gold


def evaluate(gold_path: str | Path, reports_dir: str | Path, rubric: Rubric) -> Agreement:
    gold = load_gold(gold_path)
    ag = Agreement()
    for name, judged in sorted(gold["reports"].items()):
        path = Path(reports_dir) / name
        if not path.exists():
            raise UserError(f"the gold file names {name}, which is not in {reports_dir}", path=str(gold_path))
        doc = load_document(path)
        score = score_document(doc, rubric)
        levels = {cs.criterion.id: cs.level for cs in score.criteria}
        evidence = {cs.criterion.id: [e.quote for e in cs.match.evidence] for cs in score.criteria}
        n = exact = 0
        for cid, want in sorted((judged.get("judgments") or {}).items()):
            if cid not in levels:
                if cid not in ag.missing_criteria:
                    ag.missing_criteria.append(cid)
                continue
            got = levels[cid]
            ag.n += 1
            n += 1
            ag.confusion[want][got] += 1
            ag.per_criterion.setdefault(cid, [0, 0])[0] += 1
            if got == want:
                ag.exact += 1
                exact += 1
                ag.per_criterion[cid][1] += 1
            else:
                ag.disagreements.append({"report": name, "criterion": cid, "gold": want, "tool": got,
                                         "tool_evidence": evidence[cid][:1],
                                         "gold_evidence": (judged.get("evidence") or {}).get(cid)})
            if abs(got - want) <= 1:
                ag.within_one += 1
        ag.per_report[name] = [n, exact, score.total]
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
    return ag


def summary(ag: Agreement) -> dict[str, Any]:
    return {
        "n": ag.n,
        "exact_agreement": round(ag.exact / ag.n, 4) if ag.n else 0.0,
        "within_one": round(ag.within_one / ag.n, 4) if ag.n else 0.0,
        "qwk": round(qwk(ag.confusion), 4),
        "metadata_agreement": round(ag.metadata_agreed / ag.metadata_checked, 4) if ag.metadata_checked else None,
        "flag_agreement": round(ag.flags_agreed / ag.flags_checked, 4) if ag.flags_checked else None,
        "confusion": ag.confusion,
        "per_criterion": {cid: {"n": v[0], "exact": v[1]} for cid, v in sorted(ag.per_criterion.items())},
        "per_report": {name: {"n": int(v[0]), "exact": int(v[1]), "total": v[2]} for name, v in sorted(ag.per_report.items())},
        "disagreements": ag.disagreements,
        "metadata_mismatches": ag.metadata_mismatches,
        "flag_mismatches": ag.flag_mismatches,
        "criteria_not_in_rubric": ag.missing_criteria,
    }
