"""The first-character lookahead changes no match, and the spam lexicon keeps it."""

from __future__ import annotations

import re

import pytest
from conftest import SEEDS

from scorer import hygiene
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
