"""The map from each character of the normalised text back to the original, as runs.

Most of a report is copied through normalising unchanged, so the map is mostly
"the next character comes from the next original one": it is kept as runs, each
either counting up one original character a character or standing for one
original span throughout (a folded cluster, a converted phrase). A report costs
a few runs per change, not an entry per character (a tuple of Python ints cost
~70 bytes a character, an array 8).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from dataclasses import dataclass
from itertools import repeat


@dataclass(frozen=True)
class OffsetMap:
    """Original span [start, end) of each character of the normalised text."""

    length: int  # characters of normalised text
    at: array  # where each run begins, in the normalised text
    first_start: array  # the original start of each run's first character
    first_end: array  # and its original end
    step: array  # 1: counts up with each character; 0: one span throughout

    def start(self, k: int) -> int:
        r = bisect_right(self.at, k) - 1
        return self.first_start[r] + self.step[r] * (k - self.at[r])

    def end(self, k: int) -> int:
        r = bisect_right(self.at, k) - 1
        return self.first_end[r] + self.step[r] * (k - self.at[r])

    def values(self, first: array):
        """Each character's value of one column (first_start or first_end), in order."""
        for r, at in enumerate(self.at):
            n = (self.at[r + 1] if r + 1 < len(self.at) else self.length) - at
            yield from (range(first[r], first[r] + n) if self.step[r] else repeat(first[r], n))


@dataclass(frozen=True)
class Column:
    """One side of the map (every start, or every end) as a read-only sequence."""

    offsets: OffsetMap
    ends: bool

    def __len__(self) -> int:
        return self.offsets.length

    def __getitem__(self, k: int) -> int:
        if k < 0:
            k += self.offsets.length
        if not 0 <= k < self.offsets.length:
            raise IndexError(k)
        return self.offsets.end(k) if self.ends else self.offsets.start(k)

    def __iter__(self):
        return self.offsets.values(self.offsets.first_end if self.ends else self.offsets.first_start)


class RunsBuilder:
    """Builds an OffsetMap run by run, joining a run to the one before it where it goes on counting."""

    def __init__(self, limit: int) -> None:
        code = "i" if limit < 2**31 else "q"  # 4 bytes an offset while they fit
        self.at, self.first_start, self.first_end = array(code), array(code), array(code)
        self.step = array("b")
        self.length = 0

    def add(self, start: int, end: int, n: int, step: int) -> None:
        """n characters from the original span [start, end), counting up (step 1) or not (0)."""
        if n <= 0:
            return
        step = 1 if n == 1 else step  # one character counts up as well as it stands still
        if self.at and step and self.step[-1]:
            done = self.length - self.at[-1]
            if start == self.first_start[-1] + done and end == self.first_end[-1] + done:
                self.length += n
                return
        self.at.append(self.length)
        self.first_start.append(start)
        self.first_end.append(end)
        self.step.append(step)
        self.length += n

    def done(self) -> OffsetMap:
        return OffsetMap(self.length, self.at, self.first_start, self.first_end, self.step)


def compose(outer: OffsetMap, inner: OffsetMap, limit: int) -> OffsetMap:
    """The map through `inner` then `outer`: character k of the newest text comes from
    [outer.start(inner.start(k)), outer.end(inner.end(k) - 1)), with the runs that one add a
    character would build (RunsBuilder(limit)); built a run at a time where `inner` counts up
    one character a character, as most of a converted text does: a loop over every character
    took half of normalising a Traditional report."""
    runs = RunsBuilder(limit)
    for r, at in enumerate(inner.at):
        n = (inner.at[r + 1] if r + 1 < len(inner.at) else inner.length) - at
        first, last = inner.first_start[r], inner.first_end[r]
        if inner.step[r] and last == first + 1:  # characters first … first + n - 1, one each
            _copy(outer, first, first + n, runs)
        else:
            for k in range(at, at + n):
                runs.add(outer.start(inner.start(k)), outer.end(inner.end(k) - 1), 1, 1)
    return runs.done()


def _copy(m: OffsetMap, a: int, b: int, runs: RunsBuilder) -> None:
    """Add characters a … b - 1 of a map as one add each would, a run at a time where it counts up."""
    r = bisect_right(m.at, a) - 1
    while a < b:
        stop = min(b, m.at[r + 1] if r + 1 < len(m.at) else m.length)
        start, end = m.first_start[r] + m.step[r] * (a - m.at[r]), m.first_end[r] + m.step[r] * (a - m.at[r])
        if m.step[r]:
            runs.add(start, end, stop - a, 1)
        else:  # one span throughout: a run of its own for each character, as one add each gives
            for _ in range(a, stop):
                runs.add(start, end, 1, 1)
        a, r = stop, r + 1
