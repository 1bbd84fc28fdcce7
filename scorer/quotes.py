"""Finding an evaluator's quote in a report, whatever its spacing, quote marks or script."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .document import Document
from .normalize import normalize

# Neither side of a comparison may depend on spacing or on which quote marks were typed.
_IGNORED = frozenset("\"'“”‘’„‟‚‛「」『』〝〞〟")
_ELISION = re.compile(r"…+|\.{3,}")  # a quote that skips words: its pieces, in order


def _key(text: str, spans: list[tuple[int, int]] | None) -> tuple[str, list[tuple[int, int]]]:
    """Text without whitespace and quote marks, with each kept character's original span."""
    chars: list[str] = []
    kept: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch.isspace() or ch in _IGNORED:
            continue
        chars.append(ch)
        kept.append(spans[i] if spans is not None else (i, i + 1))
    return "".join(chars), kept


def _nfkc(text: str) -> tuple[str, list[tuple[int, int]]]:
    """NFKC character by character (widths folded, script kept), with original spans."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded)
        spans.extend([(i, i + 1)] * len(folded))
    return "".join(out), spans


@dataclass(frozen=True)
class _Reading:
    text: str
    spans: list[tuple[int, int]]  # original span of each character of text


@dataclass(frozen=True)
class QuoteFinder:
    """Finds an evaluator's quote in a report, in two readings of it: as the engine
    normalises it (script converted), and only width-folded (a short Traditional quote
    converts differently from a whole Traditional report)."""

    readings: tuple[_Reading, _Reading]

    @classmethod
    def of(cls, doc: Document) -> QuoteFinder:
        norm = doc.norm
        engine = _key(norm.text, list(zip(norm.starts, norm.ends, strict=True)))
        return cls((_Reading(*engine), _Reading(*_key(*_nfkc(doc.original)))))

    def spans(self, quote: str) -> list[tuple[int, int]]:
        """Every span of the original text where the quote stands, or [] when it is not there."""
        for reading, folded in zip(self.readings, (normalize(quote).text, _nfkc(quote)[0]), strict=True):
            pieces = [k for k in (_key(p, None)[0] for p in _ELISION.split(folded)) if k]
            found = _find_all(reading.text, pieces)
            if found:
                return [(reading.spans[a][0], reading.spans[b - 1][1]) for a, b in found]
        return []


def _find_all(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    found = []
    start = text.find(pieces[0]) if pieces else -1
    while start >= 0:
        end = start + len(pieces[0])
        for piece in pieces[1:]:
            at = text.find(piece, end)
            if at < 0:
                return found
            end = at + len(piece)
        found.append((start, end))
        start = text.find(pieces[0], start + 1)
    return found


def quote_key(quote: str) -> str:
    """A quote as compared: without whitespace and quote marks ('' when nothing is left)."""
    return _key(quote, None)[0]
