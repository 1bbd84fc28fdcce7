"""What `all_of` and `near` share: their value is a list of word groups."""

from __future__ import annotations

from typing import Any

from .values import norm_term, words


def word_groups(value: Any, path: tuple, p) -> tuple[tuple[str, ...], ...] | None:
    """`[[词A, 词B], [词C]]` → normalised groups, or None after adding a problem."""
    if not isinstance(value, list) or len(value) < 2 or not all(isinstance(g, list) for g in value):
        p.add(path, f"expected a list of word groups, e.g. [[词A, 词B], [词C]]; got {value!r}")
        return None
    return tuple(tuple(norm_term(t) for t in words(g, path + (i,), p)) for i, g in enumerate(value))


def groups_text(groups: tuple[tuple[str, ...], ...], joiner: str) -> str:
    """Groups as the reference page shows them: (a|b) + (c)."""
    return joiner.join("(" + "|".join(g) + ")" for g in groups)
