"""The round report's year-over-year blocks: a summary in 总体结果, the full table in 附录."""

from __future__ import annotations

from .round_compare import Change, Comparison
from .round_data import Round
from .round_sections import Block, h, names_text, p, table
from .round_stats import mean_median, rate_text


def summary_blocks(rnd: Round, cmp: Comparison) -> list[Block]:
    deltas = [c.total_delta for c in cmp.changes]
    mean, _ = mean_median(deltas)
    blocks = [h(f"（四）与上一轮（{cmp.previous_label}）对比")]
    if not cmp.changes:
        blocks.append(p("本轮报告与上一轮报告没有可对应的同一政府相邻年度报告。"))
    else:
        up = sum(1 for d in deltas if d > 0)
        down = sum(1 for d in deltas if d < 0)
        blocks.append(p(f"{len(cmp.changes)}个政府两轮均有报告：总分平均变化{mean:+.2f}分，"
                        f"{up}个上升、{down}个下降、{len(deltas) - up - down}个持平。"
                        "逐个政府的变化见附录三和round_comparison.csv。"))
    for improved, word in ((True, "进步最大"), (False, "退步最大")):
        most = cmp.most(improved)
        if most:
            blocks += [p(f"{word}的政府："), _change_table(rnd, most)]
    if cmp.copied:
        blocks.append(p("照搬上年：" + "、".join(
            f"{c.current.label}（与{c.previous.year}年度报告相同的文字约占{rate_text(c.copied_share)}"
            + ("" if c.share_source == "text" else "，按文本指纹估计") + ")" for c in cmp.copied) + "。"))
    if cmp.only_current:
        blocks.append(p("仅本轮有报告：" + names_text(tuple(r.label for r in cmp.only_current)) + "。"))
    if cmp.only_previous:
        blocks.append(p("仅上一轮有报告：" + names_text(tuple(r.label for r in cmp.only_previous)) + "。"))
    return blocks


def _change_table(rnd: Round, changes: list[Change]) -> Block:
    titles = {c.id: c.title for c in rnd.criteria}
    return table(("地区", "年度", "上轮总分", "本轮总分", "变化", "新增达标指标", "不再达标指标"), [
        (c.current.government, f"{c.previous.year}→{c.current.year}", f"{c.previous.total:g}", f"{c.current.total:g}",
         f"{c.total_delta:+g}", _first(tuple(titles.get(x, x) for x in c.gained), "项", 5) or "—",
         _first(tuple(titles.get(x, x) for x in c.lost), "项", 5) or "—") for c in changes], (12, 11, 9, 9, 8, 26, 25))


def appendix_blocks(rnd: Round, cmp: Comparison) -> list[Block]:
    """One row per government, most improved first. A row names at most three areas and
    three criteria each way (a long round must stay quick to lay out); the CSV has them all."""
    if not cmp.changes:
        return []
    ordered = sorted(cmp.changes, key=lambda c: (-c.total_delta, c.current.government, c.current.name))
    titles = {a.id: a.title for a in rnd.areas}
    rows = []
    for c in ordered:
        moved = sorted((a for a, d in c.area_deltas.items() if d), key=lambda a: (-abs(c.area_deltas[a]), a))
        areas = _first(tuple(f"{titles.get(a, a)}{c.area_deltas[a]:+g}" for a in moved), "个领域")
        criteria = ";".join(x for x in (_first(tuple("+" + t for t in _titles(rnd, c.gained)), "项"),
                                         _first(tuple("−" + t for t in _titles(rnd, c.lost)), "项")) if x)
        rows.append((c.current.government, f"{c.previous.year}→{c.current.year}",
                     f"{c.previous.total:g}→{c.current.total:g}({c.total_delta:+g})", areas or "—", criteria or "—",
                     rate_text(c.copied_share) if c.copied_share is not None else "—"))
    return [h("附录三 与上一轮逐个对比"),
            p("分领域变化列出变化最大的三个领域，指标增减列出新增达标（+）和不再达标（−）的指标各至多三项；"
              "全部变化见round_comparison.csv。"),
            table(("地区", "年度", "总分变化", "分领域变化", "指标增减", "照搬上年"), rows, (12, 11, 17, 25, 27, 8))]


def _first(items: tuple[str, ...], unit: str, limit: int = 3) -> str:
    return "、".join(items[:limit]) + (f"等{len(items)}{unit}" if len(items) > limit else "")


def _titles(rnd: Round, ids: tuple[str, ...]) -> list[str]:
    titles = {c.id: c.title for c in rnd.criteria}
    return [titles.get(x, x) for x in ids]
