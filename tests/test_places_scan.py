"""The gazetteer's scan over UTF-8 bytes finds exactly what a scan of characters finds."""

import ahocorasick
import pytest

from scorer import places
from tests.conftest import SEEDS

ODD = "abc北京市x东城区\udcff海东市、Ｘ海东地区😀阳泉市城区人民政府"


@pytest.fixture(scope="module")
def by_char():
    automaton = ahocorasick.Automaton()
    for key in places._gazetteer().names:
        automaton.add_word(key, key)
    automaton.make_automaton()
    return automaton


@pytest.mark.parametrize("text", [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))] + [ODD])
def test_the_byte_scan_finds_what_a_scan_of_characters_finds(text, by_char):
    expected = [(end + 1 - len(key), end + 1, key) for end, key in by_char.iter_long(text)]
    assert expected
    assert list(places._scan(places._gazetteer().automaton, text)) == expected
