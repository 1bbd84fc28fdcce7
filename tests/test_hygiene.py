"""Page furniture and injected text: flagged, and never left for the matcher to read.

Every text here is a short synthetic sentence, not a real report."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer import hygiene
from scorer.document import document_from_text

TITLE = "某县人民政府关于2023年度法治政府建设情况的报告\n"
BODY = ("2023年,县政府坚持依法行政,现将有关情况报告如下:\n一、主要举措和成效\n"
        "制定行政执法公示办法,公示执法信息1200条。\n二、存在的不足\n工作仍有差距。")


def flagged(doc, name):
    """The texts of a flag's spans."""
    flag = next((f for f in doc.flags if f.name == name), None)
    return [doc.text[a:b].strip() for a, b in flag.spans] if flag else []


@pytest.mark.parametrize("line", [
    "首页 新闻中心 信息公开 政务服务 互动交流",
    "首页 走进某县 新闻中心 信息公开 政务服务",
    "网站首页 | 政务公开 | 通知公告",
    "通知公告",
    "首页 > 政务公开 > 法治政府建设",
    "政府信息公开 > 政府文件库 > 部门文件",
    "适老版 关爱版",
    "索引号:11410000-2024-00012 发布机构:县人民政府办公室",
    "字号:",
    "【字体:大 中 小】 【打印】",
    "微信 微博 QQ空间",
])
def test_menus_breadcrumbs_and_metadata_blocks_are_boilerplate(line):
    doc = document_from_text(line + "\n" + TITLE + BODY)
    assert flagged(doc, "web_boilerplate") == [line]


@pytest.mark.parametrize("line", [
    "发布时间:2024-03-20 来源:某县司法局",
    "来源: 某县人民政府\n发布日期: 2024-03-20",
    "2024-03-20 09:30",
])
def test_a_bare_date_or_source_line_is_not_boilerplate(line):
    doc = document_from_text(TITLE + line + "\n" + BODY)
    assert doc.flag_names() == []
    assert doc.metadata.published == "2024-03-20"


def test_a_list_of_site_columns_is_boilerplate():
    columns = ["开题报告", "申请报告", "调查报告", "心得体会", "工作计划", "述职报告"]
    doc = document_from_text("".join(f"  • {c}\n" for c in columns) + TITLE + BODY)
    assert flagged(doc, "web_boilerplate") == [f"• {c}" for c in columns]


def test_report_text_is_not_boilerplate():
    doc = document_from_text(TITLE + "(三)政务公开\n县政府门户网站首页设置法治政府建设专栏,发布信息56条。\n"
                             "扶持老字号企业发展\n执法公示 全过程记录 法制审核 三项制度\n" + BODY)
    assert doc.flag_names() == []


def test_a_betting_line_inside_the_body_is_injected_and_masked():
    doc = document_from_text(TITLE + BODY.replace("一、主要举措和成效\n", "一、主要举措和成效\n世界杯比分直播 在线投注\n"))
    assert flagged(doc, "injected_text") == ["世界杯比分直播 在线投注"]
    start = doc.text.index("世界杯")
    assert any(a <= start < b for a, b in doc.excluded_spans())
    assert "投注" not in doc.match_text and "世界杯" not in doc.match_text


def test_betting_spam_where_a_breadcrumb_had_its_home_page():
    doc = document_from_text("2024欧冠比分 > 政务公开 > 通知公告\n" + TITLE + BODY)
    assert doc.flag_names() == ["web_boilerplate", "injected_text"]
    assert flagged(doc, "injected_text") == ["2024欧冠比分"]


@pytest.mark.parametrize("spam", ["彩票注册送彩金", "娱乐城", "申博体育在线", "澳门新莆京官网", "某某亚洲官网"])
def test_gambling_words_in_prose_are_injected(spam):
    doc = document_from_text(TITLE + BODY.replace("制定行政执法", f"{spam}:制定行政执法"))
    assert spam in " ".join(flagged(doc, "injected_text"))


@pytest.mark.parametrize("line", ["本报告同时在区人民政府官网:www.xxq.gov.cn公开。",
                                  "详见区政府门户官网:http://www.xxq.gov.cn/。", "详见官网: www.xxq.gov.cn/fzzf"])
def test_a_government_naming_its_own_site_is_report_text(line):
    assert document_from_text(TITLE + line + "\n" + BODY).flag_names() == []


def test_a_site_named_as_an_official_site_inside_prose_is_never_quoted():
    """Spam sites change names faster than a list: "…官网:" where 关于 belongs is the insert."""
    from scorer.matcher import match_document
    from scorer.rubric import load_rubric

    doc = document_from_text("一、主要举措和成效\n某某国际官网:关于开展行政执法案卷评查的情况,全年评查案卷120卷。")
    match = match_document(doc, load_rubric())["enforcement.oversight"]
    assert flagged(doc, "injected_text") == ["某某国际官网:"]
    assert match.evidence and not any("官网" in e.quote for e in match.evidence)


def test_lottery_welfare_funds_are_report_text():
    doc = document_from_text(TITLE + "2023年,县政府规范福利彩票公益金使用,加强彩票市场监管。\n" + BODY)
    assert doc.flag_names() == []


# Repeated units found by comparing characters a whole window at a time give what the
# pattern finds tried at every position: stuffed runs, near misses (three copies, a newline
# inside, a unit that is not Han-led), runs over a window's edge, plane-2 and NUL characters.
UNITS = ["执法公示", "法治", "推进依法行政", "啊", "甲乙丙丁戊己庚辛壬", "甲乙丙丁戊己庚辛壬癸", "a法", "\n", "，", "𠀀法",
         "\x00", "法\n", "一二三", "-", "\udc80法", "乙丙"]


def _pattern_spans(text):
    from scorer.hygiene import _REPEATED_UNIT

    return [(m.start(), m.end()) for m in _REPEATED_UNIT.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(UNITS), st.integers(1, 6)), max_size=12), st.sampled_from([1, 3, 7, 64]))
def test_repeated_units_found_by_windows_are_the_patterns_matches(runs, window):
    from unittest import mock

    from scorer import hygiene

    text = "".join(unit * times for unit, times in runs)
    with mock.patch.object(hygiene, "_WINDOW", window):
        assert hygiene.repeated_units(text) == _pattern_spans(text)
    assert hygiene.repeated_units(text) == _pattern_spans(text)


def test_repeated_units_on_whole_reports_are_the_patterns_matches():
    from scorer import hygiene
    from tests.conftest import SEEDS

    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    stuffed = texts[0][:3000] + "执法公示" * 30 + texts[1][:500] + "依法行政" * 3 + "推进" * 5
    for text in [*texts, stuffed, "-" * 200_000 + "执法公示" * 4, "法" * 200_000]:
        assert hygiene.repeated_units(text) == _pattern_spans(text)
    assert len(hygiene.repeated_units(stuffed)) >= 2


def test_a_repeated_unit_starting_in_a_windows_overlap_is_left_to_the_next_window(monkeypatch):
    """Starts are taken from the window they lie in: the one before sees them in its overlap,
    without those before them in the next window, and would match a shorter unit first."""
    from scorer import hygiene

    text = "x" * 65 + "甲乙丙乙丙乙丙乙丙丁" * 4
    monkeypatch.setattr(hygiene, "_WINDOW", 64)
    assert hygiene.repeated_units(text) == _pattern_spans(text) == [(65, 105)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="法治a1", min_size=1, max_size=3), min_size=9, max_size=16),
       st.sampled_from(["、", ",", " ", "/", "、 "]))
def test_a_sentence_is_a_list_of_terms_exactly_when_its_items_say_so(items, separator):
    """Sentences too short to hold the items of a list are not split: the rule itself decides."""
    sentence = separator.join(items) + "。"
    split = [it for it in re.split(r"[、,/|\s]+", sentence.rstrip("。")) if it]
    short = sum(len(it) for it in split if len(it) <= hygiene.LIST_SHORT_ITEM)
    is_list = len(split) >= hygiene.LIST_MIN_ITEMS and short >= hygiene.LIST_SHORT_SHARE * len(sentence)
    found = set(hygiene.stuffing_spans(sentence)) - set(hygiene.repeated_units(sentence))
    assert ((0, len(sentence)) in found) == is_list


def test_a_spam_sites_name_is_flagged_to_its_colon_and_never_quoted():
    """"澳门金沙娱乐场:" where 关于 belongs: the lexicon knows 金沙娱乐, the insert runs to the colon."""
    from scorer.matcher import match_document
    from scorer.rubric import load_rubric

    doc = document_from_text("一、主要举措和成效\n澳门金沙娱乐场:全区开展执法案卷评查120卷。")
    match = match_document(doc, load_rubric())["enforcement.oversight"]
    assert flagged(doc, "injected_text") == ["澳门金沙娱乐场:"]
    assert [e.quote for e in match.evidence] == ["全区开展执法案卷评查120卷"]


def test_share_prompts_glued_to_the_prose_are_boilerplate_and_never_quoted():
    """A page that lost its line breaks: furniture no report writes, flagged where it stands."""
    from scorer.matcher import match_document
    from scorer.rubric import load_rubric

    doc = document_from_text("一、主要举措和成效\n扫一扫在手机打开当前页 区政府全年主动公开政府信息3200条。【打印本页】【关闭窗口】")
    match = match_document(doc, load_rubric())["oversight.transparency"]
    assert flagged(doc, "web_boilerplate") == ["扫一扫在手机打开当前页", "【打印本页】", "【关闭窗口】"]
    assert [e.quote for e in match.evidence] == ["区政府全年主动公开政府信息3200条"]


@pytest.mark.parametrize("line", ["深入开展打击网赌专项行动:查处案件12起。", "开展打击赌博网站专项整治,关停网站5个。",
                                  "严厉整治跨境赌博网站。", "严厉打击电信诈骗、网赌等违法犯罪。", "依法关停赌博网站12个。",
                                  "严厉打击网络博彩违法犯罪:全年破案3起。", "严厉打击私彩、非法彩票等违法行为。",
                                  "捣毁网络赌博平台3个。"])
def test_a_crackdown_on_gambling_is_report_text(line):
    assert document_from_text(TITLE + line + "\n" + BODY).flag_names() == []


@pytest.mark.parametrize(("line", "spam"), [
    ("印发《申博体育在线全面推行轻微违法行为不予处罚清单的实施意见》。", "申博体育在线"),
    ("太阳城娱乐城深入开展普法依法治理工作。", "太阳城娱乐城"),
    ("澳门葡京娱乐 开展打击电信网络诈骗专项行动。", "澳门葡京"),
])
def test_a_spam_brand_is_spam_whatever_its_clause_reports(line, spam):
    """Only a common name of gambling can be a crackdown's target; a site's brand never is."""
    doc = document_from_text(TITLE + line + "\n" + BODY)
    assert spam in " ".join(flagged(doc, "injected_text"))
