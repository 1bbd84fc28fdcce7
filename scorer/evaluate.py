"""Agreement of a rubric's levels with an evaluator's judgments (a gold file).

The gold file is YAML: `reports: {FILE: {region, year, published, flags,
judgments: {ID: level}, evidence: {ID: quote}}}`. Reports: exact agreement,
agreement within one level, quadratic-weighted Cohen's kappa (QWK),
per-criterion and per-report tables, the confusion matrix, whether metadata and
flags agree, and whether the tool's best evidence lies where the evaluator's
quote does (evidence agreement).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import Document, load_document
from .errors import RubricError, UserError
from .matcher import Evidence
from .normalize import normalize
from .rubric import Rubric
from .scoring import score_document
from .yamlpos import Located, load_yaml

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


# --- reading the gold file -------------------------------------------------------------

_FORMAT = "the format is reports: {FILE: {region, year, published, flags, judgments: {ID: 0-3}, evidence: {ID: quote}}}"
_LOOSE_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read and check a gold file. Dates come back as ISO strings (YAML reads
    `published: 2026-02-09` as a date); every problem is a located UserError."""
    p, shown = Path(path), str(path)
    if not p.is_file():
        raise UserError("no such gold file" if not p.exists() else "not a file; give the gold YAML file", path=shown)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text (byte {exc.start}); save the gold file as UTF-8", path=shown) from None
    except OSError as exc:
        raise UserError(f"cannot read the gold file: {exc.strerror or exc}", path=shown) from None
    try:
        located = load_yaml(text, shown)
    except RubricError as exc:  # the YAML reader names rubrics; the message is already located
        raise UserError(f"{exc}; fix the YAML") from None
    gold = _iso_dates(located.value)
    _check_gold(gold, located)
    for judged in gold["reports"].values():
        if isinstance(judged.get("published"), str):
            judged["published"] = _iso_day(judged["published"])
    return gold


def _iso_dates(value: Any) -> Any:
    """Dates (and date-times) anywhere in the gold → ISO strings, as the tool writes them."""
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, dict):
        return {_iso_dates(k): _iso_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso_dates(v) for v in value]
    return value


def _iso_day(text: str) -> str:
    """'2024-4-1', '2024/04/01', '2024年4月1日', '2024-04-01T09:00:00' → '2024-04-01'; other text as is."""
    m = _LOOSE_DATE.fullmatch(re.split(r"[T ]", text.strip(), maxsplit=1)[0])
    if not m:
        return text
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return text


def _check_gold(gold: Any, located: Located) -> None:
    def bad(where: tuple[Any, ...], message: str) -> UserError:
        return UserError(f"{located.where(where)}: {message}")

    if not isinstance(gold, dict) or not isinstance(gold.get("reports"), dict):
        raise bad(("reports",), f"a gold file needs a `reports:` mapping of file name → judgments; {_FORMAT}")
    for name, judged in gold["reports"].items():
        at = ("reports", name)
        if not isinstance(name, str):
            raise bad(at, f"reports: {name!r} is not a file name; write the report's file name")
        if not isinstance(judged, dict):
            raise bad(at, f"reports: {name}: expected a mapping (region, year, published, flags, judgments, "
                          f"evidence), got {_shown(judged)}")
        for key in ("region", "year", "published"):
            value = judged.get(key)
            if value is not None and (not isinstance(value, (str, int)) or isinstance(value, bool)):
                raise bad((*at, key), f"{name}: {key}: expected text or a whole number, got {_shown(value)}")
        flags = judged.get("flags")
        if flags is not None and not (isinstance(flags, list) and all(isinstance(f, str) for f in flags)):
            raise bad((*at, "flags"), f"{name}: flags: expected a list of flag names, got {_shown(flags)}")
        for key in ("judgments", "evidence"):
            if judged.get(key) is not None and not isinstance(judged[key], dict):
                raise bad((*at, key), f"{name}: {key}: expected a mapping of criterion id → "
                                      f"{'level' if key == 'judgments' else 'quote'}, got {_shown(judged[key])}")
        for cid, level in (judged.get("judgments") or {}).items():
            if not isinstance(cid, str):
                raise bad((*at, "judgments", cid), f"{name}: judgments: {cid!r} is not a criterion id")
            if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level < K:
                raise bad((*at, "judgments", cid), f"{name}: judgments: {cid}: expected a level 0–3 "
                                                   f"(0 未体现 … 3 量化成效), got {_shown(level)}")
        for cid, quote in (judged.get("evidence") or {}).items():
            if not isinstance(cid, str):
                raise bad((*at, "evidence", cid), f"{name}: evidence: {cid!r} is not a criterion id")
            if not isinstance(quote, str) or not _key(quote, None)[0]:
                raise bad((*at, "evidence", cid), f"{name}: evidence: {cid}: expected a quote from the report "
                                                  f"(text; put it in quotes), got {_shown(quote)}")


def _shown(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {str(value)[:40]!r}"


# --- finding a gold quote in the report ---------------------------------------------------

# Neither side of a comparison may depend on spacing or on which quote marks were typed.
_IGNORED = frozenset("\"'“”‘’„‟‚‛「」『』〝〞〟")
_ELISION = re.compile(r"…+|\.{3,}")  # a quote that skips words: its pieces, in order


def _key(text: str, spans: list[tuple[int, int]] | None) -> tuple[str, list[tuple[int, int]]]:
    """Text without whitespace and quote marks, with each kept character's original span."""
    chars: list[str] = []
    kept: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch.isspace() or ch in _IGNORED:
            continue
        chars.append(ch)
        kept.append(spans[i] if spans is not None else (i, i + 1))
    return "".join(chars), kept


def _nfkc(text: str) -> tuple[str, list[tuple[int, int]]]:
    """NFKC character by character (widths folded, script kept), with original spans."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded)
        spans.extend([(i, i + 1)] * len(folded))
    return "".join(out), spans


@dataclass(frozen=True)
class _Reading:
    text: str
    spans: list[tuple[int, int]]  # original span of each character of text


@dataclass(frozen=True)
class QuoteFinder:
    """Finds an evaluator's quote in a report, in two readings of it: as the engine
    normalises it (script converted), and only width-folded (a short Traditional quote
    converts differently from a whole Traditional report)."""

    readings: tuple[_Reading, _Reading]

    @classmethod
    def of(cls, doc: Document) -> QuoteFinder:
        norm = doc.norm
        engine = _key(norm.text, list(zip(norm.starts, norm.ends, strict=True)))
        return cls((_Reading(*engine), _Reading(*_key(*_nfkc(doc.original)))))

    def spans(self, quote: str) -> list[tuple[int, int]]:
        """Every span of the original text where the quote stands, or [] when it is not there."""
        for reading, folded in zip(self.readings, (normalize(quote).text, _nfkc(quote)[0]), strict=True):
            pieces = [k for k in (_key(p, None)[0] for p in _ELISION.split(folded)) if k]
            found = _find_all(reading.text, pieces)
            if found:
                return [(reading.spans[a][0], reading.spans[b - 1][1]) for a, b in found]
        return []


def _find_all(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    found = []
    start = text.find(pieces[0]) if pieces else -1
    while start >= 0:
        end = start + len(pieces[0])
        for piece in pieces[1:]:
            at = text.find(piece, end)
            if at < 0:
                return found
            end = at + len(piece)
        found.append((start, end))
        start = text.find(pieces[0], start + 1)
    return found


# --- agreement ------------------------------------------------------------------------------

def evaluate(gold_path: str | Path, reports_dir: str | Path, rubric: Rubric) -> Agreement:
    gold = load_gold(gold_path)
    ag = Agreement()
    for name, judged in sorted(gold["reports"].items()):
        path = Path(reports_dir) / name
        if not path.is_file():
            raise UserError(f"the gold file names {name}, which is not in {reports_dir}", path=str(gold_path))
        doc = load_document(path)
        score = score_document(doc, rubric)
        levels = {cs.criterion.id: cs.level for cs in score.criteria}
        evidence = {cs.criterion.id: cs.match.evidence for cs in score.criteria}
        quotes = judged.get("evidence") or {}
        finder: QuoteFinder | None = None
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
                                         "tool_evidence": [e.quote for e in evidence[cid][:1]],
                                         "gold_evidence": quotes.get(cid)})
            if abs(got - want) <= 1:
                ag.within_one += 1
            if want > 0:
                finder = finder or QuoteFinder.of(doc)
                _check_evidence(ag, name, cid, want, got, quotes.get(cid), evidence[cid], finder)
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
    }
