"""The values rules (and the rest of a rubric) are written with: word lists, regular
expressions and years, each checked with a located problem when it is wrong."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..normalize import normalize
from .regex import compile_pattern, pattern_problem

_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")
_SEPARATORS = re.compile(r"[,，、;；]")
_YEARS = re.compile(r"^\s*((?:19|20)\d\d)?\s*(-)?\s*((?:19|20)\d\d)?\s*$")

Years = tuple[int | None, int | None]  # first and last year covered, inclusive; None: open


@lru_cache(maxsize=8192)
def norm_term(term: str) -> str:
    """A term as it is matched: NFKC, Simplified with mainland phrasing."""
    return normalize(term).text.strip()


def list_form_hint(value: str) -> str:
    """`[a, b]` for text that holds several words (`a, b`, `a、b`), else ""."""
    words = [w.strip() for w in _SEPARATORS.split(value) if w.strip()]
    return f"[{', '.join(words)}]" if _SEPARATORS.search(value) and words else ""


def list_problem(path: tuple, value: Any) -> str:
    """What is wrong with a value that should be a list of words, and what to write instead.

    A single word may stand for a list of one, but text holding commas or 、 is a
    list written without brackets: YAML reads it as one word that never matches."""
    hint = list_form_hint(value) if isinstance(value, str) else ""
    if hint:
        name = next((k for k in reversed(path) if isinstance(k, str)), "terms")
        if not isinstance(path[-1], str):
            return f"a list of words goes in brackets, or YAML reads one word; write [{hint[1:-1]}], got {value!r}"
        return f"a list of words goes in brackets, or YAML reads one word; write {name}: {hint}, got {value!r}"
    return f"expected a list of words, got {value!r}"


def words(value: Any, path: tuple, p, empty: bool = False) -> list[str]:
    """A list of words as written (a single word is a list of one), or [] with a problem."""
    if isinstance(value, str) and not list_form_hint(value):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        p.add(path, list_problem(path, value))
        return []
    if not value and not empty:
        p.add(path, "the list is empty")
    return value


def term_words(value: Any, path: tuple, p) -> list[str]:
    """A `terms` list: words() as matched, a single character refused (的 is in every
    report, and alone it gave every report the criterion's top level)."""
    out = [norm_term(t) for t in words(value, path, p)]
    for i, term in enumerate(out):
        if len(term) == 1:
            at = path + (i,) if isinstance(value, list) else path
            p.add(at, f"the term {term!r} is a single character, found in nearly every report; "
                      "write a word of two characters or more")
    return out


def checked_patterns(value: Any, path: tuple, p) -> list[str]:
    """The regular expressions that compile, cannot backtrack without bound (regex.py) and
    match something."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        p.add(path, f"expected a list of regular expressions, got {value!r}")
        return []
    out = []
    for i, pattern in enumerate(value):
        if not isinstance(pattern, str) or not pattern:
            p.add(path + (i,), f"expected a regular expression, got {pattern!r}")
            continue
        try:
            re.compile(pattern)
        except re.error as exc:
            p.add(path + (i,), f"bad regular expression {pattern!r}: {exc}")
            continue
        if _NESTED_QUANTIFIER.search(pattern) or len(pattern) > 300:
            p.add(path + (i,), f"regular expression {pattern!r} could backtrack without bound "
                               "(a repeated group that itself repeats); write it without nested repetition")
            continue
        problem = pattern_problem(pattern)
        if problem:
            p.add(path + (i,), f"regular expression {pattern!r}: {problem}")
            continue
        if compile_pattern(pattern).match("") is not None:
            p.add(path + (i,), f"regular expression {pattern!r} matches empty text")
            continue
        out.append(pattern)
    return out


def parse_years(value: Any, path: tuple, p) -> Years:
    """`years:` as written ("2024-", "-2025", "2021-2025", 2024) → (first, last), inclusive."""
    if value is None:
        return (None, None)
    m = _YEARS.match(str(value)) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
    if not m or not (m.group(1) or m.group(3)) or (not m.group(2) and m.group(3)):
        p.add(path, f"expected the years covered, as 2024-, -2025, 2021-2025 or 2024; got {value!r}")
        return (None, None)
    first = int(m.group(1)) if m.group(1) else None
    last = int(m.group(3)) if m.group(3) else (first if not m.group(2) else None)
    if first and last and first > last:
        p.add(path, f"the first year {first} comes after the last {last}")
    return (first, last)


def applies(years: Years, year: int | None) -> bool:
    """Whether something bound to `years` applies to a report covering `year` (unknown: yes)."""
    first, last = years
    return year is None or ((first is None or year >= first) and (last is None or year <= last))


def years_range(years: Years) -> str:
    """`years:` written back as in the rubric: 2024-, -2025, 2021-2025 or 2024."""
    first, last = years
    return f"{first or ''}-{last or ''}" if first != last else str(first)
