"""The `near` kind: words of two groups close together in one sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .base import Candidate, MatchingRule
from .groups import groups_text, word_groups

WITHIN = 20  # characters, when `within:` is not written


@dataclass(frozen=True)
class NearRule(MatchingRule):
    """`near: [[词, …], [词, …]]` with `within: N` — a word of the first group and one
    of the second no more than N characters apart, in the same sentence (N from 1 to 500,
    default 20). Exactly two groups.

    Example: `near: [[常委会, 常务会], [研究, 部署, 听取]]`, `within: 30`
    """

    groups: tuple[tuple[str, ...], ...] = ()
    within: int = WITHIN

    name: ClassVar[str] = "near"
    extra_keys: ClassVar[tuple[str, ...]] = ("within",)
    yaml_words: ClassVar[str] = "groups"

    @classmethod
    def parse(cls, raw: dict, path: tuple, p, modifiers: dict[str, Any]) -> NearRule | None:
        groups = word_groups(raw[cls.name], path + (cls.name,), p)
        if groups is None:
            return None
        if len(groups) != 2:
            p.add(path + (cls.name,), f"near takes exactly two groups; got {len(groups)}")
            return None
        within = raw.get("within", WITHIN)
        if not isinstance(within, int) or isinstance(within, bool) or not 1 <= within <= 500:
            p.add(path + ("within",), f"expected a number of characters from 1 to 500, got {within!r}")
            within = WITHIN
        return cls(cls.name, groups=groups, within=within, **modifiers)

    def summary(self) -> str:
        return f"near (≤{self.within} 字): " + groups_text(self.groups, " ~ ")

    def words(self) -> tuple[str, ...]:
        return tuple(w for g in self.groups for w in g)

    def candidates(self, ctx) -> list[Candidate]:
        first, second = self.groups
        out = []
        for term in first:
            for start, end, sentence in ctx.occurrences(term):
                present = ctx.words_at(sentence)  # most of the group is not in the sentence at all
                for other in second:
                    if other not in present:
                        continue
                    near = ctx.nearest(other, sentence, start, end, self.within)
                    if near is not None and near[0] <= self.within:
                        out.append(Candidate(sentence, min(start, near[1]), max(end, near[2]),
                                             (term, other), self))
                        break
        return out
