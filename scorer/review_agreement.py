"""Two evaluators' review records over the same batch: how far they agree with each other
and with the machine (exact share and QWK), and the items they differ on, for adjudication."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .evaluate import K, qwk
from .review import Record, latest_entries

Item = tuple[str, str]  # (file, criterion)


@dataclass(frozen=True)
class Pair:
    """How far two sets of levels agree over the items both judged."""

    n: int
    exact: float  # share of items with the same level (0 when n is 0)
    qwk: float


@dataclass(frozen=True)
class Difference:
    file: str
    criterion: str
    level_a: int
    level_b: int
    reason_a: str
    reason_b: str


@dataclass(frozen=True)
class ReviewAgreement:
    between: Pair  # A with B
    a_machine: Pair | None  # each with the machine, when its levels are given
    b_machine: Pair | None
    differences: tuple[Difference, ...]  # for adjudication, by file and criterion

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def machine_levels(results: list[dict[str, Any]]) -> dict[Item, int]:
    """The machine's level of every criterion that applies, by (file, criterion)."""
    return {(r["input"]["file"], c["id"]): c["level"]
            for r in results for c in r["criteria"] if c.get("applies", True)}


def _levels(record: Record, machine: dict[Item, int] | None) -> dict[Item, tuple[int, str]]:
    """Each item's level and reason in one record: its latest entry; a confirmation counts as
    the machine's level, and is left out when the machine's levels are not given."""
    out: dict[Item, tuple[int, str]] = {}
    for item, e in latest_entries(list(record.entries)).items():
        level = e.level if not e.confirm else (machine or {}).get(item)
        if level is not None:
            out[item] = (level, e.reason)
    return out


def _pair(a: dict[Item, int], b: dict[Item, int]) -> Pair:
    both = sorted(set(a) & set(b))
    confusion = [[0] * K for _ in range(K)]
    for item in both:
        confusion[a[item]][b[item]] += 1
    exact = sum(confusion[i][i] for i in range(K))
    return Pair(len(both), round(exact / len(both), 4) if both else 0.0, round(qwk(confusion), 4))


def review_agreement(a: Record, b: Record, machine_levels: dict[Item, int] | None = None) -> ReviewAgreement:
    """Agreement of two evaluators' records over the same batch (exact share and QWK over the
    items both reviewed), each with the machine when its levels are given (`machine_levels(results)`),
    and where they differ. An item is a file name and a criterion; each record's latest entry
    on it counts."""
    la, lb = _levels(a, machine_levels), _levels(b, machine_levels)
    levels_a = {k: v[0] for k, v in la.items()}
    levels_b = {k: v[0] for k, v in lb.items()}
    differences = tuple(Difference(f, c, la[(f, c)][0], lb[(f, c)][0], la[(f, c)][1], lb[(f, c)][1])
                        for f, c in sorted(set(la) & set(lb)) if la[(f, c)][0] != lb[(f, c)][0])
    with_machine = machine_levels is not None
    return ReviewAgreement(_pair(levels_a, levels_b),
                           _pair(levels_a, machine_levels) if with_machine else None,
                           _pair(levels_b, machine_levels) if with_machine else None,
                           differences)
