"""The `all_of` kind: a word of every group in one sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .base import Candidate, MatchingRule
from .groups import groups_text, word_groups


@dataclass(frozen=True)
class AllOfRule(MatchingRule):
    """`all_of: [[词, …], [词, …], …]` — one word of every group (two or more) in the same sentence.

    The hit is anchored at the first group's word.
    Example: `all_of: [[重大行政决策], [公众参与, 专家论证, 风险评估]]`
    """

    groups: tuple[tuple[str, ...], ...] = ()

    name: ClassVar[str] = "all_of"
    yaml_words: ClassVar[str] = "groups"

    @classmethod
    def parse(cls, raw: dict, path: tuple, p, modifiers: dict[str, Any]) -> AllOfRule | None:
        groups = word_groups(raw[cls.name], path + (cls.name,), p)
        return None if groups is None else cls(cls.name, groups=groups, **modifiers)

    def summary(self) -> str:
        return "all_of: " + groups_text(self.groups, " + ")

    def words(self) -> tuple[str, ...]:
        return tuple(w for g in self.groups for w in g)

    def candidates(self, ctx) -> list[Candidate]:
        first, rest = self.groups[0], self.groups[1:]
        out = []
        for term in first:
            for start, end, sentence in ctx.occurrences(term):
                found = [term]
                present = ctx.words_at(sentence)  # most of each group is not in the sentence at all
                for group in rest:
                    word = next((w for w in group if w in present and ctx.in_sentence(w, sentence)), None)
                    if word is None:
                        break
                    found.append(word)
                else:
                    out.append(Candidate(sentence, start, end, tuple(found), self))
        return out
