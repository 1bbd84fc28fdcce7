"""Property tests: any text gives a Document whose offsets map back exactly,
and any YAML gives a rubric or a clean, located error."""

from __future__ import annotations

import copy
import itertools

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer.document import document_from_text
from scorer.errors import RubricError
from scorer.matcher import match_document
from scorer.rubric import load_rubric
from tests.conftest import ROOT, assert_offsets_map_back, seed

FRAGMENTS = [
    "一、", "(二)", "（三）", "1.", "2、", "一是", "二是", "第一部分", "。", ";", "!", "\n", "\r\n", "  ",
    "存在的问题", "下一步将", "主要举措和成效", "第一责任人", "三项制度", "执法公示", "会前学法5次", "十万余册",
    "有待提高", "《办法》", "“全覆盖”", "100%", "2023年", "申博体育在线:", "当前位置:首页", "http://x.com/a",
    "\u200b", "\ufeff", "А", "é", "e\u0301", "ＡＢ１", "資訊", "程式", "记录製度", "\u3000",
]
SEED_TEXT = seed("001").read_text("utf-8")[:3000]
texts = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.characters(blacklist_categories=("Cs",)),
              st.integers(0, len(SEED_TEXT) - 40).map(lambda i: SEED_TEXT[i:i + 40])),
    max_size=60,
).map("".join)
RUBRIC = load_rubric()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_any_text_gives_a_document_whose_offsets_map_back(text):
    doc = document_from_text(text)
    assert_offsets_map_back(text, doc, RUBRIC)
    for m in match_document(doc, RUBRIC).values():
        assert not any("申博" in e.quote for e in m.evidence)  # flagged text is never evidence


scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.floats(allow_nan=True),
                    st.text(max_size=8), st.sampled_from(["achievements", "duties", "terms", "part", "0", "id"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["id", "title", "version", "areas", "criteria", "rules", "terms", "points",
                                     "area", "scope", "examples", "text", "level", "extends", "levels", "near",
                                     "within", "all_of", "part", "wholes", "language", "x"]), inner, max_size=5)),
    max_leaves=25)
_counter = itertools.count()
# The default rubric parsed once (PyYAML takes 60 ms), copied for each example.
DEFAULT_DOC = yaml.safe_load((ROOT / "rubrics" / "fazhi-annual.yaml").read_text("utf-8"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(values.map(lambda v: yaml.safe_dump(v, allow_unicode=True)), st.text(max_size=200)))
def test_any_yaml_gives_a_rubric_or_a_clean_error(tmp_path, text):
    path = tmp_path / f"r{next(_counter)}.yaml"
    path.write_text(text, "utf-8")
    try:
        load_rubric(path)
    except RubricError as exc:
        assert exc.problems and all(p.startswith(str(path)) for p in exc.problems)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_default_rubric_gives_a_rubric_or_a_clean_error(tmp_path, data):
    doc = copy.deepcopy(DEFAULT_DOC)
    criterion = data.draw(st.integers(0, len(doc["criteria"]) - 1))
    key = data.draw(st.sampled_from(["points", "area", "scope", "rules", "examples", "id", "title"]))
    doc["criteria"][criterion][key] = data.draw(values)
    path = tmp_path / f"m{next(_counter)}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    try:
        load_rubric(path)
    except RubricError as exc:
        assert exc.problems and all(p.startswith(str(path)) for p in exc.problems)


# Shortcuts of the level judgments: each must give what the plain computation gives.
NUMBERY = "0123456789０９٣.%‰第一二两三四五六七八九十百千万余多次件个人名届全会年、,“”「」 是的开展"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=NUMBERY, max_size=14))
def test_every_figure_holds_a_numeral_that_the_precheck_finds(text):
    from scorer.figures import _NUMERAL
    from scorer.levels import level_words

    if level_words(RUBRIC).figure.search(text):
        assert _NUMERAL.search(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=NUMBERY, max_size=20),
                 st.lists(st.sampled_from(["一", "十", "百", "万", "两", "3", "٣", ".", "%", "第", "余", "次", "人次", "是"]),
                          max_size=8).map("".join)))
def test_the_figure_pattern_led_by_its_first_characters_finds_what_it_finds_alone(text):
    import re

    from scorer.levels import figure_pattern, level_words

    plain = re.compile(figure_pattern(RUBRIC.language.counters))
    assert [m.span() for m in level_words(RUBRIC).figure.finditer(text)] == [m.span() for m in plain.finditer(text)]


@given(st.lists(st.integers(0, 40)), st.integers(-2, 42), st.integers(-2, 42))
def test_a_position_within_a_span_is_found_by_binary_search(positions, start, end):
    from scorer.spans import any_within

    positions.sort()
    assert any_within(positions, start, end) == any(start <= p < end for p in positions)
