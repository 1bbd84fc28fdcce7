"""Where a rubric's words occur in one document, sentence by sentence.

One Aho-Corasick scan over the text finds every word of every rule; a match
counts as a word only where it does not cut into words at both ends (the
rubric's own tokenizer decides). Rule kinds ask this index for their candidates
(`occurrences`, `in_sentence`, `nearest`, `regex`).
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from .document import Document
from .pieces import cuts_for, pieces
from .rubric import Rubric, per_rubric
from .tokens import Tokenizer, tokenizer_for, use_tokenizer


class Occurrences:
    """Occurrences of a rubric's words in one document, by sentence."""

    def __init__(self, doc: Document, words: RubricWords) -> None:
        self.doc = doc
        self.tokenizer = words.tokenizer
        use_tokenizer(words.tokenizer)  # the level judgments cut sentences as this rubric does
        self.starts = [s.start for s in doc.sentences]
        # Every occurrence of every word, kept as 4-byte integers (a report under the size
        # limit has offsets below 2**31, and a long one hundreds of thousands of hits): per
        # word its starts, ends and sentences in text order, and for all words together the
        # sentence and word of each, in text order too.
        self._hits: dict[str, _Hits] = {}
        self._all_k = array("i")
        self._all_words = array("I")  # each an index into _words: 4 bytes a hit, not a reference's 8
        self._words: list[str] = []
        self._asked_k, self._asked, self._asked_words = -1, {}, None  # what was asked of one sentence
        # Each word's appends and index, looked up once a hit (a report has hundreds of them).
        table: dict[str, tuple] = {}
        starts, sentences, find = self.starts, doc.sentences, bisect.bisect_right
        add_k, add_word = self._all_k.append, self._all_words.append
        for start, end, word in words.scan(doc.match_text):
            k = find(starts, start) - 1
            if k < 0 or end > sentences[k].end:
                continue
            entry = table.get(word)
            if entry is None:
                hits = self._hits[word] = _Hits(array("i"), array("i"), array("i"))
                entry = table[word] = (hits.starts.append, hits.ends.append, hits.ks.append, len(self._words))
                self._words.append(word)
            entry[0](start)
            entry[1](end)
            entry[2](k)
            add_k(k)  # a kept hit lies in one sentence: k rises with the text
            add_word(entry[3])

    # Rules ask about the sentence of each occurrence they look at, one occurrence after
    # another: what they ask of a sentence is kept until they ask of another. A sentence can
    # be a whole report (no full stop): worked out for each of its occurrences, the answers
    # cost the square of its length.
    def _ask(self, k: int) -> None:
        """Forget what was asked of another sentence than k."""
        self._asked_k, self._asked, self._asked_words = k, {}, None

    def words_at(self, k: int) -> frozenset[str]:
        """The words found in sentence k (whole or not)."""
        if k != self._asked_k:
            self._ask(k)
        if self._asked_words is None:
            self._asked_words = self._words_in(k)
        return self._asked_words

    def _words_in(self, k: int) -> frozenset[str]:
        found = self._all_words[bisect.bisect_left(self._all_k, k):bisect.bisect_right(self._all_k, k)]
        return frozenset(map(self._words.__getitem__, found))

    def _range(self, word: str, k: int) -> tuple[_Hits | None, int, int]:
        """The word's hits and the range of them that stands in sentence k."""
        hits = self._hits.get(word)
        if hits is None:
            return None, 0, 0
        return hits, bisect.bisect_left(hits.ks, k), bisect.bisect_right(hits.ks, k)

    def whole_word(self, start: int, end: int, k: int) -> bool:
        """False when the match cuts into words at both ends (上述法规 holds no 述法).

        A match that begins or ends on a word boundary is kept: jieba may glue a
        term to its neighbour (行政执法|公示 for 执法公示) without changing its meaning.
        """
        s, text = self.doc.sentences[k], self.doc.match_text
        return (self.tokenizer.boundary(text, start, s.start, s.end)
                or self.tokenizer.boundary(text, end, s.start, s.end))

    def occurrences(self, word: str) -> list[tuple[int, int, int]]:
        hits = self._hits.get(word)
        if hits is None:
            return []
        return [o for o in zip(hits.starts, hits.ends, hits.ks, strict=True) if self.whole_word(*o)]

    def in_sentence(self, word: str, k: int) -> bool:
        if k != self._asked_k:
            self._ask(k)
        found = self._asked.get(word)
        if found is None:
            found = self._asked[word] = self._whole_in(word, k)
        return found

    def _whole_in(self, word: str, k: int) -> bool:
        hits, i, j = self._range(word, k)
        return hits is not None and any(
            self.whole_word(a, b, k) for a, b in zip(hits.starts[i:j], hits.ends[i:j], strict=True))

    def nearest(self, word: str, k: int, start: int, end: int, limit: int = 10**9):
        """The occurrence of `word` in sentence k nearest to [start, end), within `limit` characters."""
        hits, lo, hi = self._range(word, k)
        if hits is None:
            return None
        starts, ends = hits.starts, hits.ends  # a word's hits rise in starts as in ends
        i = bisect.bisect_left(starts, start, lo, hi)
        best = None
        for rng in (range(i - 1, lo - 1, -1), range(i, hi)):
            for j in rng:
                a, b = starts[j], ends[j]
                gap = max(a - end, start - b, 0)
                if gap > limit or (best is not None and gap > best[0]):
                    break
                if self.whole_word(a, b, k) and (best is None or gap < best[0]):
                    best = (gap, a, b)
        return best

    def regex(self, pattern: str):
        """(start, end, sentence, matched text) of each match within a sentence, in order.
        Only sentences that hold the characters every match begins with are searched, when
        the pattern has such (行政复议 of 行政复议[^,。]{0,3}工作): most sentences have none."""
        # On RE2: a rubric's pattern cannot hang on a report.
        from .prefilter import literal_prefix
        from .rules.regex import compile_pattern, spans

        compiled = compile_pattern(pattern)
        text, sentences = self.doc.match_text, self.doc.sentences
        prefix = literal_prefix(pattern)
        ks = range(len(sentences)) if not prefix else self._holding(prefix)
        for k in ks:
            s = sentences[k]
            for start, end, found in spans(compiled, text, s.start, s.end):
                yield start, end, k, found

    def _holding(self, word: str) -> Iterator[int]:
        """The sentences in which `word` starts, in order (one look a sentence, however often
        it holds the word; and a sentence before which it stands between two)."""
        text, starts = self.doc.match_text, self.starts
        p = text.find(word, starts[0] if starts else len(text))
        while p >= 0:
            k = bisect.bisect_right(starts, p) - 1
            yield k
            p = text.find(word, starts[k + 1]) if k + 1 < len(starts) else -1


@dataclass(frozen=True)
class _Hits:
    starts: array
    ends: array
    ks: array


@dataclass(frozen=True)
class RubricWords:
    """A rubric's words: the automaton that finds them, the tokenizer that keeps them whole."""

    automaton: object | None  # None when the rubric has no word to look for
    tokenizer: Tokenizer
    cuts: str = ""  # where a scan may cut the text (pieces.py): characters no word holds

    def scan(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, word) of every occurrence of every word, in the order of their ends."""
        if self.automaton is None:
            return
        for offset, piece in pieces(text, self.cuts):
            for end_index, word in self.automaton.iter(piece):
                end = offset + end_index + 1
                yield end - len(word), end, word


@per_rubric
def rubric_words(rubric: Rubric) -> RubricWords:
    import ahocorasick

    words = {w for c in rubric.criteria for r in c.rules for w in r.words()}
    words |= {w for c in rubric.criteria for w in c.unless}
    words |= {w for c in rubric.criteria for r in c.rules for w in r.unless}
    words |= {w for whole in rubric.wholes for w in whole.terms}
    automaton = ahocorasick.Automaton()
    for word in sorted(words):
        automaton.add_word(word, word)
    if words:  # a rubric of part and metadata rules only has no word to look for
        automaton.make_automaton()
    return RubricWords(automaton if words else None, tokenizer_for(words), cuts_for(words))
