"""What the round report says about a batch: figures and findings, computed once and
shown the same way in the .docx and the PDF (round_report.py lays them out).

Shares are of the reports a criterion applies to; 得分率 is a report's total as a share
of its own maximum (a criterion outside a report's years leaves its maximum).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from .labels import FLAGS, GOVERNMENT_GROUPS
from .round_data import Quote, Report, Round

BANDS = ((0.9, "90%及以上"), (0.8, "80%–90%"), (0.7, "70%–80%"), (0.6, "60%–70%"), (0.0, "60%以下"))
GAP_SHARE = 0.2  # a criterion missed by at least this share of reports is a frequent gap
MAX_GAPS = 10
EXPERIENCES_PER_AREA = 3
MODAL = re.compile(r"应当|应(?=[有写于如单说在将把做])")  # 应 as "should", not as in 应急, 应对, 应诉
PROBLEMS_ANALYSIS = "structure.problems_analysis"  # the rubric's test of a formulaic 不足 part


@dataclass(frozen=True)
class Finding:
    """One numbered finding of 共性问题: what, how many of how many, and who."""
    title: str
    count: int
    of: int
    names: tuple[str, ...]
    detail: str = ""
    unit: str = "份"  # reports; 个 for governments


@dataclass(frozen=True)
class Experience:
    area: str
    criterion: str  # its title
    report: Report
    quote: Quote


@dataclass(frozen=True)
class AreaFigures:
    id: str
    title: str
    points: float
    mean_rate: float
    spread: float  # standard deviation of the rate, in percentage points
    best: tuple[str, ...]
    best_rate: float
    worst: tuple[str, ...]
    worst_rate: float


def rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def mean_median(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return statistics.fmean(values), statistics.median(values)


def band_counts(reports: tuple[Report, ...]) -> list[tuple[str, int]]:
    counts = Counter(next(label for floor, label in BANDS if r.rate >= floor - 1e-9) for r in reports)
    return [(label, counts[label]) for _, label in BANDS]


def by_group(reports: tuple[Report, ...], key) -> list[tuple[str, int, float, float]]:
    """Per group (level, province, city): how many reports, mean and median 得分率."""
    groups: dict[str, list[float]] = {}
    for r in reports:
        groups.setdefault(key(r), []).append(r.rate)
    rows = []
    for name in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        mean, median = mean_median(groups[name])
        rows.append((name, len(groups[name]), mean, median))
    return rows


def level_order(level: str | None) -> int:
    return list(GOVERNMENT_GROUPS).index(level) if level in GOVERNMENT_GROUPS else len(GOVERNMENT_GROUPS)


def experiences(rnd: Round) -> list[Experience]:
    """Per area, the strongest evidence of the batch: level 3 first, reviewed before machine,
    then the report's total; one quote per government and area."""
    out = []
    for area in rnd.areas:
        criteria = [c for c in rnd.criteria if c.area == area.id and c.top_level >= 3]
        candidates = [(r, r.quotes[c.id], c) for c in criteria for r in rnd.reports if c.id in r.quotes]
        candidates.sort(key=lambda t: (-t[1].level, not t[1].reviewed, -t[0].rate, t[0].name, t[2].id))
        seen: set[str] = set()
        for report, quote, criterion in candidates:
            if report.government in seen or quote.level < 2:
                continue
            seen.add(report.government)
            out.append(Experience(area.title, criterion.title, report, quote))
            if len(seen) == EXPERIENCES_PER_AREA:
                break
    return out


def missed(rnd: Round) -> list[tuple[str, list[Report], int]]:
    """Criteria by how many reports missed them (level 0 where they apply): id, who, of how many."""
    rows = []
    for c in rnd.criteria:
        applied = [r for r in rnd.reports if c.id in r.levels]
        who = [r for r in applied if r.levels[c.id] == 0]
        if who:
            rows.append((c.id, who, len(applied)))
    rows.sort(key=lambda t: (-len(t[1]) / t[2], -len(t[1]), t[0]))
    return rows


def frequent_gaps(rnd: Round) -> list[tuple[str, list[Report], int]]:
    """The criteria missed by at least GAP_SHARE of the reports they apply to, most missed first."""
    return [t for t in missed(rnd) if len(t[1]) / t[2] >= GAP_SHARE][:MAX_GAPS]


def problems(rnd: Round) -> list[Finding]:
    """The findings of 共性问题 the batch alone shows (intake and year over year add theirs)."""
    n = len(rnd.reports)
    parts = Counter(cid for r in rnd.reports for cid in r.missing_parts)
    # a missing part is its own finding below; a structure criterion is met or not, not "shown"
    found = [Finding(f"“{rnd.criterion(cid).title}”" + ("未体现" if rnd.criterion(cid).top_level >= 3 else "未得分"),
                     len(who), of, _names(who), rnd.criterion(cid).message)
             for cid, who, of in frequent_gaps(rnd) if cid not in parts]
    for cid in sorted(parts, key=lambda c: (-parts[c], c)):
        who = [r for r in rnd.reports if cid in r.missing_parts]
        found.append(Finding(f"缺少必备部分“{rnd.criterion(cid).title}”", len(who), n, _names(who)))
    late = [r for r in rnd.reports if r.on_time is False]
    undated = [r for r in rnd.reports if r.on_time is None]
    if late:
        found.append(Finding("逾期公开（晚于次年4月1日）", len(late), n, _names(late)))
    if undated:
        found.append(Finding("未注明发布日期，无法判断是否按时公开", len(undated), n, _names(undated)))
    flags = Counter(f for r in rnd.reports for f in set(r.flags))
    for flag in sorted(flags, key=lambda f: (-flags[f], f)):
        who = [r for r in rnd.reports if flag in r.flags]
        found.append(Finding(f"内容问题：{FLAGS.get(flag, flag)}", len(who), n, _names(who)))
    formulaic = [r for r in rnd.reports if r.levels.get(PROBLEMS_ANALYSIS, 9) <= 1]
    if formulaic:
        found.append(Finding("“存在的不足”部分流于形式，未写明具体问题和原因", len(formulaic), n, _names(formulaic)))
    return found


def _names(reports: list[Report]) -> tuple[str, ...]:
    return tuple(r.label for r in sorted(reports, key=lambda r: (r.government, r.year or 0, r.name)))


def area_figures(rnd: Round) -> list[AreaFigures]:
    """Per area: mean 得分率, its spread, and the governments highest and lowest."""
    out = []
    for area in rnd.areas:
        rated = [(r, r.areas[area.id][0] / r.areas[area.id][1]) for r in rnd.reports
                 if area.id in r.areas and r.areas[area.id][1]]
        if not rated:
            continue
        rates = [v for _, v in rated]
        hi, lo = max(rates), min(rates)
        out.append(AreaFigures(
            area.id, area.title, area.points, statistics.fmean(rates),
            statistics.pstdev(rates) * 100,
            _names([r for r, v in rated if abs(v - hi) < 1e-9]), hi,
            _names([r for r, v in rated if abs(v - lo) < 1e-9]), lo))
    return out


def recommendation(title: str, message: str) -> str:
    """A rubric message turned into a recommendation to the governments."""
    text = re.sub(r"[。.;;]+$", "", message.strip())
    if text.startswith("报告应于"):
        return f"各地应将年度报告{text[3:]}。"
    if text.startswith("报告应"):
        return f"各地在年度报告中应{text[3:]}。"
    if text.startswith("报告可"):
        return f"各地可在年度报告中{text[3:]}，使报告更完整。"
    if text.startswith("是否"):
        return f"建议各地{text[2:]}，并在年度报告中写明具体举措和量化成效。"
    if MODAL.search(text):  # already a requirement ("不足部分应写明…")
        return f"建议各地注意：{text}。"
    return f"建议各地加强“{title}”工作（{text}），并在年度报告中写明具体举措和量化成效。"
