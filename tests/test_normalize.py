"""Normalisation for matching, and the offset map back to the text as written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.document import document_from_text, load_document
from scorer.normalize import normalize
from scorer.offsets import RunsBuilder, compose
from tests.conftest import seed


def test_fullwidth_invisible_and_line_ends_are_folded():
    n = normalize("（一）执\u200b法公示１２３项，ＡＢＣ\r\n下一段")
    assert n.text == "(一)执法公示123项,ABC\n下一段"
    assert n.invisible_removed == 1


def test_taiwan_phrasing_becomes_mainland():
    n = normalize("推進行政執法資訊公示,決策程式,水準,品質,合法性查核,全過程記錄製度,法治宣導。" * 3)
    for word in ("信息公示", "决策程序", "水平", "质量", "合法性审核", "全过程记录制度", "法治宣传"):
        assert word in n.text
    assert n.traditional


def test_official_words_keep_their_meaning_in_traditional_script():
    """Taiwan's computing phrases (程序 → 进程, 指標 → 指针, 執行 → 运行) are not this prose's."""
    n = normalize("嚴格執行重大行政決策程序,落實五項法定程序,健全考核指標體系,啟用執法系統,整合核心資源,加強互動。" * 2)
    for word in ("严格执行重大行政决策程序", "五项法定程序", "考核指标体系", "启用执法系统", "整合核心资源", "互动"):
        assert word in n.text
    assert n.traditional


def test_simplified_text_is_not_rewritten():
    text = seed("001").read_text("utf-8")
    n = normalize(text)
    assert not n.traditional
    assert n.text == text.replace("\r\n", "\n")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_span_maps_back_to_the_original(prefix):
    doc = load_document(seed(prefix))
    n = doc.norm
    assert len(n.starts) == len(n.text) == len(n.ends)
    for i in range(len(n.text)):
        a, b = n.to_original(i, i + 1)
        assert 0 <= a < b <= len(doc.original)
    for sentence in doc.sentences:
        quote = doc.quote(sentence.start, sentence.end)
        a, b = doc.original_span(sentence.start, sentence.end)
        assert quote == doc.original[a:b]
        assert normalize(quote).text == n.text[sentence.start:sentence.end] or doc.norm.traditional


def test_traditional_seed_quotes_stay_traditional():
    doc = load_document(seed("000"))
    i = doc.text.index("拟制7类公示格式")
    assert doc.quote(i, i + len("拟制7类公示格式")) == "擬制7類公示格式"
    i = doc.text.index("全过程记录制度")
    assert doc.quote(i, i + 7) == "全過程記錄製度"
    i = doc.text.index("执法信息")
    assert doc.quote(i, i + 4) == "執法資訊"


def test_phrase_of_different_length_maps_to_the_whole_phrase():
    # 計程車 → 出租车 keeps length; 軟體 → 软件 too; a length change is aligned by diff.
    doc = document_from_text("政府網站資訊公開。" * 5 + "使用行動電話。" * 5)
    i = doc.text.index("信息公开")
    assert doc.quote(i, i + 4) == "資訊公開"
    for k in range(len(doc.text)):
        a, b = doc.original_span(k, k + 1)
        assert a < b


def test_plain_runs_hold_only_characters_that_need_no_folding():
    import unicodedata

    from scorer.normalize import _PLAIN_RUN, INVISIBLE, LOOKALIKES

    plain = [chr(c) for c in range(0x110000) if _PLAIN_RUN.fullmatch(chr(c))]
    assert len(plain) > 20000
    for ch in plain:
        assert unicodedata.normalize("NFKC", ch) == ch, hex(ord(ch))
        assert not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
        assert ch not in INVISIBLE and ch not in LOOKALIKES and ch != "\r"


def test_a_combining_mark_after_a_plain_run_joins_its_base():
    norm = normalize("法治e\u0301建设")
    assert norm.text == "法治é建设"
    assert norm.to_original(2, 3) == (2, 4)


def test_the_offset_map_is_runs_not_an_entry_per_character():
    text = seed("001").read_text("utf-8")
    n = normalize(text)
    # Each \r\n folded to \n starts a run; plain text between line ends costs nothing more.
    assert len(n.offsets.at) <= text.count("\n") + 1
    assert len(normalize("法治政府建设" * 10000).offsets.at) == 1


def test_the_offset_columns_read_the_same_in_order_and_by_index():
    n = normalize("（一）執\u200b法公示１２３项,е\u0301\r\nАPP\r資訊公開。" * 3)
    for column in (n.starts, n.ends):
        assert list(column) == [column[i] for i in range(len(column))]
        assert column[-1] == column[len(column) - 1]
    with pytest.raises(IndexError):
        n.starts[len(n.text)]


def _map(ops, limit):
    """An offset map from (n, width, step) adds, each starting where the last one ended."""
    runs, pos = RunsBuilder(limit), 0
    for n, width, step in ops:
        runs.add(pos, pos + width, n, step)
        pos += width if not step else n + width - 1
    return runs.done()


_OPS = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(0, 1)), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(_OPS, _OPS)
def test_composed_maps_have_the_runs_one_add_a_character_builds(outer_ops, inner_ops):
    outer = _map(outer_ops, 100)
    inner = _map(inner_ops, 100)
    if inner.end(inner.length - 1) > outer.length:  # the inner map must point into the outer text
        return
    straightforward = RunsBuilder(100)
    for k in range(inner.length):
        straightforward.add(outer.start(inner.start(k)), outer.end(inner.end(k) - 1), 1, 1)
    assert compose(outer, inner, 100) == straightforward.done()
