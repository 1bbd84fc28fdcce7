"""The `metadata` kind: a field of the report's metadata has a value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from .base import DocumentRule

if TYPE_CHECKING:
    from ..document import Document
    from ..matcher import CriterionMatch

METADATA_FIELDS = ("on_time", "year", "region", "published", "issuer", "title")


@dataclass(frozen=True)
class MetadataRule(DocumentRule):
    """`metadata: FIELD` with `equals: VALUE` — the report's metadata has this value.

    Level 2 when it does, 0 when it does not or is unknown. FIELD is one of
    on_time, year, region, published, issuer, title.
    Example: `metadata: on_time`, `equals: true`
    """

    field: str = ""
    equals: Any = True

    name: ClassVar[str] = "metadata"
    extra_keys: ClassVar[tuple[str, ...]] = ("equals",)

    @classmethod
    def parse(cls, raw: dict, path: tuple, p, modifiers: dict[str, Any]) -> MetadataRule | None:
        value = raw[cls.name]
        if value not in METADATA_FIELDS:
            p.bad_value(path + (cls.name,), value, METADATA_FIELDS, "unknown metadata field")
            return None
        return cls(cls.name, field=value, equals=raw.get("equals", True), **modifiers)

    def summary(self) -> str:
        return f"metadata: {self.field} = {self.equals!r}"

    def judge(self, doc: Document, criterion_id: str) -> CriterionMatch:
        # Imported here: the matcher imports the rubric, which imports the rule kinds.
        from ..matcher import CriterionMatch

        value = getattr(doc.metadata, self.field)
        level = 2 if value == self.equals else 0
        return CriterionMatch(criterion_id, level, (), (), (self.field,), _said(self.field, value))


_FIELD_WORDS = {"on_time": "发布时间", "year": "报告年度", "region": "地区", "published": "发布日期",
                "issuer": "发文机关", "title": "标题"}


def _said(field: str, value: Any) -> str:
    """What the report's metadata says, as an evaluator reads it (发布时间：逾期)."""
    from ..labels import ON_TIME, UNKNOWN

    shown = ON_TIME.get(value, str(value)) if field == "on_time" else (UNKNOWN if value is None else str(value))
    return f"{_FIELD_WORDS.get(field, field)}：{shown}"
