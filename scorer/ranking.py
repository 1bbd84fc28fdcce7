"""Rank a batch: by total within each group (covered year by default), ties share a rank.

Competition ranking (1, 2, 2, 4): reports with the same total (to 0.01) share a
rank and the next rank skips; tied reports are listed by file name. Per-area
ranks use the same rule. The batch also reports the criteria no report met at
all (likely a rubric mistake) and the criteria most often missed.
"""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from .labels import GOVERNMENT_GROUPS, reason_word
from .result import copies_of
from .rubric import Rubric

SCHEMA = "scorer.ranking/1"
TIE_RULE = "同分同名次（1、2、2、4）：总分相同（精确到0.01分）的报告名次相同，其后名次顺延；同分者按文件名排列。"
GROUP_BY = ("auto", "none", "year", "level")
MEDIAN_MIN = 5  # reports a group needs before its median means anything on a scorecard


def competition_ranks(values: list[float]) -> list[int]:
    """Ranks for values already sorted high to low: equal values share a rank (1, 2, 2, 4)."""
    ranks: list[int] = []
    for i, value in enumerate(values):
        if i and round(value, 2) == round(values[i - 1], 2):
            ranks.append(ranks[-1])
        else:
            ranks.append(i + 1)
    return ranks


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    """What ranking needs of a result: small enough to keep thousands in memory."""
    return {
        "file": result["input"]["file"],
        "path": result["input"]["path"],
        "sha256": result["input"]["sha256"],
        "metadata": result["metadata"],
        "total": result["total"],
        "max": result["max"],
        "areas": {a["id"]: a["points"] for a in result["areas"]},
        "area_max": {a["id"]: a["max_points"] for a in result["areas"]},
        "area_titles": {a["id"]: a["title"] for a in result["areas"]},
        "levels": {c["id"]: c["level"] for c in result["criteria"]},
        "not_applicable": [c["id"] for c in result["criteria"] if not c.get("applies", True)],
        "criteria_titles": {c["id"]: c["title"] for c in result["criteria"]},
        "evidence": {c["id"]: (c["evidence"][0]["quote"], c["evidence"][0]["part_path"])
                     for c in result["criteria"] if c["evidence"]},
        "flags": [f["name"] for f in result["flags"]],
        "copied": copies_of(result),
        "missing_parts": result["missing_parts"],
        "rubric_sha256": result["rubric"]["sha256"],
        # the review: the machine's total, the levels evaluators set, and entries not applied
        "machine_total": result.get("machine_total", result["total"]),
        "reviewed": (result.get("reviewed") or {}).get("count", 0),
        "reviewers": (result.get("reviewed") or {}).get("reviewers", []),
        "reviews": {c["id"]: c["review"] for c in result["criteria"] if "review" in c},
        "review_stale": (result.get("reviewed") or {}).get("stale", []),
        "points": {c["id"]: c["points"] for c in result["criteria"]},  # for the 复核 sheet
        "level_names": {c["id"]: c.get("level_name", "") for c in result["criteria"]},
        "top_levels": {c["id"]: c.get("top_level", 3) for c in result["criteria"]},
        # why a criterion scored nothing (what was searched, what was rejected), for the 依据 sheet
        "reasons": {c["id"]: c.get("summary", "") for c in result["criteria"] if c["level"] == 0},
    }


def _group_key(summary: dict[str, Any], group_by: str) -> str:
    m = summary["metadata"]
    if group_by == "year":
        return f"{m['year']}年度" if m["year"] else "年度未识别"
    if group_by == "level":
        return GOVERNMENT_GROUPS.get(m.get("level"), GOVERNMENT_GROUPS[None])
    return "全部"


def build_ranking(summaries: list[dict[str, Any]], failures: list[dict[str, str]], rubric: Rubric,
                  group_by: str = "auto", stale: list[dict[str, Any]] = ()) -> dict[str, Any]:
    """The ranking of a batch, as one JSON-ready mapping (also the source of every export).
    `stale`: the review entries that were not applied, each with what to do."""
    if group_by not in GROUP_BY:
        raise ValueError(group_by)
    years = {s["metadata"]["year"] for s in summaries}
    effective = ("year" if len(years) > 1 else "none") if group_by == "auto" else group_by
    groups: dict[str, list[dict[str, Any]]] = {}
    for s in sorted(summaries, key=lambda s: (s["name"])):
        groups.setdefault(_group_key(s, effective), []).append(s)
    return {
        "schema": SCHEMA,
        "rubric": {"id": rubric.id, "title": rubric.title, "version": rubric.version, "sha256": rubric.sha256},
        "group_by": effective,
        "tie_rule": TIE_RULE,
        "n_scored": len(summaries),
        "n_failed": len(failures),
        "areas": [{"id": a.id, "title": a.title, "points": a.points} for a in rubric.areas],
        "criteria": [{"id": c.id, "title": c.title, "area": c.area} for c in rubric.criteria],
        "groups": [_ranked_group(key, groups[key], rubric) for key in sorted(groups, key=_group_order)],
        # each failure with its reason in Chinese (message, the file being named beside it) and
        # the English original (error) to quote in a bug report
        "failures": [{**f, "message": reason_word(f["error"], with_file=False)}
                     for f in sorted(failures, key=lambda f: f["file"])],
        "review_stale": list(stale),
        **_criteria_missed(summaries, rubric),
        "totals": sorted((s["total"] for s in summaries), reverse=True),
    }


def _ranked_group(key: str, summaries: list[dict[str, Any]], rubric: Rubric) -> dict[str, Any]:
    """One group: its entries by rank, with per-area ranks and the group's medians."""
    members = sorted(summaries, key=lambda s: (-s["total"], s["file"], s["name"]))
    ranks = competition_ranks([s["total"] for s in members])
    area_ranks: dict[str, dict[str, int]] = {}
    for area in rubric.areas:
        ordered = sorted(members, key=lambda s: (-s["areas"].get(area.id, 0), s["file"], s["name"]))
        for s, r in zip(ordered, competition_ranks([s["areas"].get(area.id, 0) for s in ordered]), strict=True):
            area_ranks.setdefault(s["name"], {})[area.id] = r
    totals = [s["total"] for s in members]
    return {
        "key": key, "n": len(members),
        "entries": [_entry(s, rank, area_ranks[s["name"]]) for s, rank in zip(members, ranks, strict=True)],
        "median_total": round(statistics.median(totals), 2) if totals else None,
        "area_medians": {a.id: round(statistics.median([s["areas"].get(a.id, 0) for s in members]), 2)
                         for a in rubric.areas} if members else {},
    }


def _entry(s: dict[str, Any], rank: int, area_ranks: dict[str, int]) -> dict[str, Any]:
    m = s["metadata"]
    return {
        "rank": rank, "name": s["name"], "file": s["file"], "path": s["path"],
        "region": m["region"], "city": m.get("city"), "level": m.get("level"), "year": m["year"],
        "published": m["published"], "on_time": m["on_time"],
        "total": s["total"], "max": s["max"],
        "areas": s["areas"], "area_ranks": area_ranks,
        "levels": s["levels"], "flags": s["flags"], "missing_parts": s["missing_parts"],
        "copied": s["copied"],
        "machine_total": s.get("machine_total", s["total"]), "reviewed": s.get("reviewed", 0),
        "reviewers": s.get("reviewers", []), "reviewed_levels": {cid: r["level"] for cid, r in s.get("reviews", {}).items()},
        "scorecard": f"{s['name']}/scorecard.pdf", "scorecard_html": f"{s['name']}/scorecard.html",
    }


def _criteria_missed(summaries: list[dict[str, Any]], rubric: Rubric) -> dict[str, Any]:
    """The criteria no report met (a rubric mistake?) and the ten most often missed."""
    met = Counter(cid for s in summaries for cid, level in s["levels"].items() if level > 0)
    # A criterion outside a report's years (not applicable) is neither met nor missed there.
    missed = Counter(cid for s in summaries for cid, level in s["levels"].items()
                     if level == 0 and cid not in s.get("not_applicable", ()))
    applied = Counter(cid for s in summaries for cid in s["levels"] if cid not in s.get("not_applicable", ()))
    return {
        "never_matched": [c.id for c in rubric.criteria if applied[c.id] and met[c.id] == 0],
        "most_missed": [{"id": c.id, "title": c.title, "missed": missed[c.id],
                         "share": round(missed[c.id] / applied[c.id], 3)}
                        for c in sorted(rubric.criteria, key=lambda c: (-missed[c.id], c.id)) if missed[c.id]][:10],
    }


def _group_order(key: str):
    return (key.endswith("未识别"), key)


def scorecard_context(ranking: dict[str, Any], name: str) -> dict[str, Any]:
    """What a scorecard shows of its batch: its rank, the group's size and medians."""
    for group in ranking["groups"]:
        for entry in group["entries"]:
            if entry["name"] == name:
                return {"rank": entry["rank"], "n": group["n"], "group": group["key"],
                        "median_total": group["median_total"], "area_medians": group["area_medians"],
                        "show_median": group["n"] >= MEDIAN_MIN}
    raise KeyError(name)
