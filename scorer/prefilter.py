"""A cheap first look for a large alternation: the characters a match can begin with.

Python's `re` tries every alternative of a pattern such as the spam lexicon at
every position of a report (most of a report's reading time went there). A
lookahead on the set of characters any match begins with turns nearly every
position into one set lookup, and changes no match: the set is derived from the
pattern itself, and a pattern whose first character cannot be known is left as
it is.
"""

from __future__ import annotations

import re
from re import _constants as C  # noqa: N812 - the parser's opcodes
from re import _parser


def with_prefilter(pattern: re.Pattern) -> re.Pattern:
    """The same pattern, led by a lookahead on its possible first characters (same flags,
    so case-insensitive letters stay so); the pattern itself when they cannot be known."""
    chars = first_chars(pattern)
    if not chars:
        return pattern
    cls = "".join(re.escape(c) for c in sorted(chars))
    return re.compile(f"(?=[{cls}])(?:{pattern.pattern})", pattern.flags)


def literal_prefix(pattern: str, flags: int = 0) -> str:
    """The characters every match of a pattern begins with (行政复议 of 行政复议[^,。]{0,3}工作),
    or "" when they cannot be known: a case-insensitive pattern, or one that begins with
    anything but plain characters."""
    if flags & re.IGNORECASE:
        return ""
    try:
        items = _parser.parse(pattern, flags)
    except re.error:
        return ""
    if items.state.flags & re.IGNORECASE:  # (?i) inside the pattern
        return ""
    out = []
    for op, av in items:
        if op is not C.LITERAL:
            break
        out.append(chr(av))
    return "".join(out)


_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]*[:)]")  # (?i) or (?i:…): a case the parse may not show


def held_chars(pattern: str, flags: int = 0) -> set[str] | None:
    """Characters one of which every match of the pattern holds: those the first item that no
    match can skip begins with (坚 of ^(始终)?坚持以…), or None when they cannot be known.
    Letters count only where no flag can make them match their other case. The pattern may
    run on RE2 (rules/regex.py), which reads a POSIX class ([[:digit:]]) as a class where
    Python's parse sees its letters: such a pattern's characters are not known."""
    if "[:" in pattern:  # before the parse, which warns of such a class as a nested set
        return None
    items = _parser.parse(pattern, flags)
    for op, av in items:
        if op in (C.ASSERT, C.ASSERT_NOT, C.AT) or (op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] == 0):
            continue  # zero-width, or optional: a match may hold nothing of it
        chars = _first([(op, av)])
        if chars and any(c.lower() != c or c.upper() != c for c in chars) and (
                flags & re.IGNORECASE or _INLINE_FLAGS.search(pattern)):
            return None
        return chars
    return None


def first_chars(pattern: re.Pattern) -> set[str] | None:
    """Every character a non-empty match of the pattern can begin with, or None."""
    return _first(_parser.parse(pattern.pattern, pattern.flags))


def _first(items) -> set[str] | None:
    for op, av in items:
        if op in (C.ASSERT, C.ASSERT_NOT, C.AT):  # zero-width: the next item decides
            continue
        if op is C.LITERAL:
            return {chr(av)}
        if op is C.IN:
            return _class(av)
        if op is C.SUBPATTERN:
            return _first(av[-1])
        if op is C.BRANCH:
            out: set[str] = set()
            for alternative in av[1]:
                chars = _first(alternative)
                if chars is None:
                    return None
                out |= chars
            return out
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
            return _first(av[2])
        return None  # anything else (a class like \w, a wildcard, an optional start): unknown
    return None


def _class(items) -> set[str] | None:
    out: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            out.add(chr(av))
        elif op is C.RANGE and av[1] - av[0] < 256:
            out.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None  # a negated class, a category, a wide range
    return out
