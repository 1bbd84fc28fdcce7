"""Every rule kind against its own cases: tests/rules/<kind>.yaml.

Each file holds `matches` (a rule, a short report, the level its criterion gets,
optionally a fragment of why and the rule's line in `scorer rubric docs`) and
`invalid` (a rule, or `rules`, and a fragment of the problem `rubric check`
reports). A registered kind without its file fails, and so does a file for no kind.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scorer.document import document_from_text
from scorer.errors import RubricError
from scorer.matcher import match_document
from scorer.rubric import load_rubric
from scorer.rules import RULES, DocumentRule, MatchingRule

CASES_DIR = Path(__file__).parent / "rules"
CASE_FILES = {path.stem: yaml.safe_load(path.read_text("utf-8")) for path in sorted(CASES_DIR.glob("*.yaml"))}
EXAMPLES = [{"text": "示例。", "level": 1}, {"text": "无关。", "level": 0}]


def _cases(section: str) -> list:
    return [pytest.param(kind, case, id=f"{kind}: {case['name']}")
            for kind, cases in CASE_FILES.items() for case in cases.get(section) or []]


def _rubric(tmp_path: Path, rules: list):
    """A rubric of one criterion `c` holding `rules`, written out and loaded as an evaluator's
    would be (a rubric of part or metadata rules only looks for no word at all)."""
    doc = {"id": "kinds", "title": "rule kinds", "version": "1", "total": 10,
           "areas": [{"id": "a", "title": "a", "points": 10}],
           "criteria": [{"id": "c", "title": "c", "area": "a", "points": 10, "rules": rules, "examples": EXAMPLES}]}
    path = tmp_path / "kinds.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return load_rubric(path)


def test_every_registered_kind_has_its_cases_and_every_case_file_a_kind():
    assert set(CASE_FILES) == set(RULES)
    for kind, cases in CASE_FILES.items():
        assert cases.get("matches") and cases.get("invalid"), f"tests/rules/{kind}.yaml needs both sections"


@pytest.mark.parametrize("kind", sorted(RULES))
def test_every_kind_keeps_the_contract(kind):
    cls = RULES[kind]
    assert cls.name == kind
    assert (cls.__doc__ or "").startswith(f"`{kind}:"), "the docstring is the kind's reference"
    assert issubclass(cls, MatchingRule) != issubclass(cls, DocumentRule)
    assert cls.top_level == (2 if issubclass(cls, DocumentRule) else 3)


@pytest.mark.parametrize(("kind", "case"), _cases("matches"))
def test_a_rule_gives_its_level(kind, case, tmp_path):
    rubric = _rubric(tmp_path, case.get("rules") or [case["rule"]])
    criterion = rubric.criterion("c")
    assert [type(r) for r in criterion.rules] == [RULES[kind]]
    match = match_document(document_from_text(case["text"]), rubric)["c"]
    assert match.level == case["level"], match.summary
    assert match.level <= criterion.top_level
    if "why" in case:
        assert case["why"] in match.summary
    if "describe" in case:
        assert criterion.rules[0].describe() == case["describe"]


@pytest.mark.parametrize(("kind", "case"), _cases("invalid"))
def test_a_broken_rule_is_refused_with_its_problem(kind, case, tmp_path):
    with pytest.raises(RubricError) as exc:
        _rubric(tmp_path, case.get("rules") or [case["rule"]])
    problems = exc.value.problems
    assert any(case["error"] in p for p in problems), problems
    assert all(p.startswith(f"{tmp_path / 'kinds.yaml'}:") for p in problems), "each problem names its line"


@pytest.mark.parametrize(("rule", "error"), [
    ("terms", "expected a rule mapping with one of: terms, all_of, near, part, metadata; got 'terms'"),
    ({"tems": ["公示"]}, "unknown key 'tems'; allowed: terms, all_of, near, part, metadata, unless"),
    ({"unless": ["公示"]}, "a rule needs exactly one kind of: terms, all_of, near, part, metadata; found none"),
    ({"terms": ["公示"], "part": "problems"}, "found ['terms', 'part']"),
])
def test_the_dispatch_names_the_kinds(rule, error, tmp_path):
    with pytest.raises(RubricError) as exc:
        _rubric(tmp_path, [rule])
    assert any(error in p for p in exc.value.problems), exc.value.problems
