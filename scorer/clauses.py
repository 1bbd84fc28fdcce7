"""Clauses: the stretches of a sentence between its pauses (, ; : 。 ! ? and flagged text),
the unit most level decisions look at."""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Sequence
from functools import lru_cache

from .hygiene import MASK

CLAUSE_END = re.compile(f"[,;:。!?{MASK}]")  # flagged text separates clauses too


def clause_span(text: str, lo: int, hi: int, start: int, end: int,
                pauses: Sequence[int] | None = None) -> tuple[int, int]:
    """The clause of text[lo:hi] around [start, end): from the pause before it to the one after."""
    if pauses is None:
        pauses = _pauses(text)
    a = start
    if start > lo:
        i = bisect.bisect_left(pauses, start) - 1
        a = max(lo, pauses[i] + 1) if i >= 0 else lo
    j = bisect.bisect_left(pauses, end)
    return a, (pauses[j] if j < len(pauses) and pauses[j] < hi else hi)


@lru_cache(maxsize=4)
def _pauses(text: str) -> Sequence[int]:
    """Where the text's clauses end, once per text (a report's text is asked about thousands
    of times); machine integers, as a long report has hundreds of thousands."""
    # Filled from a generator: every flagged character is a pause, and a list of them first
    # held 36 bytes for each where the array holds 4.
    return array("i", (m.start() for m in CLAUSE_END.finditer(text)))
