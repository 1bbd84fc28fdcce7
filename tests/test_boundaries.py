"""Word boundaries found block by block are exactly those of cutting the whole sentence."""

from __future__ import annotations

import pytest

from scorer.document import document_from_text
from scorer.occurrences import rubric_words
from scorer.rubric import load_rubric
from tests.conftest import SEEDS, SHARED

ODD = ("依法行政 abc-12.5%的\r\n执法公示、“双随机、一公开”监管;\t上述法规\n"
       "A+B#C&D 推进行政执法三项制度,公众参与 100% 全覆盖。")


def _texts() -> list[str]:
    dev = SHARED / "dev" / "openings"
    paths = sorted(SEEDS.glob("*.txt")) + (sorted(dev.glob("*.txt"))[:10] if dev.is_dir() else [])
    return [p.read_text("utf-8") for p in paths] + [ODD]


@pytest.mark.parametrize("text", _texts())
def test_every_position_is_a_boundary_exactly_when_the_sentence_cut_says_so(text):
    tokenizer = rubric_words(load_rubric()).tokenizer
    doc = document_from_text(text)
    for s in doc.sentences:
        sentence = doc.match_text[s.start:s.end]
        whole = tokenizer.bounds(sentence)
        by_block = {p for p in range(len(sentence) + 1)
                    if tokenizer.boundary(doc.match_text, s.start + p, s.start, s.end)}
        assert by_block == set(whole), sentence


@pytest.mark.parametrize("lo, hi", [(0, len(ODD)), (2, 40), (5, 23), (11, 60), (30, len(ODD) - 3)])
def test_a_span_that_cuts_a_block_is_cut_as_its_own_text(lo, hi):
    """A span may start or end inside a block (and the raw text may hold a CRLF, one token)."""
    tokenizer = rubric_words(load_rubric()).tokenizer
    whole = tokenizer.bounds(ODD[lo:hi])
    assert {p - lo for p in range(lo, hi + 1) if tokenizer.boundary(ODD, p, lo, hi)} == set(whole)
