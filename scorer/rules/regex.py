"""Rubric regular expressions on an engine that cannot backtrack without bound.

Patterns come from evaluators (`patterns:` of a rule, `language: formulas:`) and
run over untrusted reports, so Python's backtracking `re` could hang a batch on
`.*.*.*X`. A pattern runs on RE2 (google-re2), whose time is linear in the text.
Python's syntax is kept: `\\d \\w \\s` are rewritten to their Unicode classes and
`{,n}` to `{0,n}`, since RE2 reads them otherwise. What RE2 cannot express
(look-arounds, back-references, `\\b`) runs on `re` only when a count of its
backtracking paths is bounded: no unbounded repeat, no repeated group, and at
most MAX_PATHS ways to match at one position. Anything else is refused at
`rubric check` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

try:
    import re2
except ImportError:  # a platform without a wheel: only patterns bounded on `re` are accepted
    re2 = None

MAX_PATHS = 100_000  # ways to match at one start; the longest ritual formula has ~7,000
_REPEATS = {"max_repeat", "min_repeat", "possessive_repeat"}
_SINGLE = {"literal", "not_literal", "in", "any", "category"}
# RE2 reads \d \w \s as ASCII: these keep Python's Unicode meaning.
_CLASSES = {"d": r"\p{Nd}", "w": r"\p{L}\p{N}_", "s": r"\s\p{Z}\x1c-\x1f\x85"}


def pattern_problem(pattern: str) -> str | None:
    """Why a pattern (already valid for `re`) cannot run safely, or None."""
    if _re2_compiled(pattern) is not None:
        return None
    paths = backtracking_paths(pattern)
    if paths is None:
        why = "it repeats without bound something RE2 cannot run (a look-around, a back-reference or \\b)"
        if re2 is None:
            why = "google-re2 is not installed and it repeats without bound"
        return f"{why}: it could backtrack without bound on a long report; write it without them"
    if paths > MAX_PATHS:
        return (f"it could backtrack {paths:,} ways at each character (limit {MAX_PATHS:,}): "
                "write it with fewer or shorter repeats")
    return None


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Any:
    """The pattern compiled for matching: on RE2, else on `re` (checked bounded by pattern_problem)."""
    return _re2_compiled(pattern) or re.compile(pattern)


def spans(compiled: Any, text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    """(start, end, matched text) of each match within text[start:end], offsets in `text`, as
    `compiled.finditer(text, start, end)` finds them. RE2's wrapper encodes the whole text at
    every call, so it is given the slice (with the character before it, which `^` looks at)."""
    if isinstance(compiled, re.Pattern):
        for m in compiled.finditer(text, start, end):
            yield m.start(), m.end(), m.group()
        return
    lead = 1 if start else 0
    base = start - lead
    for m in compiled.finditer(text[base:end], lead):
        yield base + m.start(), base + m.end(), m.group()


def leftmost(patterns: tuple[Any, ...], text: str) -> Any:
    """The match of `a|b|…` over compiled patterns: the leftmost, the first pattern on a tie."""
    best = None
    for compiled in patterns:
        m = compiled.search(text)
        if m is not None and (best is None or m.start() < best.start()):
            best = m
    return best


@lru_cache(maxsize=512)
def _re2_compiled(pattern: str) -> Any:
    if re2 is None:
        return None
    translated = _to_re2(pattern)
    if translated is None:
        return None
    options = re2.Options()
    options.log_errors = False  # a refused pattern is reported by us, not on stderr
    try:
        return re2.compile(translated, options)
    except re2.error:
        return None


_OPEN_LOWER = re.compile(r"\{,\d*\}")  # a repeat with no lower bound, as Python reads one


def _to_re2(pattern: str) -> str | None:
    """Python syntax in RE2's, or None where the meaning cannot be kept (\\b, \\W in a class)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            e = pattern[i + 1]
            if e.lower() in _CLASSES:
                body = _CLASSES[e.lower()]
                if e.islower():
                    out.append(body if in_class else f"[{body}]")
                elif in_class:
                    return None  # a negated class inside a class has no RE2 form
                else:
                    out.append(f"[^{body}]")
            elif e in "bBAZ":
                return None
            else:
                out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
            j = i + 1 + (pattern[i + 1:i + 2] == "^")
            j += pattern[j:j + 1] == "]"  # a leading ] is a literal
            out.append(pattern[i:j])
            i = j
            continue
        if c == "]" and in_class:
            in_class = False
        elif c == "{" and not in_class and _OPEN_LOWER.match(pattern, i):
            c = "{0"  # Python's {,n}; RE2 reads it as literal text (Python too reads {,x} so)
        out.append(c)
        i += 1
    return "".join(out)


def backtracking_paths(pattern: str) -> int | None:
    """Ways Python's `re` may try to match at one position, or None when unbounded."""
    from re import _parser  # the parser `re` itself uses

    try:
        return _paths(_parser.parse(pattern))
    except (re.error, RecursionError):
        return None


def _paths(items) -> int | None:
    # A look-around is atomic: tried once at each way of reaching it, never backtracked into.
    ways, checks = 1, 1
    for op, arg in items:
        name = str(op).lower()
        n = _paths(arg[1]) if name in ("assert", "assert_not") else _item_paths(name, arg)
        if n is None:
            return None
        if name in ("assert", "assert_not"):
            checks += n
        else:
            ways *= n
    return ways * checks


def _item_paths(op: str, arg) -> int | None:
    if op in _REPEATS:
        low, high, body = arg
        if high == re._constants.MAXREPEAT:
            return None
        if all(str(o).lower() in _SINGLE for o, _ in body):
            return high - low + 1  # one way per length
        inner = _paths(body)
        return None if inner is None or high > 1 else inner + 1  # only `(…)?` of a group
    if op == "branch":
        words = [_literal(b) for b in arg[1]]
        if None not in words:  # at one position only words prefixing one another can all match
            return max(sum(w.startswith(v) for v in words) for w in words)
        counts = [_paths(b) for b in arg[1]]
        return None if None in counts else sum(counts)
    if op == "subpattern":
        return _paths(arg[-1])
    if op == "atomic_group":
        return _paths(arg)
    if op == "groupref_exists":
        counts = [_paths(b) if b is not None else 1 for b in arg[1:]]
        return None if None in counts else sum(counts)
    return 1


def _literal(items) -> str | None:
    ops = [(str(op).lower(), arg) for op, arg in items]
    return "".join(chr(a) for _, a in ops) if all(o == "literal" for o, _ in ops) else None
