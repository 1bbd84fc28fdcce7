"""The ways a long report is read in little memory give what the plain ways gave:
characters counted by runs, lines read one at a time, the fingerprint gathered in pieces,
the counted hits a heading's clauses are checked against."""

from __future__ import annotations

import json
import re
import zlib

import pytest

from scorer import copying, normalize
from scorer.copying import SAMPLE, SHINGLE, fingerprint
from scorer.headings import _CountedHits
from scorer.issuer import text_lines
from scorer.judge import Judged
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


# Letters of 1 to 4 bytes in UTF-8 side by side (ASCII and digits, Greek and accents, Han, the
# Han of plane 2), and texts shorter than a shingle.
MIXED = ["全年办理案件1200件,同比增长12%,ΩΣé处理" * 3 + "𠀀𠀁𠀂𪚥" * 5 + "abc", "短文本", "",
         "一二三四五六七八九十壹贰", "𠀀" * 11, "𠀀" * 13 + "x"]


def test_a_fingerprint_gathered_in_pieces_is_the_fingerprint_of_the_whole(monkeypatch):
    # Gaps of punctuation and spaces across every piece boundary, letters running over others.
    text = "。 ，".join(TEXTS + MIXED) + "——" + TEXTS[0]
    expected = _whole_fingerprint(text)
    assert len(expected) > 100
    assert fingerprint(text) == expected
    for piece in (7, 12, 13, 100, 4096):
        monkeypatch.setattr(copying, "_PIECE", piece)
        assert fingerprint(text) == expected


@pytest.mark.parametrize("text", MIXED)
def test_a_fingerprint_hashes_each_shingles_utf8_whatever_its_letters_widths(text, monkeypatch):
    assert fingerprint(text) == _whole_fingerprint(text)
    monkeypatch.setattr(copying, "_PIECE", 5)
    assert fingerprint(text) == _whole_fingerprint(text)


def test_a_clause_holds_only_others_hits_when_hits_start_in_it_and_none_is_the_criterions():
    def hit(start, reason=None):
        return Judged(0, start, start + 2, (), None, 1, "", reason)

    judged = {"b": [hit(10), hit(30)], "a": [hit(20), hit(40, reason="否定")], "c": []}
    hits = _CountedHits(judged)
    assert hits.only_others(9, 15, "a")  # b's hit at 10
    assert not hits.only_others(9, 15, "b")
    assert not hits.only_others(15, 20, "a")  # ends before a's hit at 20: nothing in it
    assert not hits.only_others(10, 31, "a")  # a's own hit at 20 is in it
    assert not hits.only_others(35, 45, "b")  # a's hit at 40 does not count
    assert hits.only_others(0, 1000, "c")


def test_paragraphs_kept_in_arrays_read_as_the_tuple_of_pairs_they_replace():
    from scorer.document import document_from_text
    from scorer.spans import Spans, spans_of

    pairs = [(0, 5), (7, 7), (9, 2**31 - 1)]
    spans = spans_of(pairs)
    assert list(spans) == pairs and len(spans) == 3 and spans[-1] == pairs[-1] and spans[1] == (7, 7)
    assert list(spans[1:]) == pairs[1:] and (7, 7) in spans and spans == spans_of(iter(pairs))
    doc = document_from_text("一、主要举措和成效\n  制定实施方案。\n\n二、存在的不足\n工作仍有差距。")
    assert isinstance(doc.paragraphs, Spans) and list(doc.paragraphs) == [(0, 9), (12, 19), (21, 28), (29, 36)]
    assert [doc.text[a:b] for a, b in doc.paragraphs][1] == "制定实施方案。"


def test_json_as_written_is_the_text_orjson_made_not_a_copy_with_a_newline_added(monkeypatch):
    """A long report's result.json is a MB: adding the newline after orjson wrote the text
    held it twice at the end of a report, on top of all matching had taken."""
    from scorer import files

    made = []
    dumps = files.orjson.dumps
    monkeypatch.setattr(files.orjson, "dumps", lambda *a, **k: made.append(dumps(*a, **k)) or made[-1])
    value = {"parts": [{"heading": f"第{i}部分 依法行政", "start": i} for i in range(200)], "total": 81.5}
    data = files.to_json_bytes(value)
    assert data is made[-1]
    assert data.endswith(b"}\n") and not data.endswith(b"\n\n")
    assert data.decode("utf-8") == files.to_json(value) == json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                                       indent=2) + "\n"
