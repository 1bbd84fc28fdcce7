"""The contract every rule kind keeps, and the modifiers all kinds share.

A kind is a frozen dataclass with:
  name         its key in the rubric YAML (`terms:`), and the registry's key
  extra_keys   the other keys it accepts beside the modifiers (`within:` for near)
  top_level    the highest level its criterion can reach
  parse        its YAML mapping → the rule, or None after adding located problems
  summary      its own part of the line `scorer rubric docs` prints for it
and either `candidates(ctx)` (a matching kind: where it fires in the sentences)
or `judge(doc, criterion_id)` (a document kind: the criterion's match, whole).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from .values import Years, norm_term, parse_years, words, years_range

if TYPE_CHECKING:
    from ..document import Document
    from ..matcher import CriterionMatch

MODIFIERS = ("unless", "min_level", "max_level", "in_titles", "years")


@dataclass(frozen=True, slots=True)  # one per hit: a long report has hundreds of thousands
class Candidate:
    """A place where a matching rule fired, before judgement."""

    sentence: int  # index into Document.sentences
    start: int  # span of the matched words in the normalised text
    end: int
    terms: tuple[str, ...]
    rule: Rule


@dataclass(frozen=True)
class Rule(ABC):
    kind: str
    unless: tuple[str, ...] = ()
    min_level: int = 0
    max_level: int = 3
    in_titles: bool = True
    years: Years = (None, None)  # first and last year covered, inclusive

    name: ClassVar[str]
    extra_keys: ClassVar[tuple[str, ...]] = ()
    top_level: ClassVar[int]
    # Where the YAML value holds words that `add_terms`/`remove_terms` edit:
    # "list" (terms: [词, …]), "groups" ([[词, …], …]) or "" (no words).
    yaml_words: ClassVar[str] = ""

    @classmethod
    @abstractmethod
    def parse(cls, raw: dict, path: tuple, p, modifiers: dict[str, Any]) -> Rule | None:
        """The rule written as `raw` (its modifiers already parsed), or None after adding
        located problems to `p`."""

    @abstractmethod
    def summary(self) -> str:
        """The kind's own part of its line in the rubric's reference page."""

    def words(self) -> tuple[str, ...]:
        """Every literal word the rule looks for (loaded into the tokenizer)."""
        return ()

    def describe(self) -> str:
        """The rule's line in the rubric's reference page: its summary, then its modifiers."""
        extras = []
        if self.unless:
            extras.append("unless " + "、".join(self.unless))
        if self.min_level:
            extras.append(f"min_level {self.min_level}")
        if self.max_level < 3:
            extras.append(f"max_level {self.max_level}")
        if not self.in_titles:
            extras.append("not in titles 《》")
        if self.years != (None, None):
            extras.append(f"years {years_range(self.years)}")
        return self.summary() + (f" ({'; '.join(extras)})" if extras else "")


@dataclass(frozen=True)
class MatchingRule(Rule):
    """A kind that finds hits in sentences; the matcher judges each hit (levels 0–3)."""

    top_level: ClassVar[int] = 3

    @abstractmethod
    def candidates(self, ctx) -> list[Candidate]:
        """Where the rule fires in the document `ctx` holds the word occurrences of."""


@dataclass(frozen=True)
class DocumentRule(Rule):
    """A kind that judges the document as a whole (levels 0–2); it stands alone in its
    criterion."""

    top_level: ClassVar[int] = 2

    @abstractmethod
    def judge(self, doc: Document, criterion_id: str) -> CriterionMatch:
        """The criterion's match on the document."""


def parse_modifiers(raw: dict, path: tuple, p) -> dict[str, Any]:
    """The modifiers of a rule's YAML mapping, defaults for those not written or wrong."""
    unless = words(raw.get("unless") or [], path + ("unless",), p, empty=True)
    out: dict[str, Any] = {"unless": tuple(norm_term(t) for t in unless)}
    # A max_level of 0 would make a rule that never counts: leave the rule out instead.
    for key, default, allowed in (("min_level", 0, range(4)), ("max_level", 3, range(1, 4))):
        value = raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value not in allowed:
            p.bad_value(path + (key,), value, allowed, key)
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
