"""The rule kinds a criterion is written with: a small closed set.

Each kind is one small class; its docstring is its reference (`scorer rubric
docs` prints them). Matching rules (`terms`, `all_of`, `near`) find candidate
hits in sentences; the matcher then judges each hit (its part's role,
negation, plans, `unless` contexts) and gives it a level. `part` and
`metadata` judge the document as a whole, for the `structure.*` criteria.

Modifiers every matching rule accepts (`part` and `metadata` take none: a rubric that
gives them one is refused):
  unless: [words]   a hit whose sentence holds one of these is disqualified
  min_level: 0-3    the least level a hit earns (a term that is itself a concrete measure;
                    0, the default: no floor)
  max_level: 1-3    the most level a hit earns (a general word; 3, the default: no cap)
  in_titles: false  words inside a document's title 《…》 do not count (for criteria
                    about an activity, such as cases handled, not the rules for it)
  years: 2024-      the rule applies only to reports covering these years ("2024-",
                    "-2025", "2021-2025" or one year): a term tied to a law or a plan
                    of its time (八五普法 2021-2025) is looked for only where it belongs
"""

from __future__ import annotations

from typing import Any

from .all_of import AllOfRule
from .base import MODIFIERS, Candidate, DocumentRule, MatchingRule, Rule, parse_modifiers
from .metadata import METADATA_FIELDS, MetadataRule
from .near import NearRule
from .part import PartRule
from .terms import TermsRule
from .values import (
    applies,
    checked_patterns,
    list_form_hint,
    list_problem,
    norm_term,
    parse_years,
    years_range,
)

# The registry: a new kind is one module beside these, its cases in tests/rules/, and a line here.
RULES: dict[str, type[Rule]] = {cls.name: cls for cls in (
    TermsRule,
    AllOfRule,
    NearRule,
    PartRule,
    MetadataRule,
)}
RULE_KINDS = tuple(RULES)
DOCUMENT_KINDS = tuple(name for name, cls in RULES.items() if issubclass(cls, DocumentRule))

__all__ = [
    "DOCUMENT_KINDS", "METADATA_FIELDS", "MODIFIERS", "RULES", "RULE_KINDS", "AllOfRule", "Candidate",
    "DocumentRule", "MatchingRule", "MetadataRule", "NearRule", "PartRule", "Rule", "TermsRule",
    "applies", "build_rule", "checked_patterns", "list_form_hint", "list_problem", "norm_term",
    "parse_years", "years_range",
]


def build_rule(raw: Any, path: tuple, p) -> Rule | None:
    """Build a rule from its YAML mapping, adding located problems to `p`."""
    if not isinstance(raw, dict):
        p.add(path, f"expected a rule mapping with one of: {', '.join(RULE_KINDS)}; got {raw!r}")
        return None
    kinds = [k for k in raw if k in RULES]
    if len(kinds) != 1:
        known = (*RULE_KINDS, *MODIFIERS, *(k for cls in RULES.values() for k in cls.extra_keys))
        unknown = [k for k in raw if k not in known]
        if unknown:
            p.unknown_keys(path, {k: None for k in unknown}, RULE_KINDS + MODIFIERS)
        else:
            p.add(path, f"a rule needs exactly one kind of: {', '.join(RULE_KINDS)}; found {kinds or 'none'}")
        return None
    cls = RULES[kinds[0]]
    if issubclass(cls, DocumentRule):  # it judges the document as a whole: no hit to qualify
        for key in raw:
            if key in MODIFIERS:
                p.add(path + (key,), f"'{key}' has no effect on a `{cls.name}` rule, which judges the "
                                     f"whole document; remove it (allowed: {', '.join((cls.name, *cls.extra_keys))})")
        p.unknown_keys(path, {k: v for k, v in raw.items() if k not in MODIFIERS}, (cls.name, *cls.extra_keys))
        return cls.parse(raw, path, p, {})
    p.unknown_keys(path, raw, (cls.name, *MODIFIERS, *cls.extra_keys))
    return cls.parse(raw, path, p, parse_modifiers(raw, path, p))
