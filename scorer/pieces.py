"""A long text cut into pieces that an Aho-Corasick scan can take one at a time.

pyahocorasick copies its whole input to four bytes a character before it scans,
even when asked for a stretch of it: a report of 1 MB cost 5 MB for a moment,
more than anything else held while reading it. Cut just after a character that
no key holds, no match can cross a cut, so a scan piece by piece finds exactly
what one scan of the whole text finds (leftmost-longest ones included).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

PIECE = 1 << 15  # characters a piece holds at least (the last one may hold fewer)
CUTS = "\n。"  # where pieces are cut, when no key holds the character


def cuts_for(keys: Iterable[str]) -> str:
    """The characters of CUTS that no key holds: a scan for these keys may be cut before them."""
    held = "".join(keys)  # one string to search: the gazetteer has thousands of keys
    return "".join(c for c in CUTS if c not in held)


def pieces(text: str, cuts: str, size: int = PIECE) -> Iterator[tuple[int, str]]:
    """(offset, piece) covering `text` in order, each piece ending with one of `cuts` found at
    or after `size` characters; the whole text as one piece when it has no such place.

    A piece ends just after its cut character, not before it: pyahocorasick's leftmost-longest
    scan drops a match it holds pending when its input ends (keys 大连 and 五大连 in "五大连"),
    and gives it up on a character that continues no key."""
    start, n = 0, len(text)
    after = dict.fromkeys(cuts, 0)  # where each cut character next stands (-1: nowhere after)
    while start < n:
        for c, at in after.items():
            if 0 <= at < start + size:
                after[c] = text.find(c, start + size)
        found = [at for at in after.values() if at >= 0]
        if not found:
            yield start, text[start:] if start else text
            return
        end = min(found) + 1
        yield start, text[start:end]
        start = end
