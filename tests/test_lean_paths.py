"""The ways a long report is read in little memory give what the plain ways gave:
characters counted by runs, lines read one at a time, the fingerprint gathered in pieces,
the counted hits a heading's clauses are checked against."""

from __future__ import annotations

import re
import zlib

import pytest

from scorer import copying, normalize
from scorer.copying import SAMPLE, SHINGLE, fingerprint
from scorer.headings import _CountedHits
from scorer.issuer import text_lines
from scorer.judge import Judged
from scorer.rules import Candidate
from scorer.spans import span_index
from tests.conftest import SEEDS

TEXTS = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
EDGES = ["", "\n", "一\n\n  二  \n", "末行无换行", "\n\n\t首\n", "a\nb\n"]


@pytest.mark.parametrize("text", TEXTS + EDGES)
def test_characters_counted_by_runs_are_those_a_substitution_counts(text):
    for chars in ("[\u4e00-\u9fff]", "[\x00-\x08\x0b\x0e-\x1f]", "[\\W_]"):
        assert normalize.count_chars(re.compile(chars + "+"), text) == re.compile(chars).subn("", text)[1]


def _split_lines(text, excluded):
    """The lines as read before: the whole text split at once."""
    flagged, out, pos = span_index(excluded), [], 0
    for raw in text.split("\n"):
        if raw.strip() and not flagged.holds(pos):
            out.append((pos, raw.strip()))
        pos += len(raw) + 1
    return out


@pytest.mark.parametrize("text", TEXTS + EDGES)
def test_lines_read_one_at_a_time_are_the_lines_of_the_split_text(text):
    assert list(text_lines(text)) == _split_lines(text, [])
    flagged = [(0, len(text) // 3)]
    assert list(text_lines(text, flagged)) == _split_lines(text, flagged)


def _whole_fingerprint(text):
    letters = re.sub(r"[\W_]+", "", text)
    return sorted({h for h in (zlib.crc32(letters[i:i + SHINGLE].encode("utf-8", "surrogatepass"))
                               for i in range(len(letters) - SHINGLE + 1)) if h % SAMPLE == 0})


def test_a_fingerprint_gathered_in_pieces_is_the_fingerprint_of_the_whole(monkeypatch):
    # Gaps of punctuation and spaces across every piece boundary, letters running over others.
    text = "。 ，".join(TEXTS) + "——" + TEXTS[0]
    expected = _whole_fingerprint(text)
    assert fingerprint(text) == expected
    for piece in (7, 100, 4096):
        monkeypatch.setattr(copying, "_PIECE", piece)
        assert fingerprint(text) == expected


def test_a_clause_holds_only_others_hits_when_hits_start_in_it_and_none_is_the_criterions():
    def hit(start, reason=None):
        return Judged(Candidate(0, start, start + 2, (), None), 1, "", reason)

    judged = {"b": [hit(10), hit(30)], "a": [hit(20), hit(40, reason="否定")], "c": []}
    hits = _CountedHits(judged)
    assert hits.only_others(9, 15, "a")  # b's hit at 10
    assert not hits.only_others(9, 15, "b")
    assert not hits.only_others(15, 20, "a")  # ends before a's hit at 20: nothing in it
    assert not hits.only_others(10, 31, "a")  # a's own hit at 20 is in it
    assert not hits.only_others(35, 45, "b")  # a's hit at 40 does not count
    assert hits.only_others(0, 1000, "c")
