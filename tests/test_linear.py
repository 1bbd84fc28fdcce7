"""Reading a report costs work in proportion to its length.

Work is counted, not timed: the lines of scorer's code that run while a document
is built. A report four times as long must cost about four times as many (n log n
steps run in C: sorting, binary search); a step that compares each line or
sentence with every flagged span or every part costs sixteen times as many.
"""

from __future__ import annotations

import sys
from pathlib import Path

from scorer.document import document_from_text

SCORER = str(Path(__file__).resolve().parent.parent / "scorer")
# Linear code costs 4× for a report 4× as long; quadratic code 16×. The bound leaves
# room for fixed costs and n log n, and fails a quadratic step by a wide margin.
GROWTH_BOUND = 6


def _report(blocks: int) -> str:
    """Many short lines, headings, items and flagged spans (page furniture, spam)."""
    lines = ["某县人民政府关于2023年度法治政府建设情况的报告"]
    for i in range(blocks):
        lines += [f"{'一二三四五六七八九'[i % 9]}、第{i}项工作",
                  f"当前位置:首页>{i}",
                  f"开展执法检查{i}次,申博体育在线{i}。",
                  f"({'一二三'[i % 3]})会前学法{i}次",
                  f"一是培训{i}人;二是调解{i}件。"]
    return "\n".join(lines)


class _Budget(Exception):
    pass


def _lines_run(text: str, budget: int, work=document_from_text) -> int:
    """Lines of scorer's code run by `work(text)` (building the document); stops once over `budget`."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            if count > budget:
                raise _Budget
        return local

    def trace(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(SCORER) else None

    sys.settrace(trace)
    try:
        work(text)
    except _Budget:
        pass
    finally:
        sys.settrace(None)
    return count


def test_the_synthetic_report_has_many_flagged_spans_parts_and_sentences():
    doc = document_from_text(_report(100))
    flagged = sum(len(f.spans) for f in doc.flags if f.excluded)
    parts = sum(1 for top in doc.parts for _ in top.walk())
    assert flagged >= 200 and parts >= 300 and len(doc.sentences) >= 400


def test_reading_cost_grows_linearly_with_the_report():
    document_from_text(_report(5))  # loads the gazetteer and compiles patterns once
    small = _lines_run(_report(150), 10**9)
    large = _lines_run(_report(600), GROWTH_BOUND * small)
    assert large <= GROWTH_BOUND * small, f"4× the report cost over {large / small:.1f}× the work"


def _matched(text: str) -> None:
    from scorer.matcher import match_document
    from scorer.rubric import load_rubric

    match_document(document_from_text(text), load_rubric())


def _headed_report(blocks: int) -> str:
    """Many short headings naming criteria, each over a few measures with figures."""
    lines = ["某县人民政府关于2023年度法治政府建设情况的报告", "一、主要举措和成效"]
    for i in range(blocks):
        lines += [f"({'一二三四五'[i % 5]})推进政务公开第{i}项", f"主动公开政府信息{i + 1}条,发布政策解读{i + 2}篇。",
                  f"{i % 9 + 1}.优化营商环境", f"办理审批事项{i + 3}件,开展执法检查{i + 4}次。"]
    return "\n".join(lines)


def test_matching_cost_grows_linearly_with_headings_and_hits():
    _matched(_headed_report(5))  # loads the rubric, its tokenizer and the gazetteer once
    small = _lines_run(_headed_report(60), 10**9, _matched)
    large = _lines_run(_headed_report(240), GROWTH_BOUND * small, _matched)
    assert large <= GROWTH_BOUND * small, f"4× the report cost over {large / small:.1f}× the work"


def _whole_report(blocks: int) -> str:
    """A whole named as one (三项制度) part after part, and a member's own words in a part of
    their own: each mention asks whether the members report on their own in its part."""
    lines = ["某县人民政府关于2023年度法治政府建设情况的报告", "一、主要举措和成效"]
    for i in range(blocks):
        lines += [f"{i + 1}.第{i}项工作", f"推行三项制度第{i}项。"]
    lines.append("二、执法公示")
    lines += [f"推进执法公示第{i}项。" for i in range(blocks)]
    return "\n".join(lines)


def test_matching_cost_grows_linearly_with_a_whole_and_its_members():
    """Each mention of a whole asks whether its members report on their own where it stands."""
    _matched(_whole_report(5))
    small = _lines_run(_whole_report(120), 10**9, _matched)
    large = _lines_run(_whole_report(480), GROWTH_BOUND * small, _matched)
    assert large <= GROWTH_BOUND * small, f"4× the report cost over {large / small:.1f}× the work"


def _one_sentence(units: int) -> str:
    """A report with no full stop: one sentence holding every occurrence, of words that near
    and all_of rules ask about (学习 near 依法治市委员会; 复议 with 受理, 决策 with 专家论证)."""
    unit = ("开展行政执法公示和执法全过程记录,推进重大执法决定法制审核,常务会专题学习法律法规,传达学习依法治市委员会会议精神,"
            "行政复议受理案件,重大决策经过专家论证,")
    return "某县人民政府关于2023年度法治政府建设情况的报告\n一、主要举措和成效\n" + "".join(
        unit.replace("开展", f"开展第{i}批") for i in range(units))


def test_matching_cost_grows_linearly_with_one_long_sentence(monkeypatch):
    """The rules ask about the sentence of each occurrence they look at: a sentence that is the
    whole report must not be gone through again for each of its occurrences. The going through
    runs in C (a slice of its hits), so the hits it reads are counted, with the lines run."""
    import bisect

    from scorer.occurrences import Occurrences

    read = []
    words_in, whole_in = Occurrences._words_in, Occurrences._whole_in

    def counted_words(self, k):
        read.append(bisect.bisect_right(self._all_k, k) - bisect.bisect_left(self._all_k, k))
        return words_in(self, k)

    def counted_whole(self, word, k):
        _, i, j = self._range(word, k)
        read.append(j - i)
        return whole_in(self, word, k)

    monkeypatch.setattr(Occurrences, "_words_in", counted_words)
    monkeypatch.setattr(Occurrences, "_whole_in", counted_whole)
    _matched(_one_sentence(5))
    read.clear()
    small = _lines_run(_one_sentence(100), 10**9, _matched)
    small_read = sum(read)
    read.clear()
    large = _lines_run(_one_sentence(400), GROWTH_BOUND * small, _matched)
    assert large <= GROWTH_BOUND * small, f"4× the report cost over {large / small:.1f}× the work"
    assert 0 < sum(read) <= GROWTH_BOUND * small_read, f"4× the report read {sum(read) / small_read:.1f}× the hits"
