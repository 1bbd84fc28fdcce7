"""The traps of DOMAIN.md, as short examples written for the purpose, and the evidence contract."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.document import document_from_text, load_document
from scorer.matcher import match_document
from scorer.rubric import load_rubric
from tests.conftest import seed


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


def level(rubric, text: str, criterion: str) -> int:
    return match_document(document_from_text(text), rubric)[criterion].level


TRAPS = [
    # Plans and problems are not achievements, whatever their wording.
    ("一、主要举措和成效\n召开会议。\n二、2024年工作安排\n全面推行执法全过程记录制度,配备执法记录仪300台。",
     "enforcement.recording", 0),
    ("一、主要举措和成效\n召开会议。\n二、存在的不足\n负责人出庭应诉率仅为60%。", "litigation.appearance", 0),
    ("一、主要举措和成效\n召开会议。\n区政府深知责任重大。下步工作中将重点开展:一是推行执法公示制度。",
     "enforcement.publicity", 0),
    # Negated or deficient statements, wherever they stand.
    ("行政机关负责人出庭应诉率有待提高。", "litigation.appearance", 0),
    ("尚未建立重大执法决定法制审核目录。", "enforcement.legal_review", 0),
    ("行政执法监督方式较为单一,仍需加强。", "enforcement.oversight", 0),
    ("部分单位执法信息公示不及时。", "enforcement.publicity", 0),
    ("基层普法宣传力度不足。", "society.legal_education", 0),
    ("行政复议体制改革尚需深化。", "reconsideration.reform", 0),
    # General words are not measures; a measure with a figure is level 3.
    ("深入推行行政执法“三项制度”。", "enforcement.publicity", 1),
    ("拟制7类公示格式,通过区政府网站公示执法信息。", "enforcement.publicity", 3),
    # A whole named as one counts 1 for each member, unless broken down in its part.
    ("深入推行行政执法“三项制度”。", "enforcement.legal_review", 1),
    ("二是落实行政执法“三项制度”。规范执法信息公示,拟制7类公示格式。落实执法全过程记录制度,推进移动执法终端使用。",
     "enforcement.legal_review", 0),
    ("二是落实行政执法“三项制度”。规范执法信息公示,拟制7类公示格式。落实执法全过程记录制度,推进移动执法终端使用。",
     "enforcement.recording", 2),
    # Figures in Chinese numerals count; set phrases and session ordinals do not.
    ("举办普法讲座二十余场。", "society.legal_education", 3),
    ("发放普法资料十万余册。", "society.legal_education", 3),
    ("召开区政府常务会会前学法五次。", "duties.study", 3),
    ("落实“谁执法谁普法”责任制。", "society.legal_education", 1),
    ("按照市委五届三次、四次全会要求,区委常委会研究部署法治建设。", "duties.deploy", 2),
    ("入选全国104个“枫桥式工作法”单位,创新人民调解工作法。", "society.mediation", 2),
    # A word inside another word is not the word.
    ("贯彻上述法规。", "duties.report_on_law", 0),
    # Traditional script with Taiwan phrasing matches the simplified terms.
    ("進一步規範行政執法資訊公示,擬制7類公示格式,通過區政府網站公示執法資訊。", "enforcement.publicity", 3),
    ("落實行政執法全過程記錄製度,逐步推進移動執法終端使用。", "enforcement.recording", 2),
    ("全年審核各類區級文件、協議總計278件。", "decision.normative_docs", 3),
]


@pytest.mark.parametrize(("text", "criterion", "expected"), TRAPS)
def test_trap(rubric, text, criterion, expected):
    assert level(rubric, text, criterion) == expected


def test_injected_spam_is_never_evidence(rubric):
    doc = document_from_text("上级申博体育在线:扎实稳定经济运行的措施。普法宣传活动申博体育在线:举办120场。")
    for m in match_document(doc, rubric).values():
        for e in m.evidence:
            assert "申博" not in e.quote


def test_page_furniture_is_never_evidence(rubric):
    doc = document_from_text("当前位置:首页>普法宣传>法治宣传\n2022年,县政府依法行政。\n开展工作。")
    assert match_document(doc, rubric)["society.legal_education"].level == 0


def test_misses_say_why(rubric):
    m = match_document(load_document(seed("001")), rubric)
    assert m["enforcement.publicity"].level == 0
    reasons = {r.reason for r in m["enforcement.publicity"].rejected}
    assert "仅见于存在的不足部分" in reasons and "仅见于下一年度安排部分" in reasons
    assert m["litigation.appearance"].summary.startswith("未计分")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_evidence_is_quoted_as_written_at_its_offsets(rubric, prefix):
    doc = load_document(seed(prefix))
    for m in match_document(doc, rubric).values():
        assert len(m.evidence) <= 3
        for e in m.evidence:
            assert e.quote == doc.original[e.start:e.end].strip()
            assert e.quote and e.level == m.level or e.level <= m.level
        for r in m.rejected:
            assert r.quote == doc.original[r.start:r.end].strip()


def test_traditional_evidence_stays_traditional(rubric):
    m = match_document(load_document(seed("000")), rubric)
    quote = m["enforcement.publicity"].evidence[0].quote
    assert "資訊" in quote and "7類" in quote


def test_keeping_only_the_rejected_hits_a_result_can_show_changes_no_result(monkeypatch):
    """Rejected hits are dropped while matching (memory), save those a result shows: the
    first of each sentence and reason up to ten, and the first of each reason."""
    from scorer import matcher
    from scorer.document import document_from_text
    from scorer.rubric import load_rubric
    from scorer.scoring import score_document

    lines = ["一、主要举措和成效"]
    lines += [f"第{i}个单位的执法公示不及时,各单位将继续推进执法公示。三项制度有待完善。" for i in range(14)]
    lines += [f"第{i}个部门负责人出庭应诉率偏低。" for i in range(12)] + ["各部门将继续提高出庭应诉率。"]
    lines += ["深入推行行政执法三项制度。", "二、存在的不足", "执法公示不及时,原因是培训不足。"]
    doc = document_from_text("\n".join(lines))
    rubric = load_rubric()
    kept = score_document(doc, rubric)
    monkeypatch.setattr(matcher, "_kept", lambda items, doc, heads: items)
    everything = score_document(doc, rubric)
    assert kept == everything
    shown = {cs.criterion.id: cs.match.rejected for cs in kept.criteria}
    assert len(shown["enforcement.publicity"]) == matcher.SHOWN_REJECTED
    assert len({r.reason for r in shown["enforcement.publicity"]}) >= 2
    appearance = next(cs.match for cs in kept.criteria if cs.criterion.id == "litigation.appearance")
    assert appearance.level == 0 and "计划而非已做" in appearance.summary  # a reason first seen after ten others


# Two item headings in one clause (a space is no clause end): the second names the criterion
# for the clauses under it as the first does, though its hit is alike in all but the heading.
TWO_HEADINGS = ("关于2023年法治政府建设情况的报告\n一、主要举措和成效\n（一）严格规范执法\n"
                "一是执法公示 二是执法公示。全年处理行政案件1200件，罚没款300万元。\n")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004", "two-headings"])
def test_keeping_one_counted_hit_of_each_kind_changes_no_result(prefix, monkeypatch):
    """Counted hits alike in sentence, clause, level, heading and rule are thinned while
    matching (memory): quotes, levels, wholes and headings come out as from all of them."""
    from scorer import matcher
    from scorer.rubric import load_rubric
    from scorer.scoring import score_document

    doc = document_from_text(TWO_HEADINGS) if prefix == "two-headings" else load_document(seed(prefix))
    rubric = load_rubric()
    thinned = score_document(doc, rubric)
    calls = []

    def everything(items, doc, heads):
        calls.append(sum(j.reason is None for j in items) - sum(j.reason is None for j in real(items, doc, heads)))
        return items

    real = matcher._kept
    monkeypatch.setattr(matcher, "_kept", everything)
    assert score_document(doc, rubric) == thinned
    if prefix == "two-headings":  # the clauses under the second heading report it too
        assert next(cs.level for cs in thinned.criteria if cs.criterion.id == "enforcement.publicity") == 3
    else:
        assert sum(calls) > 0  # some hits were thinned: the comparison is not empty


# A clause that runs into an inline item (a space before 三是 ends no clause): 全过程记录 stands
# in it before the item and again inside it, alike but for the part; the item also names
# 执法公示, and then the whole (三项制度).
INTO_AN_ITEM = ("关于2023年法治政府建设情况的报告\n一、主要举措和成效\n（一）严格规范执法\n"
                "全过程记录 三是推行行政执法公示执法全过程记录二是落实三项制度和执法全过程记录。三项制度\n")


# Lines of a report that put alike hits side by side: item headings sharing a clause, one term
# twice in a clause, terms of a whole and its members, figures near and far, plans and lists.
FRAGMENTS = ["（一）严格规范执法", "（二）深化行政复议体制改革", "1.推行执法公示", "一是执法公示 二是执法公示。", "一是执法公示 二是执法公示。全年处理行政案件1200件，罚没款300万元。",
             "全面推行行政执法公示、执法全过程记录、重大执法决定法制审核制度。", "深入推行行政执法三项制度。",
             "执法公示平台公示执法信息1200条，执法公示覆盖率100%。", "全年办理行政复议案件56件，纠错率8%。",
             "行政复议体制改革全面完成，执法公示持续推进。", "下一步将继续推进执法公示。", "会前学法、述法、执法公示、全过程记录、法制审核",
             "主要负责人履行推进法治建设第一责任人职责，召开专题会议3次。", "研究执法公示等工作。",
             INTO_AN_ITEM.splitlines()[-1]]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12))
def test_thinning_changes_no_result_on_reports_made_of_alike_hits(lines):
    from unittest import mock

    from scorer import matcher
    from scorer.scoring import score_document

    doc = document_from_text("\n".join(["关于2023年法治政府建设情况的报告", "一、主要举措和成效", *lines,
                                        "二、存在的不足", "执法公示不够及时。"]))
    rubric = _rubric()
    thinned = score_document(doc, rubric)
    with mock.patch.object(matcher, "_kept", lambda items, doc, heads: items):
        assert score_document(doc, rubric) == thinned


@functools.lru_cache(maxsize=1)
def _rubric():
    return load_rubric()


def test_a_whole_in_an_item_sees_the_members_own_words_there_however_hits_are_thinned():
    """Thinning keeps the first of the two alike hits of 全过程记录, the one before the item.
    The whole named in the item must still find 全过程记录 reported there on its own words:
    a general mention of it, not a list of the members that leaves it out."""
    from unittest import mock

    from scorer import matcher

    doc = document_from_text(INTO_AN_ITEM)
    rubric = _rubric()
    recording = match_document(doc, rubric)["enforcement.recording"]
    assert not recording.rejected
    assert [e.quote for e in recording.evidence][-1] == "三项制度"
    with mock.patch.object(matcher, "_kept", lambda items, doc, heads: items):
        assert match_document(doc, rubric)["enforcement.recording"] == recording


def test_thinning_keeps_the_hit_whose_rule_lets_a_heading_name_its_criterion(tmp_path):
    """Two rules of one criterion hit a heading at one place and level: 执法公示 capped at 1,
    then 执法公示工作, which lets the heading name the criterion. Thinned as one kind, the
    heading would take the capped rule and the figure under it would count for nothing."""
    from unittest import mock

    from scorer import matcher
    from scorer.scoring import score_document
    from tests.conftest import ROOT

    path = tmp_path / "two-rules.yaml"
    path.write_text(f"extends: {ROOT / 'rubrics' / 'fazhi-annual.yaml'}\nid: two-rules\ntitle: two rules\n"
                    "criteria:\n  - id: enforcement.publicity\n    rules:\n"
                    "      - terms: [执法公示]\n        max_level: 1\n      - terms: [执法公示工作]\n", "utf-8")
    rubric = load_rubric(path)
    doc = document_from_text("关于2023年法治政府建设情况的报告\n一、主要举措和成效\n（一）执法公示工作\n全年公示执法信息1200条。\n")
    thinned = score_document(doc, rubric)
    with mock.patch.object(matcher, "_kept", lambda items, doc, heads: items):
        assert score_document(doc, rubric) == thinned
    assert next(cs.level for cs in thinned.criteria if cs.criterion.id == "enforcement.publicity") == 3


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004", "two-headings"])
def test_the_words_a_level_rests_on_are_found_again_as_they_were_judged(prefix, monkeypatch):
    """A counted hit keeps no span of the words its level rests on (memory: a long report has
    hundreds of thousands); a quote finds them again. They must be the ones judged: the figure
    of a 3, the action or title of a 2, in the hit's own sentence or, under a heading, its clause."""
    from scorer import headings, judge, matcher
    from scorer.judge import Judged, basis_of

    own: list[tuple] = []  # (Judged, the span its quote must hold, lang)
    under: list[tuple] = []  # (sentence, clause start, clause end, the span, lang)
    last: list = [None]
    dropped = []  # spans hit_level found for a level a rule's cap or the hit's context took away

    def recording(*args):
        out = real_level(*args)
        last[0] = out
        return out

    def judging(doc, criterion, cand, lang):
        j = real_judge(doc, criterion, cand, lang)
        if j.reason is None:
            # As the span was kept before: what hit_level found, unless the rule's max_level
            # capped the level or its context held it to general words (level 1 from a 2 or 3).
            level, _, span = last[0]
            level = max(level, cand.rule.min_level)
            if level > cand.rule.max_level or (level > 1 and j.level == 1):
                dropped.append(span)
                span = None
            own.append((j, span, lang))
        return j

    def verdict(doc, k, a, b, lang):
        found = real_verdict(doc, k, a, b, lang)
        if found:
            under.append((k, a, b, last[0][2], lang))
        return found

    real_level, real_judge, real_verdict = judge.hit_level, matcher.judge_hit, headings._clause_verdict
    monkeypatch.setattr(judge, "hit_level", recording)
    monkeypatch.setattr(headings, "hit_level", recording)
    monkeypatch.setattr(matcher, "judge_hit", judging)
    monkeypatch.setattr(headings, "_clause_verdict", verdict)
    doc = document_from_text(TWO_HEADINGS) if prefix == "two-headings" else load_document(seed(prefix))
    match_document(doc, _rubric())
    spans = [span for _, span, _ in own] + [u[3] for u in under]
    assert any(span is not None for span in spans)  # the comparison is not empty
    if prefix != "two-headings":  # hits whose found words no longer count are among them
        assert any(span is not None for span in dropped)
    for j, span, lang in own:
        assert basis_of(doc, j, lang) == span
    for k, a, b, span, lang in under:
        j = Judged(k, a, b, (), None, 2, "", None, span is not None, inherited=True)
        assert basis_of(doc, j, lang) == span
    if prefix == "two-headings":
        assert under  # the clauses under the heading were judged on their own words
