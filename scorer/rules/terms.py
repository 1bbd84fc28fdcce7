"""The `terms` kind: any of a list of words (or patterns) in a sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .base import Candidate, MatchingRule
from .values import checked_patterns, term_words


@dataclass(frozen=True)
class TermsRule(MatchingRule):
    """`terms: [词, …]` — any of these terms (or synonyms) in a sentence. A term of one
    character is refused: 的 or 法 alone is in every report.

    `patterns: [regex, …]` may add regular expressions for forms a list cannot
    spell out; they are checked at `rubric check` and refused when they could
    backtrack without bound.
    Example: `terms: [行政执法公示, 执法信息公示, 双公示]`
    """

    terms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()

    name: ClassVar[str] = "terms"
    extra_keys: ClassVar[tuple[str, ...]] = ("patterns",)
    yaml_words: ClassVar[str] = "list"

    @classmethod
    def parse(cls, raw: dict, path: tuple, p, modifiers: dict[str, Any]) -> TermsRule:
        terms = tuple(term_words(raw[cls.name], path + (cls.name,), p))
        patterns = tuple(checked_patterns(raw.get("patterns") or [], path + ("patterns",), p))
        return cls(cls.name, terms=terms, patterns=patterns, **modifiers)

    def summary(self) -> str:
        text = "terms: " + "、".join(self.terms)
        if self.patterns:
            text += "; patterns: " + ", ".join(f"`{p}`" for p in self.patterns)
        return text

    def words(self) -> tuple[str, ...]:
        return self.terms

    def candidates(self, ctx) -> list[Candidate]:
        out = []
        for term in self.terms:
            terms = (term,)  # one tuple for all its hits: a long report has thousands
            for start, end, sentence in ctx.occurrences(term):
                out.append(Candidate(sentence, start, end, terms, self))
        for pattern in self.patterns:
            for start, end, sentence, found in ctx.regex(pattern):
                out.append(Candidate(sentence, start, end, (found,), self))
        return out
