"""The `part` kind: whether the report has a part with a role, or how much of it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..structure import ROLE_LABELS, Part, PartRole, RoleSource
from .base import DocumentRule

if TYPE_CHECKING:
    from ..document import Document
    from ..matcher import CriterionMatch

ROLES = tuple(r.value for r in PartRole)


@dataclass(frozen=True)
class PartRule(DocumentRule):
    """`part: ROLE` — the report has a part with this role (for `structure.*`).

    Level 2: a part of its own under its own heading; 1: present but not as a
    part of its own (unheaded, a thematic heading, or folded into another part);
    0: absent. ROLE is one of achievements, problems, duties, plans, other.
    With `min_share: 0.05` (at least 0, below 1) it judges the part's weight instead:
    level 2 when the part holds at least that share of the report's text, 1 when it is
    shorter, 0 when absent (重成绩轻问题: a report whose 不足 part is a line or two).
    Example: `part: duties`
    """

    role: str = ""
    min_share: float = 0.0

    name: ClassVar[str] = "part"
    extra_keys: ClassVar[tuple[str, ...]] = ("min_share",)

    @classmethod
    def parse(cls, raw: dict, path: tuple, p, modifiers: dict[str, Any]) -> PartRule | None:
        value = raw[cls.name]
        if value not in ROLES:
            p.bad_value(path + (cls.name,), value, ROLES, "unknown part role")
            return None
        share = raw.get("min_share", 0.0)
        if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 <= share < 1:
            p.add(path + ("min_share",), f"expected a share of the report from 0 to 1 (e.g. 0.05), got {share!r}")
            share = 0.0
        return cls(cls.name, role=value, min_share=float(share), **modifiers)

    def summary(self) -> str:
        return f"part: {self.role}" + (f", min_share {self.min_share:g}" if self.min_share else "")

    def judge(self, doc: Document, criterion_id: str) -> CriterionMatch:
        # Imported here: the matcher imports the rubric, which imports the rule kinds.
        from ..matcher import CriterionMatch

        role = PartRole(self.role)
        found = _parts_with(doc, role)
        if not found:
            return CriterionMatch(criterion_id, 0, (), (), (role.value,), f"未见“{ROLE_LABELS[role]}”部分")
        if self.min_share:
            return _share(doc, criterion_id, role, self.min_share)
        level, part = max(found, key=lambda lp: (lp[0], -lp[1].start))
        if level == 2:
            how = "有独立标题的部分"
        else:
            how = {RoleSource.OPENING: "无标题段落（由开头语判断）",
                   RoleSource.INFERRED: "未以标题点明（主题式标题）"}.get(part.role_source, "并入其他部分")
        ev = _heading_evidence(doc, part, role, level, how)
        return CriterionMatch(criterion_id, level, (ev,), (), (role.value,), how)


def _parts_with(doc: Document, role: PartRole) -> list[tuple[int, Part]]:
    """Every part with the role, with its level: 2 a top part under its own heading,
    1 a top part otherwise or a part nested in another."""
    found: list[tuple[int, Part]] = []
    for top in doc.parts:
        if top.kind in ("preamble", "signature"):  # the opening and the signature are no part
            continue
        for part in top.walk():
            if part.role != role:
                continue
            if part is top and part.role_source == RoleSource.HEADING:
                found.append((2, part))
            elif part is top or part.role_source == RoleSource.NESTED:
                found.append((1, part))
    return found


def _heading_evidence(doc: Document, part: Part, role: PartRole, level: int, how: str):
    """The part's heading (or its first words) as evidence, quoted as written."""
    from ..clauses import CLAUSE_END
    from ..hygiene import MASK
    from ..matcher import Evidence  # see PartRule.judge

    if part.heading:
        head_end = part.start + len(part.marker) + len(part.heading)
    else:  # an unheaded part: its opening words, to the last clause end within 40 (never mid-word)
        limit = min(part.end, part.start + 40)
        pauses = [m.start() for m in CLAUSE_END.finditer(doc.match_text, part.start, limit) if m.start() > part.start]
        head_end = pauses[-1] if pauses and limit < part.end else limit
    a, b = part.start, head_end
    if MASK in doc.match_text[a:b]:  # quote the longest unflagged stretch of the heading
        pieces = [(m.start() + a, m.end() + a) for m in re.finditer(f"[^{MASK}]+", doc.match_text[a:b])]
        a, b = max(pieces, key=lambda p: p[1] - p[0], default=(a, a))
    oa, ob = doc.original_span(a, b)
    return Evidence(doc.original[oa:ob].strip(), oa, ob, part.path, part.role.value, (role.value,), level, how)


def _share(doc: Document, criterion_id: str, role: PartRole, min_share: float) -> CriterionMatch:
    """The weight of every part with a role, as a share of the report's body text."""
    from ..matcher import CriterionMatch  # see PartRule.judge

    body = sum(p.end - p.start for p in doc.parts if p.kind != "signature")
    size = sum(_role_size(top, role) for top in doc.parts if top.kind not in ("preamble", "signature"))
    share = size / body if body else 0.0
    level = 2 if share >= min_share else 1
    how = f"“{ROLE_LABELS[role]}”部分占全文{share:.1%}（标准：不低于{min_share:.0%}）"
    return CriterionMatch(criterion_id, level, (), (), (role.value,), how)


def _role_size(part: Part, role: PartRole) -> int:
    """Characters of the outermost parts with a role at or below `part`."""
    if part.role == role:
        return part.end - part.start
    return sum(_role_size(child, role) for child in part.children)
