"""The rule kinds a criterion is written with: a small closed set.

Each kind is one small class; its docstring is its reference (`scorer rubric
docs` prints them). Matching rules (`terms`, `all_of`, `near`) find candidate
hits in sentences; the matcher then judges each hit (its part's role,
negation, plans, `unless` contexts) and gives it a level. `part` and
`metadata` judge the document as a whole, for the `structure.*` criteria.

Modifiers every matching rule accepts:
  unless: [words]   a hit whose sentence holds one of these is disqualified
  min_level: 1-3    the least level a hit earns (a term that is itself a concrete measure)
  max_level: 1-3    the most level a hit earns (a general word)
  in_titles: false  words inside a document's title 《…》 do not count (for criteria
                    about an activity, such as cases handled, not the rules for it)
  years: 2024-      the rule applies only to reports covering these years ("2024-",
                    "-2025", "2021-2025" or one year): a term tied to a law or a plan
                    of its time (八五普法 2021-2025) is looked for only where it belongs
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .normalize import normalize

MODIFIERS = ("unless", "min_level", "max_level", "in_titles", "years")
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")


@lru_cache(maxsize=8192)
def norm_term(term: str) -> str:
    """A term as it is matched: NFKC, Simplified with mainland phrasing."""
    return normalize(term).text.strip()


@dataclass(frozen=True)
class Candidate:
    """A place where a matching rule fired, before judgement."""

    sentence: int  # index into Document.sentences
    start: int  # span of the matched words in the normalised text
    end: int
    terms: tuple[str, ...]
    rule: Rule


@dataclass(frozen=True)
class Rule:
    kind: str
    unless: tuple[str, ...] = ()
    min_level: int = 0
    max_level: int = 3
    in_titles: bool = True
    years: tuple[int | None, int | None] = (None, None)  # first and last year covered, inclusive

    def words(self) -> tuple[str, ...]:
        """Every literal word the rule looks for (loaded into the tokenizer)."""
        return ()


@dataclass(frozen=True)
class TermsRule(Rule):
    """`terms: [词, …]` — any of these terms (or synonyms) in a sentence.

    `patterns: [regex, …]` may add regular expressions for forms a list cannot
    spell out; they are checked at `rubric check` and refused when they could
    backtrack without bound.
    Example: `terms: [行政执法公示, 执法信息公示, 双公示]`
    """

    terms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()

    def words(self) -> tuple[str, ...]:
        return self.terms

    def candidates(self, ctx) -> list[Candidate]:
        out = []
        for term in self.terms:
            for start, end, sentence in ctx.occurrences(term):
                out.append(Candidate(sentence, start, end, (term,), self))
        for pattern in self.patterns:
            for start, end, sentence, found in ctx.regex(pattern):
                out.append(Candidate(sentence, start, end, (found,), self))
        return out


@dataclass(frozen=True)
class AllOfRule(Rule):
    """`all_of: [[词, …], [词, …], …]` — one word of every group in the same sentence.

    The hit is anchored at the first group's word.
    Example: `all_of: [[重大行政决策], [公众参与, 专家论证, 风险评估]]`
    """

    groups: tuple[tuple[str, ...], ...] = ()

    def words(self) -> tuple[str, ...]:
        return tuple(w for g in self.groups for w in g)

    def candidates(self, ctx) -> list[Candidate]:
        first, rest = self.groups[0], self.groups[1:]
        out = []
        for term in first:
            for start, end, sentence in ctx.occurrences(term):
                found = [term]
                for group in rest:
                    word = next((w for w in group if ctx.in_sentence(w, sentence)), None)
                    if word is None:
                        break
                    found.append(word)
                else:
                    out.append(Candidate(sentence, start, end, tuple(found), self))
        return out


@dataclass(frozen=True)
class NearRule(Rule):
    """`near: [[词, …], [词, …]]` with `within: N` — a word of the first group and one
    of the second no more than N characters apart, in the same sentence (default 20).

    Example: `near: [[常委会, 常务会], [研究, 部署, 听取]]`, `within: 30`
    """

    groups: tuple[tuple[str, ...], ...] = ()
    within: int = 20

    def words(self) -> tuple[str, ...]:
        return tuple(w for g in self.groups for w in g)

    def candidates(self, ctx) -> list[Candidate]:
        first, second = self.groups
        out = []
        for term in first:
            for start, end, sentence in ctx.occurrences(term):
                for other in second:
                    near = ctx.nearest(other, sentence, start, end, self.within)
                    if near is not None and near[0] <= self.within:
                        out.append(Candidate(sentence, min(start, near[1]), max(end, near[2]),
                                             (term, other), self))
                        break
        return out


@dataclass(frozen=True)
class PartRule(Rule):
    """`part: ROLE` — the report has a part with this role (for `structure.*`).

    Level 2: a part of its own under its own heading; 1: present but not as a
    part of its own (unheaded, a thematic heading, or folded into another part);
    0: absent. ROLE is one of achievements, problems, duties, plans, other.
    With `min_share: 0.05` it judges the part's weight instead: level 2 when the part
    holds at least that share of the report's text, 1 when it is shorter, 0 when absent
    (重成绩轻问题: a report whose 不足 part is a line or two).
    Example: `part: duties`
    """

    role: str = ""
    min_share: float = 0.0


@dataclass(frozen=True)
class MetadataRule(Rule):
    """`metadata: FIELD` with `equals: VALUE` — the report's metadata has this value.

    Level 2 when it does, 0 when it does not or is unknown. FIELD is one of
    on_time, year, region, published, issuer, title.
    Example: `metadata: on_time`, `equals: true`
    """

    field: str = ""
    equals: Any = True


RULE_KINDS = ("terms", "all_of", "near", "part", "metadata")
METADATA_FIELDS = ("on_time", "year", "region", "published", "issuer", "title")
_EXTRA_KEYS = {"terms": ("patterns",), "all_of": (), "near": ("within",), "part": ("min_share",),
               "metadata": ("equals",)}


def build_rule(raw: Any, path: tuple, p) -> Rule | None:
    """Build a rule from its YAML mapping, adding located problems to `p`."""
    from .structure import PartRole

    if not isinstance(raw, dict):
        p.add(path, f"expected a rule mapping with one of: {', '.join(RULE_KINDS)}; got {raw!r}")
        return None
    kinds = [k for k in raw if k in RULE_KINDS]
    if len(kinds) != 1:
        unknown = [k for k in raw if k not in RULE_KINDS and k not in MODIFIERS and k not in sum(_EXTRA_KEYS.values(), ())]
        if unknown:
            p.unknown_keys(path, {k: None for k in unknown}, RULE_KINDS + MODIFIERS)
        else:
            p.add(path, f"a rule needs exactly one kind of: {', '.join(RULE_KINDS)}; found {kinds or 'none'}")
        return None
    kind = kinds[0]
    allowed = (kind, *MODIFIERS, *_EXTRA_KEYS[kind])
    p.unknown_keys(path, raw, allowed)
    common = _modifiers(raw, path, p)
    value = raw[kind]
    if kind == "terms":
        terms = tuple(norm_term(t) for t in _words(value, path + (kind,), p))
        patterns = tuple(checked_patterns(raw.get("patterns") or [], path + ("patterns",), p))
        return TermsRule(kind, terms=terms, patterns=patterns, **common)
    if kind in ("all_of", "near"):
        if not isinstance(value, list) or len(value) < 2 or not all(isinstance(g, list) for g in value):
            p.add(path + (kind,), f"expected a list of word groups, e.g. [[词A, 词B], [词C]]; got {value!r}")
            return None
        groups = tuple(tuple(norm_term(t) for t in _words(g, path + (kind, i), p)) for i, g in enumerate(value))
        if kind == "all_of":
            return AllOfRule(kind, groups=groups, **common)
        if len(groups) != 2:
            p.add(path + (kind,), f"near takes exactly two groups; got {len(groups)}")
            return None
        within = raw.get("within", 20)
        if not isinstance(within, int) or isinstance(within, bool) or not 1 <= within <= 500:
            p.add(path + ("within",), f"expected a number of characters from 1 to 500, got {within!r}")
            within = 20
        return NearRule(kind, groups=groups, within=within, **common)
    if kind == "part":
        roles = [r.value for r in PartRole]
        if value not in roles:
            p.bad_value(path + (kind,), value, roles, "unknown part role")
            return None
        share = raw.get("min_share", 0.0)
        if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 <= share < 1:
            p.add(path + ("min_share",), f"expected a share of the report from 0 to 1 (e.g. 0.05), got {share!r}")
            share = 0.0
        return PartRule(kind, role=value, min_share=float(share), **common)
    if value not in METADATA_FIELDS:
        p.bad_value(path + (kind,), value, METADATA_FIELDS, "unknown metadata field")
        return None
    return MetadataRule(kind, field=value, equals=raw.get("equals", True), **common)


def _modifiers(raw: dict, path: tuple, p) -> dict:
    out: dict[str, Any] = {"unless": tuple(norm_term(t) for t in _words(raw.get("unless") or [], path + ("unless",), p, empty=True))}
    for key, default in (("min_level", 0), ("max_level", 3)):
        value = raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 3:
            p.bad_value(path + (key,), value, range(4), key)
            value = default
        out[key] = value
    in_titles = raw.get("in_titles", True)
    if not isinstance(in_titles, bool):
        p.bad_value(path + ("in_titles",), in_titles, (True, False), "in_titles")
        in_titles = True
    out["in_titles"] = in_titles
    if out["min_level"] > out["max_level"]:
        p.add(path + ("min_level",), f"min_level {out['min_level']} is above max_level {out['max_level']}")
    out["years"] = parse_years(raw.get("years"), path + ("years",), p)
    return out


_YEARS = re.compile(r"^\s*((?:19|20)\d\d)?\s*(-)?\s*((?:19|20)\d\d)?\s*$")


def parse_years(value: Any, path: tuple, p) -> tuple[int | None, int | None]:
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


def applies(years: tuple[int | None, int | None], year: int | None) -> bool:
    """Whether something bound to `years` applies to a report covering `year` (unknown: yes)."""
    first, last = years
    return year is None or ((first is None or year >= first) and (last is None or year <= last))


_SEPARATORS = re.compile(r"[,，、;；]")


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


def _words(value: Any, path: tuple, p, empty: bool = False) -> list[str]:
    if isinstance(value, str) and not list_form_hint(value):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        p.add(path, list_problem(path, value))
        return []
    if not value and not empty:
        p.add(path, "the list is empty")
    return value


def checked_patterns(value: Any, path: tuple, p) -> list[str]:
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
        if re.match(pattern, ""):
            p.add(path + (i,), f"regular expression {pattern!r} matches empty text")
            continue
        out.append(pattern)
    return out
