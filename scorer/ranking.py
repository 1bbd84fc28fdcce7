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

from .rubric import Rubric

SCHEMA = "scorer.ranking/1"
TIE_RULE = "同分同名次(1, 2, 2, 4):总分相同(精确到0.01分)的报告名次相同,其后名次顺延;同分者按文件名排列。"
GROUP_BY = ("auto", "none", "year", "level")
LEVEL_WORDS = {"province": "省级", "city": "市级", "county": "县区级", "department": "部门", None: "未识别"}


def competition_ranks(values: list[float]) -> list[int]:
    """Ranks for values already sorted high to low: equal values share a rank (1, 2, 2, 4)."""
    ranks: list[int] = []
    for i, value in enumerate(values):
        if i and round(value, 2) == round(values[i - 1], 2):
            ranks.append(ranks[-1])
        else:
            ranks.append(i + 1)
    return ranks


def _group_key(summary: dict[str, Any], group_by: str) -> str:
    m = summary["metadata"]
    if group_by == "year":
        return f"{m['year']}年度" if m["year"] else "年度未识别"
    if group_by == "level":
        return LEVEL_WORDS.get(m.get("level"), "未识别")
    return "全部"


def build_ranking(summaries: list[dict[str, Any]], failures: list[dict[str, str]], rubric: Rubric,
                  group_by: str = "auto") -> dict[str, Any]:
    """The ranking of a batch, as one JSON-ready mapping (also the source of every export)."""
    if group_by not in GROUP_BY:
        raise ValueError(group_by)
    years = {s["metadata"]["year"] for s in summaries}
    effective = ("year" if len(years) > 1 else "none") if group_by == "auto" else group_by
    groups: dict[str, list[dict[str, Any]]] = {}
    for s in sorted(summaries, key=lambda s: (s["name"])):
        groups.setdefault(_group_key(s, effective), []).append(s)
    out_groups = []
    for key in sorted(groups, key=_group_order):
        members = sorted(groups[key], key=lambda s: (-s["total"], s["file"], s["name"]))
        ranks = competition_ranks([s["total"] for s in members])
        area_ranks: dict[str, dict[str, int]] = {}
        for area in rubric.areas:
            ordered = sorted(members, key=lambda s: (-s["areas"].get(area.id, 0), s["file"], s["name"]))
            for s, r in zip(ordered, competition_ranks([s["areas"].get(area.id, 0) for s in ordered]), strict=True):
                area_ranks.setdefault(s["name"], {})[area.id] = r
        totals = [s["total"] for s in members]
        entries = []
        for s, rank in zip(members, ranks, strict=True):
            entries.append({
                "rank": rank, "name": s["name"], "file": s["file"], "path": s["path"],
                "region": s["metadata"]["region"], "city": s["metadata"].get("city"),
                "level": s["metadata"].get("level"), "year": s["metadata"]["year"],
                "published": s["metadata"]["published"], "on_time": s["metadata"]["on_time"],
                "total": s["total"], "max": s["max"],
                "areas": s["areas"], "area_ranks": area_ranks[s["name"]],
                "levels": s["levels"], "flags": s["flags"], "missing_parts": s["missing_parts"],
                "copied": s.get("copied", []),
                "scorecard": f"{s['name']}/scorecard.pdf", "scorecard_html": f"{s['name']}/scorecard.html",
            })
        out_groups.append({
            "key": key, "n": len(members), "entries": entries,
            "median_total": round(statistics.median(totals), 2) if totals else None,
            "area_medians": {a.id: round(statistics.median([s["areas"].get(a.id, 0) for s in members]), 2)
                             for a in rubric.areas} if members else {},
        })
    met = Counter(cid for s in summaries for cid, level in s["levels"].items() if level > 0)
    # A criterion outside a report's years (not applicable) is neither met nor missed there.
    missed = Counter(cid for s in summaries for cid, level in s["levels"].items()
                     if level == 0 and cid not in s.get("not_applicable", ()))
    applied = Counter(cid for s in summaries for cid in s["levels"] if cid not in s.get("not_applicable", ()))
    n = len(summaries)
    return {
        "schema": SCHEMA,
        "rubric": {"id": rubric.id, "title": rubric.title, "version": rubric.version, "sha256": rubric.sha256},
        "group_by": effective,
        "tie_rule": TIE_RULE,
        "n_scored": n,
        "n_failed": len(failures),
        "areas": [{"id": a.id, "title": a.title, "points": a.points} for a in rubric.areas],
        "criteria": [{"id": c.id, "title": c.title, "area": c.area} for c in rubric.criteria],
        "groups": out_groups,
        "failures": sorted(failures, key=lambda f: f["file"]),
        "never_matched": [c.id for c in rubric.criteria if applied[c.id] and met[c.id] == 0],
        "most_missed": [{"id": c.id, "title": c.title, "missed": missed[c.id],
                         "share": round(missed[c.id] / applied[c.id], 3)}
                        for c in sorted(rubric.criteria, key=lambda c: (-missed[c.id], c.id)) if n and missed[c.id]][:10],
        "totals": sorted((s["total"] for s in summaries), reverse=True),
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
                        "copied": entry["copied"]}
    raise KeyError(name)
