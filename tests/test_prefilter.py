"""The first-character lookahead changes no match, and the spam lexicon keeps it."""

from __future__ import annotations

import re

import pytest
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer import hygiene, issuer
from scorer.prefilter import first_chars, with_prefilter


@pytest.mark.parametrize("pattern, chars", [
    ("申博|太阳城", {"申", "太"}),
    ("(欧洲杯|世界杯)比分|比分(直播|网)", {"欧", "世", "比"}),
    ("(?<!福利)彩票(?!公益金)", {"彩"}),
    ("[县市区]情概况|概况", {"县", "市", "区", "概"}),
    ("(bob|ob)体育", {"b", "o"}),
    ("(?:ab)+c", {"a"}),
    ("x?y", None),  # an optional first item: unknown
    (r"\w+体育", None),
    ("[^a]b", None),
])
def test_first_chars(pattern, chars):
    assert first_chars(re.compile(pattern)) == chars


def test_unknown_first_characters_leave_the_pattern_as_it_is():
    pattern = re.compile(r"\d+次")
    assert with_prefilter(pattern) is pattern


def test_the_spam_lexicon_is_prefiltered():
    assert hygiene._SPAM.pattern.startswith("(?=[")


SPAM = ("申博体育在线、NBA比分、nba比分、Bob体育，福利彩票公益金与彩票，体育彩票，澳门葡京，PK10 pk10，"
        "道客巴巴 DOC88 免费下载，注册即送，KY体育")


@pytest.mark.parametrize("text", [SPAM] + [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))])
def test_prefiltered_spam_finds_exactly_what_the_plain_pattern_finds(text):
    plain = re.compile(hygiene._GAMBLING + "|" + hygiene._ADS, re.IGNORECASE)
    mixed = text[:200] + SPAM + text[200:]
    for t in (text, mixed):
        assert [m.span() for m in hygiene._SPAM.finditer(t)] == [m.span() for m in plain.finditer(t)]
    assert len(list(hygiene._SPAM.finditer(SPAM))) >= 12


@pytest.mark.parametrize("pattern, prefix", [
    ("行政复议[^,。;、]{0,3}工作", "行政复议"), ("abc", "abc"), ("ab?c", "a"), ("a|b", ""), ("(?i)abc", ""),
    (r"\d+次", ""), ("(?<=x)ab", ""), ("^ab", ""), ("(ab)c", ""), ("(?x) a b c", "abc"),
])
def test_literal_prefix(pattern, prefix):
    from scorer.prefilter import literal_prefix

    assert literal_prefix(pattern) == prefix


PATTERNS = ["行政复议[^,。;、]{0,3}工作", "行政复议等[^,。;]{0,4}工作", "执法[^,。]{0,6}公示", "法治", "政府[^。]{0,20}$",
            "年度", "x法", "(?i)ab", "复议复议"]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004", "made"])
def test_searching_only_the_sentences_holding_a_patterns_first_characters_finds_every_match(prefix):
    """A sentence without the characters every match begins with holds no match."""
    from unittest import mock

    from scorer import prefilter
    from scorer.document import document_from_text, load_document
    from scorer.occurrences import Occurrences, rubric_words
    from scorer.rubric import load_rubric
    from tests.conftest import seed

    made = "复议复议复议。行政复议工作\n行政复议等各项工作全面推进,执法信息公示。\n法治政府"
    doc = document_from_text(made) if prefix == "made" else load_document(seed(prefix))
    ctx = Occurrences(doc, rubric_words(load_rubric()))
    found = {p: list(ctx.regex(p)) for p in PATTERNS}
    with mock.patch.object(prefilter, "literal_prefix", lambda pattern, flags=0: ""):
        assert {p: list(ctx.regex(p)) for p in PATTERNS} == found
    assert sum(map(len, found.values())) > 0


# The patterns as written before they were prefiltered: the URL's first word class as \w.
PLAIN = {
    "url": (hygiene._URL, re.compile(
        r"(?:https?://|www\.)[\w\-./?%&=#:]+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|cn|cc|vip|top|xyz|me|io|info|biz)\b"
        r"(?:/[\w\-./?%&=#]*)?", re.IGNORECASE | re.ASCII)),
    "deference": (issuer._DEFERENCE, re.compile(
        r"在[^。;!?]{0,60}?(领导|指导|监督|支持|关心|帮助|部署)[^。;,!?]{0,8}?下"
        r"|(按照|根据|落实|贯彻|对照)[^。;,!?]{0,40}?(部署|要求|精神|安排)|向[^。,;]{0,30}?(报告|汇报)")),
    "self": (issuer._SELF, re.compile(r"我([省市县区州旗盟])|(?<![\u4e00-\u9fff、])([省市县区州旗盟])委、\2政府"
                                      r"|(?<![\u4e00-\u9fff、])([省市县区州旗盟])政府")),
}
ODD = ("访问 https://x.cn/a?b=1 或 WWW.Example.COM、_a-b.c.net/x 与 my.gov.cn,ｗｗｗ.x.com é.com 9.top "
       "在省委、省政府的正确领导下,按照市委部署要求,向市人大常委会报告。我市、县委、县政府,区政府坚持,湖北省委、省政府")


@pytest.mark.parametrize("name", sorted(PLAIN))
@pytest.mark.parametrize("text", [ODD] + [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))])
def test_prefiltered_patterns_find_exactly_what_the_plain_ones_find(name, text):
    prefiltered, plain = PLAIN[name]
    assert prefiltered.pattern.startswith("(?=[")
    found = [(m.span(), m.groups()) for m in prefiltered.finditer(text)]
    assert found == [(m.span(), m.groups()) for m in plain.finditer(text)]
    if text == ODD:
        assert found


@pytest.mark.parametrize("pattern, chars", [
    ("^在.{0,60}领导", {"在"}),
    ("^(始终)?坚持以.{1,60}为", {"坚"}),  # an optional first item: the next one is held
    ("(?<!福利)x*彩票", {"彩"}),
    ("(深入)?(学习|贯彻)", {"学", "贯"}),
    ("(深入)?(学习|)贯彻", None),  # an item that may be empty
    (r"\w+体育", None),
    ("a?b", {"b"}),
    ("(?i)a?b", None),  # either case: not known from the parse
    ("(?i:x)?b", None),
    ("(?i)a?法", {"法"}),  # a character without case is itself whatever the flags
    ("[[:digit:]]+项工作", None),  # a POSIX class on RE2; characters to Python's parse
    ("x?[[:alpha:]]", None),
])
def test_held_chars(pattern, chars):
    from scorer.prefilter import held_chars

    assert held_chars(pattern) == chars


HELD = ["^在.{0,6}(领导|监督)[^,]{0,2}下", "^(始终)?坚持以.{1,6}为(指导|引领)", "^(深入|全面)?(学习贯彻|贯彻)(?!.{0,4}依法治)(党的|中央).{0,4}(精神|要求)$",
        "(现将|兹将).{0,6}报告", "请予审议|报告如下", "(?i)a?b", "x*(?:ab)+c", "(?<![第])一[十百]",
        "[[:digit:]]+十", "[[:alpha:]]?第"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("在始终坚持以为领导监督下,深入全面学习贯彻党的中央精神要求依法治现将兹报告请予审议如aAbBcx第一十百3")),
                max_size=16).map("".join))
def test_every_match_holds_one_of_the_held_chars(text):
    from scorer.prefilter import held_chars
    from scorer.rubric import load_rubric
    from scorer.rules.regex import compile_pattern

    for p in HELD + list(load_rubric().language.formulas):
        chars = held_chars(p)
        if chars is not None and compile_pattern(p).search(text):  # as formulas run: on RE2 when it can
            assert any(c in text for c in chars), p


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")))
def test_formulas_looked_for_only_in_clauses_holding_their_characters_are_found_as_before(path):
    from scorer.clauses import CLAUSE_END
    from scorer.levels import formula, level_words
    from scorer.rubric import load_rubric
    from scorer.rules.regex import leftmost

    lang = level_words(load_rubric())
    clauses = CLAUSE_END.split(path.read_text("utf-8")) + ["在区委的坚强领导下", "始终坚持以习近平法治思想为指导", "请予审议"]
    found = 0
    for clause in clauses:
        m = leftmost(lang.formulas, clause.strip())
        assert formula.__wrapped__(clause, lang) == (m and m.group())
        found += m is not None
    assert found >= 3
