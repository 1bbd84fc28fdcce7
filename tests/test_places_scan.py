"""The gazetteer's scan over UTF-8 bytes, piece by piece, finds exactly what one scan of
the characters finds; so does the scan for a rubric's words."""

import ahocorasick
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer import places
from scorer.occurrences import rubric_words
from scorer.pieces import CUTS, cuts_for, pieces
from scorer.rubric import load_rubric
from tests.conftest import SEEDS

ODD = "abc北京市x东城区\udcff海东市、Ｘ海东地区😀阳泉市城区人民政府\n。海东市"
TEXTS = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))] + [ODD]


@pytest.fixture(scope="module")
def by_char():
    automaton = ahocorasick.Automaton()
    for key in places._gazetteer().names:
        automaton.add_word(key, key)
    automaton.make_automaton()
    return automaton


@pytest.mark.parametrize("size", [places.PIECE, 1, 37, 500])
@pytest.mark.parametrize("text", TEXTS)
def test_the_byte_scan_finds_what_a_scan_of_characters_finds(text, size, by_char):
    expected = [(end + 1 - len(key), end + 1, key) for end, key in by_char.iter_long(text)]
    assert expected
    gz = places._gazetteer()
    assert gz.cuts == CUTS  # no place name holds a line break or a 。
    assert list(places._scan(gz.automaton, text, gz.cuts, size)) == expected


@pytest.mark.parametrize("text", TEXTS[:-1])
def test_a_scan_for_the_rubrics_words_in_pieces_finds_what_one_scan_finds(text, monkeypatch):
    words = rubric_words(load_rubric())
    whole = sorted((end + 1 - len(w), end + 1, w) for end, w in words.automaton.iter(text))
    assert whole
    monkeypatch.setattr("scorer.occurrences.pieces", lambda t, cuts: pieces(t, cuts, size=40))
    assert sorted(words.scan(text)) == whole


def test_pieces_are_cut_before_a_cut_character_and_cover_the_text():
    text = "一二三\n四五。六七八九\n十"
    got = list(pieces(text, "\n。", size=2))
    assert got == [(0, "一二三\n"), (4, "四五。"), (7, "六七八九\n"), (12, "十")]
    assert "".join(p for _, p in got) == text
    assert list(pieces(text, "", size=2)) == [(0, text)]  # nowhere to cut: one piece
    assert list(pieces("", "\n")) == []


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "ab", "bacca", "abc", "cab", "bb"]), min_size=1, max_size=5,
                unique=True),
       st.text(alphabet="abc\n。", max_size=60), st.integers(min_value=1, max_value=8))
def test_a_scan_in_pieces_finds_what_one_scan_finds_leftmost_longest_too(keys, text, size):
    # pyahocorasick drops a pending match reached through a suffix link when its input ends
    # (keys a and bacca in "ba"): a piece must not end before its cut character.
    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, key)
    automaton.make_automaton()
    cuts = cuts_for(keys)
    for scan in ("iter", "iter_long"):
        whole = [(end, key) for end, key in getattr(automaton, scan)(text)]
        parts = [(offset + end, key) for offset, piece in pieces(text, cuts, size)
                 for end, key in getattr(automaton, scan)(piece)]
        assert parts == whole, scan


def test_a_stem_ending_a_piece_is_found_as_in_one_scan():
    gz = places._gazetteer()
    text = "法治政府建设" * 20 + "五大连\n我市大连"
    assert list(places._scan(gz.stem_automaton, text, gz.cuts, 7)) == list(places._scan(gz.stem_automaton, text, "", 7))
    assert [k for *_, k in places._scan(gz.stem_automaton, text, gz.cuts, 7)].count("大连") == 2


def test_a_cut_character_some_key_holds_is_never_a_cut():
    assert cuts_for(["行政执法", "第一责任人"]) == CUTS
    assert cuts_for(["甲\n乙"]) == "。"
    assert cuts_for(["句。", "行\n"]) == ""
