"""The round report's seven sections as blocks (paragraphs, tables, charts, quotes) that
the .docx writer and the PDF template lay out alike: the words are written once, here.

    一、评估对象及方法  二、总体结果  三、典型经验  四、共性问题
    五、分领域分析  六、建议  七、附录
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .labels import GOVERNMENT_GROUPS, ON_TIME
from .round_charts import Bars
from .round_compare import Comparison
from .round_data import Round
from .round_intake import Intake
from .round_stats import (
    Finding,
    area_figures,
    band_counts,
    by_group,
    experiences,
    frequent_gaps,
    level_order,
    mean_median,
    problems,
    rate_text,
    recommendation,
)

SECTION_TITLES = ("评估对象及方法", "总体结果", "典型经验", "共性问题", "分领域分析", "建议", "附录")
NUMERALS = "一二三四五六七八九十"
MAX_NAMES = 30  # a finding names at most this many governments, then says how many more


@dataclass(frozen=True)
class Block:
    kind: str  # p | h (a subheading) | table | chart | quote | finding
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    chart: Bars | None = None
    source: str = ""  # a quote's government and place; a finding's governments
    widths: tuple[int, ...] = ()  # a table's column widths in percent (equal when empty)


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    blocks: tuple[Block, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


def p(text: str) -> Block:
    return Block("p", text)


def h(text: str) -> Block:
    return Block("h", text)


def table(header: tuple[str, ...], rows, widths: tuple[int, ...] = ()) -> Block:
    return Block("table", header=header, rows=tuple(tuple(r) for r in rows), widths=widths)


def names_text(names: tuple[str, ...], limit: int = MAX_NAMES) -> str:
    shown = "、".join(names[:limit])
    return shown + (f"等{len(names)}个" if len(names) > limit else "")


def build_sections(rnd: Round, intake: Intake, cmp: Comparison | None) -> tuple[Section, ...]:
    builders = (method, overall, good_practice, common_problems, areas, advice, appendix)
    return tuple(Section(NUMERALS[i], title, tuple(build(rnd, intake, cmp)))
                 for i, (title, build) in enumerate(zip(SECTION_TITLES, builders, strict=True)))


def method(rnd: Round, intake: Intake, cmp: Comparison | None) -> list[Block]:
    reports, rubric = rnd.reports, rnd.rubric
    years = sorted({r.year for r in reports if r.year})
    levels = sorted({r.level for r in reports}, key=level_order)
    count = Counter((r.level, r.year) for r in reports)
    reviewed = sum(len(r.reviewed) for r in reports)
    blocks = [
        h("（一）评估对象"),
        p(f"本轮共评估{len(reports)}份法治政府建设年度报告，覆盖{'、'.join(map(str, years)) or '未识别'}年度"
          + (f"；另有{len(rnd.failures)}份文件无法读取，未纳入评估。" if rnd.failures else "。")),
        table(("层级", *(f"{y}年度" for y in years), "合计"),
              [(GOVERNMENT_GROUPS.get(lv, "未识别"), *(str(count[(lv, y)]) for y in years),
                str(sum(count[(lv, y)] for y in years) + count[(lv, None)])) for lv in levels]),
    ]
    if intake.expected:
        blocks.append(p(f"应报送{len(intake.expected)}个，实际收到{len(reports)}份，未提交{len(intake.missing)}个"
                        f"（名单见“共性问题”及round_intake.csv）。"))
    blocks += [
        h("（二）评估方法"),
        p(f"评估指标：{rubric['title']}（版本{rubric['version']}，sha256 {rubric['sha256']}）。"
          f"指标分{len(rnd.areas)}个领域、{len(rnd.criteria)}项，满分{sum(a.points for a in rnd.areas):g}分。"),
        table(("领域", "分值", "指标数"), [(a.title, f"{a.points:g}", str(sum(c.area == a.id for c in rnd.criteria)))
                                     for a in rnd.areas]),
        p("评定等级：" + ";".join(f"{lv['level']} {lv['name']}" for lv in rubric.get("levels") or [])
          + "。每项得分均以报告原文为依据；报告结构项按“缺失/未单列/单列成章”评定。"),
        p(f"经评估人员人工复核的指标共{reviewed}项（涉及{sum(1 for r in reports if r.reviewed)}份报告），"
          "以复核等级计分。" if reviewed else "本轮评分未经人工复核调整。"),
    ]
    return blocks


def overall(rnd: Round, intake: Intake, cmp: Comparison | None) -> list[Block]:
    reports = rnd.reports
    mean, median = mean_median([r.rate for r in reports])
    bands = band_counts(reports)
    on_time = sum(1 for r in reports if r.on_time)
    complete = sum(1 for r in reports if not r.missing_parts)
    n = len(reports)
    blocks = [
        h("（一）得分分布"),
        p(f"平均得分率{rate_text(mean)}，中位数{rate_text(median)}；最高{rate_text(max(r.rate for r in reports))}，"
          f"最低{rate_text(min(r.rate for r in reports))}。"),
        Block("chart", chart=Bars("得分率分布", tuple(b for b, _ in bands), tuple(c / n for _, c in bands),
                                  tuple(f"{c}份" for _, c in bands))),
        table(("得分率", "报告数", "占比"), [(b, str(c), rate_text(c / n)) for b, c in bands]),
        p(f"按时公开（次年4月1日前）{on_time}份，按时公开率{rate_text(on_time / n)}；"
          f"{ON_TIME[False]}{sum(1 for r in reports if r.on_time is False)}份，"
          f"{ON_TIME[None]}发布日期{sum(1 for r in reports if r.on_time is None)}份。"
          f"必备部分齐全的{complete}份，占{rate_text(complete / n)}。"),
        h("（二）分层级结果"),
        table(("层级", "报告数", "平均得分率", "中位数"),
              [(lv, str(k), rate_text(m), rate_text(md)) for lv, k, m, md in
               sorted(by_group(reports, lambda r: r.level_word), key=lambda t: level_order(_level_key(t[0])))]),
    ]
    provinces = {r.province for r in reports}
    key, word = (lambda r: r.province or "未识别"), "省份"
    if len(provinces) <= 1:
        key, word = (lambda r: r.city or "未识别"), "城市"
    if len({key(r) for r in reports}) > 1:
        blocks += [h(f"（三）分{word}结果"),
                   table((word, "报告数", "平均得分率", "中位数"),
                         [(g, str(k), rate_text(m), rate_text(md)) for g, k, m, md in by_group(reports, key)])]
    if cmp is not None:
        from .round_sections_yoy import summary_blocks

        blocks += summary_blocks(rnd, cmp)
    return blocks


def _level_key(word: str) -> str | None:
    return next((k for k, v in GOVERNMENT_GROUPS.items() if v == word), None)


def good_practice(rnd: Round, intake: Intake, cmp: Comparison | None) -> list[Block]:
    found = experiences(rnd)
    if not found:
        return [p("本轮报告中没有达到“具体举措”以上等级的实践可供推介。")]
    blocks = [p("以下按领域摘录本轮报告中等级最高的做法（经人工复核的优先），照录报告原文，供各地学习借鉴。")]
    area = None
    for e in found:
        if e.area != area:
            area = e.area
            blocks.append(h(f"{area}"))
        mark = "【人工复核】" if e.quote.reviewed else ""
        blocks.append(Block("quote", e.quote.text, source=f"{e.report.label}报告 · {e.quote.place or '正文'} · "
                                                            f"{e.criterion}{mark}"))
    return blocks


def common_problems(rnd: Round, intake: Intake, cmp: Comparison | None) -> list[Block]:
    found = _intake_findings(rnd, intake) + problems(rnd)
    if cmp is not None and cmp.copied:
        who = tuple(f"{c.current.label}({rate_text(c.copied_share)})" for c in cmp.copied)
        found.append(Finding("照搬上年：与本地区上一年度报告大段相同", len(who), len(cmp.changes), who))
    if not found:
        return [p("本轮报告未发现共性问题。")]
    blocks = []
    for i, f in enumerate(found, start=1):
        blocks.append(Block("finding", f"{i}. {f.title}：{f.count}{f.unit}（占{rate_text(f.count / f.of if f.of else 0)}）"
                            + (f"。指标要求：{f.detail}" if f.detail else ""), source=names_text(f.names)))
    return blocks


def _intake_findings(rnd: Round, intake: Intake) -> list[Finding]:
    out = []
    if intake.missing:
        out.append(Finding("应报送而未提交年度报告", len(intake.missing), len(intake.expected),
                           tuple(f"{e.parent or ''}{e.name}" for e in intake.missing), unit="个"))
    if intake.duplicates:  # counted in reports, named by government with its files
        who = tuple(f"{g[0].label}({'、'.join(r.file for r in g)})" for g in intake.duplicates)
        out.append(Finding("同一政府同一年度重复提交", sum(len(g) for g in intake.duplicates), len(rnd.reports), who))
    return out


def areas(rnd: Round, intake: Intake, cmp: Comparison | None) -> list[Block]:
    figures = area_figures(rnd)
    blocks = [Block("chart", chart=Bars("各领域平均得分率", tuple(f.title for f in figures),
                                        tuple(f.mean_rate for f in figures), tuple(rate_text(f.mean_rate) for f in figures))),
              table(("领域", "分值", "平均得分率", "标准差（百分点）", "最高", "最低"),
                    [(f.title, f"{f.points:g}", rate_text(f.mean_rate), f"{f.spread:.1f}",
                      f"{names_text(f.best, 3)}({rate_text(f.best_rate)})",
                      f"{names_text(f.worst, 3)}({rate_text(f.worst_rate)})") for f in figures],
                    (16, 7, 11, 12, 27, 27))]
    ordered = sorted(figures, key=lambda f: (f.mean_rate, f.id))
    if ordered:
        blocks.append(p(f"得分率最低的领域是“{ordered[0].title}”（{rate_text(ordered[0].mean_rate)}），"
                        f"最高的是“{ordered[-1].title}”（{rate_text(ordered[-1].mean_rate)}）。"))
    return blocks


def advice(rnd: Round, intake: Intake, cmp: Comparison | None) -> list[Block]:
    gaps = frequent_gaps(rnd)
    blocks = [p("针对本轮报告中较为普遍的缺项，提出以下建议：")] if gaps else []
    for i, (cid, who, of) in enumerate(gaps, start=1):
        c = rnd.criterion(cid)
        blocks.append(p(f"{i}. 关于“{c.title}”（{len(who)}份报告未体现，占{rate_text(len(who) / of)}）："
                        f"{recommendation(c.title, c.message)}"))
    if intake.missing or intake.late:
        blocks.append(p(f"{len(gaps) + 1}. 关于报送和公开：各地应按《法治政府建设与责任落实督察工作规定》"
                        "于每年4月1日前向社会公开上一年度报告，并按时报送。"))
    return blocks or [p("本轮报告未见普遍缺项，建议各地保持并进一步写实量化成效。")]


def appendix(rnd: Round, intake: Intake, cmp: Comparison | None) -> list[Block]:
    blocks = [h("附录一 评估结果排名")]
    for group in rnd.ranking["groups"]:
        if len(rnd.ranking["groups"]) > 1:
            blocks.append(p(f"{group['key']}（共{group['n']}份）"))
        blocks.append(table(("名次", "地区", "层级", "总分", "得分率"), [
            (str(e["rank"]), _place(e),
             GOVERNMENT_GROUPS.get(e.get("level"), "未识别"), f"{e['total']:g}/{e['max']:g}",
             rate_text(e["total"] / e["max"] if e["max"] else 0)) for e in group["entries"]]))
    blocks += [h("附录二 评估指标"),
               table(("领域", "指标", "分值", "要求"),
                     [(next(a.title for a in rnd.areas if a.id == c.area), c.title, f"{c.points:g}", c.message)
                      for c in rnd.criteria], (16, 26, 7, 51))]
    if cmp is not None:
        from .round_sections_yoy import appendix_blocks

        blocks += appendix_blocks(rnd, cmp)
    return blocks


def _place(entry: dict) -> str:
    """A ranking entry's government with its city, e.g. 昌平区(北京市)."""
    name = entry["region"] or entry["file"]
    city = entry.get("city")
    return f"{name}({city})" if city and city != name else name
