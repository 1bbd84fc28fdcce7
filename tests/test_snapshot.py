"""The engine's judgments on the seeds and the dev set match the frozen snapshot
(tests/data/engine_snapshot.json, written by tools/snapshot.py): levels, points,
evidence offsets and totals. A change for speed must leave every one of them as it was."""

from __future__ import annotations

import json

import pytest

from tools.snapshot import SETS, SNAPSHOT, differences, take


def test_the_snapshot_covers_every_seed():
    frozen = json.loads(SNAPSHOT.read_text("utf-8"))
    assert sorted(frozen["seeds"]) == sorted(p.name for p in SETS["seeds"].glob("*.txt"))
    assert all(r["criteria"] for r in frozen["seeds"].values())


@pytest.mark.parametrize("name", sorted(SETS))
def test_judgments_match_the_snapshot(name):
    if not SETS[name].is_dir():
        pytest.skip(f"{SETS[name]} is not beside this clone")
    frozen = json.loads(SNAPSHOT.read_text("utf-8"))
    now = take({name: SETS[name]})
    assert differences(frozen, now) == []
    assert now[name].keys() == frozen[name].keys()


def test_a_moved_judgment_is_reported():
    frozen = json.loads(SNAPSHOT.read_text("utf-8"))
    report = sorted(frozen["seeds"])[0]
    moved = json.loads(json.dumps(frozen))
    cid = sorted(moved["seeds"][report]["criteria"])[0]
    moved["seeds"][report]["criteria"][cid][0] += 1
    assert differences(frozen, moved) == [
        f"seeds/{report} {cid}: {frozen['seeds'][report]['criteria'][cid]} → {moved['seeds'][report]['criteria'][cid]}"]
