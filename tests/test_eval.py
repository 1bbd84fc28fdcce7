"""Agreement with the evaluator's calibration judgments, measured by the tool itself."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from scorer.evaluate import qwk
from tests.conftest import ROOT, SHARED, cli

GOLD = SHARED / "gold" / "seeds.yaml"


def test_qwk_of_perfect_and_opposite_agreement():
    perfect = [[3, 0, 0, 0], [0, 2, 0, 0], [0, 0, 4, 0], [0, 0, 0, 5]]
    assert qwk(perfect) == pytest.approx(1.0)
    opposite = [[0, 0, 0, 3], [0, 0, 3, 0], [0, 3, 0, 0], [3, 0, 0, 0]]
    assert qwk(opposite) == pytest.approx(-1.0)


@pytest.mark.skipif(not GOLD.exists(), reason="the shared gold file is not beside the project")
def test_default_rubric_agrees_with_the_gold_judgments():
    out = subprocess.run([sys.executable, "-m", "scorer", "eval", str(GOLD), "--reports", "seeds", "--json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["n"] == 69
    assert result["exact_agreement"] >= 0.90
    assert result["qwk"] >= 0.90
    assert result["metadata_agreement"] == 1.0
    assert result["flag_agreement"] == 1.0
    assert {"within_one", "disagreements", "confusion", "per_criterion", "per_report"} <= set(result)


def test_eval_of_a_missing_report_is_one_line(tmp_path):
    gold = tmp_path / "gold.yaml"
    gold.write_text("reports:\n  nope.txt: {judgments: {duties.study: 1}}\n", "utf-8")
    out = cli("eval", gold, "--reports", "seeds")
    assert out.returncode == 2 and "nope.txt" in out.stderr and "Traceback" not in out.stderr
