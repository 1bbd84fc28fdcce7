"""Batch scoring and ranking: a bad file never stops the others, ties share a rank, outputs read back."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from scorer.batch import output_names, safe_name
from scorer.ranking import competition_ranks
from tests.conftest import BROKEN_NAME, CHROMEDRIVER, TIE_NAME, cli, seed


def test_exit_code_and_the_failure_listed_everywhere(batch, batch_workbook):
    run, out = batch["run"], batch["out"]
    assert run.returncode == 1, run.stderr
    assert BROKEN_NAME in run.stderr and "不是有效的 .docx 文件" in run.stderr
    errors = json.loads((out / "errors.json").read_text("utf-8"))
    assert [Path(e["file"]).name for e in errors] == [BROKEN_NAME]
    ranking = json.loads((out / "ranking.json").read_text("utf-8"))
    assert ranking["n_failed"] == 1 and ranking["failures"][0]["error"].endswith(
        "not a valid .docx (not a zip archive); an old .doc must be saved as .docx first")
    csv_text = (out / "ranking.csv").read_text("utf-8-sig")
    assert BROKEN_NAME in csv_text and "未能评分" in csv_text
    assert BROKEN_NAME in (out / "index.html").read_text("utf-8")
    pdf_text = subprocess.run(["pdftotext", str(out / "ranking.pdf"), "-"], capture_output=True, text=True).stdout
    assert BROKEN_NAME in pdf_text
    assert batch_workbook["失败"]["A2"].value.endswith(BROKEN_NAME)


def test_ranks_within_years_with_a_tie(batch):
    ranking = json.loads((batch["out"] / "ranking.json").read_text("utf-8"))
    assert ranking["group_by"] == "year"
    groups = {g["key"]: g for g in ranking["groups"]}
    assert list(groups) == ["2020年度", "2022年度", "2023年度", "2024年度"]
    tie = groups["2023年度"]["entries"]
    assert [(e["rank"], e["file"]) for e in tie] == [(1, "001_402d724fb869edf1.txt"), (1, TIE_NAME)]
    assert [e["region"] for e in groups["2022年度"]["entries"]] == ["昌平区", "海港区"]
    assert [e["rank"] for e in groups["2022年度"]["entries"]] == [1, 2]
    assert "同分同名次" in ranking["tie_rule"]
    entry = groups["2022年度"]["entries"][1]
    assert entry["missing_parts"] == ["structure.duties", "structure.other"] and entry["flags"] == ["injected_text"]
    assert set(entry["area_ranks"]) == {a["id"] for a in ranking["areas"]}


def test_competition_ranking():
    assert competition_ranks([90, 80, 80, 70]) == [1, 2, 2, 4]
    assert competition_ranks([50.004, 50.001, 10]) == [1, 1, 3]


def test_csv_has_a_bom_and_reads_back(batch):
    data = (batch["out"] / "ranking.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:6] == ["分组", "名次", "地区", "上级", "年度", "总分"]
    regions = {r[2] for r in rows[1:] if len(r) > 2}
    assert {"昌平区", "东城区", "北碚区", "昌江区", "海港区"} <= regions


def test_xlsx_reads_back(batch_workbook):
    wb = batch_workbook
    assert wb.sheetnames[:4] == ["2020年度", "2022年度", "2023年度", "2024年度"]
    assert {"依据", "失败", "说明"} <= set(wb.sheetnames)
    review = list(wb["复核"].iter_rows(values_only=True))  # where evaluators record corrections
    assert review[0][-3:] == ("复核等级", "理由", "复核人") and len(review) > 1
    assert all(row[-3:] == (None, None, None) for row in review[1:])  # nothing reviewed yet
    ws = wb["2022年度"]
    assert ws.freeze_panes == "C2"
    header = [c.value for c in ws[1]]
    assert "总分" in header and "行政执法公示制度（等级）" in header
    assert ws.cell(row=2, column=header.index("地区") + 1).value == "昌平区"
    assert not ws.conditional_formatting  # a colour scale only where 5 rows or more compare (test_evaluator_outputs)
    evidence = wb["依据"]
    assert any(row[7] and "資訊" in row[7] for row in evidence.iter_rows(values_only=True))


def test_never_matched_criteria_are_listed(tmp_path):
    run = cli("score", seed("003"), "--out", tmp_path, "--format", "json")
    assert run.returncode == 0, run.stderr
    ranking = json.loads((tmp_path / "ranking.json").read_text("utf-8"))
    result = json.loads((tmp_path / seed("003").stem / "result.json").read_text("utf-8"))
    zeros = [c["id"] for c in result["criteria"] if c["level"] == 0 and c["applies"]]
    assert zeros and ranking["never_matched"] == zeros
    assert "structure.duties" in zeros and "没有任何报告达到以下指标" in run.stdout
    # A criterion bound to years the report does not cover was not missed: it did not apply.
    assert "enforcement.business_inspections" not in ranking["never_matched"]
    assert all(m["id"] != "enforcement.business_inspections" for m in ranking["most_missed"])


def test_incremental_rerun_reuses_every_unchanged_result(batch):
    run = cli("score", batch["inputs"], "--out", batch["out"])
    assert run.returncode == 1
    assert "已评分 6 份（其中沿用上次结果 6 份），未能评分 1 份；评分表：新生成 0 份，沿用 6 份" in run.stdout
    assert "排名文件：内容未变、未重写" in run.stdout
    assert not [ln for ln in run.stderr.splitlines() if ln.startswith("排名文件")]  # no export to follow


def test_same_stem_in_two_folders_gets_two_outputs(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / "in" / folder).mkdir(parents=True)
        shutil.copy(seed("003"), tmp_path / "in" / folder / "report.txt")
    run = cli("score", tmp_path / "in", "--out", tmp_path / "o", "--format", "json", "--jobs", "1")
    assert run.returncode == 0, run.stderr
    folders = sorted(p.name for p in (tmp_path / "o").iterdir() if p.is_dir())
    assert len(folders) == 2 and all(f.startswith("report-") for f in folders)


def test_names_are_safe_for_every_filesystem():
    assert safe_name('../../etc/pass"wd') == "etc_pass_wd"
    assert safe_name("北京市 东城区 2023") == "北京市_东城区_2023"
    assert safe_name("...") == "report"
    names = output_names([Path("x/a.txt"), Path("y/a.txt"), Path("z/b.txt")])
    assert names[Path("z/b.txt")] == "b" and len(set(names.values())) == 3


def _png_is_not_blank(png: bytes) -> bool:
    pos, raw = 8, b""
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind = png[pos + 4:pos + 8]
        if kind == b"IDAT":
            raw += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    pixels = zlib.decompress(raw)
    return len(set(pixels[::7])) > 8


@pytest.mark.skipif(not CHROMEDRIVER.exists(), reason="chromium-driver is installed by make test")
def test_index_page_sorts_by_a_clicked_column(batch, chromium):
    from selenium.webdriver.common.by import By

    driver = chromium
    driver.get((batch["out"] / "index.html").as_uri())
    tables = driver.find_elements(By.CSS_SELECTOR, "table.ranking")
    table = next(t for t in tables if "海港区" in t.text)

    def regions():
        return [r.find_elements(By.TAG_NAME, "td")[1].text.split()[0]
                for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]

    assert regions() == ["昌平区", "海港区"]
    total_header = next(th for th in table.find_elements(By.TAG_NAME, "th") if th.text.startswith("总分"))
    total_header.click()  # highest first
    total_header.click()  # lowest first
    assert regions() == ["海港区", "昌平区"]
    assert total_header.get_attribute("aria-sort") == "ascending"
    driver.find_element(By.ID, "filter").send_keys("海港")
    visible = [r for r in driver.find_elements(By.CSS_SELECTOR, "table.ranking tbody tr") if r.is_displayed()]
    assert len(visible) == 1
    assert _png_is_not_blank(driver.get_screenshot_as_png())


def test_a_result_from_another_scorer_version_is_scored_again(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(seed("003"), tmp_path / "in" / "r.txt")
    args = ("score", tmp_path / "in", "--out", tmp_path / "o", "--format", "json", "--jobs", "1")
    assert "已评分 1 份（其中沿用上次结果 0 份）" in cli(*args).stdout
    assert "已评分 1 份（其中沿用上次结果 1 份）" in cli(*args).stdout
    path = tmp_path / "o" / "r" / "result.json"
    result = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps(result | {"scorer_version": "0.0.1"}), "utf-8")
    assert "已评分 1 份（其中沿用上次结果 0 份）" in cli(*args).stdout


def test_outputs_name_criteria_by_title_not_id(batch):
    out = batch["out"]
    ranking = json.loads((out / "ranking.json").read_text("utf-8"))
    titles = {c["id"]: c["title"] for c in ranking["criteria"]}
    index = (out / "index.html").read_text("utf-8")
    page = index[:index.index("<script")] if "<script" in index else index
    assert "缺:" not in page and f"缺{titles['structure.duties']}" in page
    pdf_text = subprocess.run(["pdftotext", "-layout", str(out / "ranking.pdf"), "-"],
                              capture_output=True, text=True).stdout
    assert not [cid for cid in titles if cid in pdf_text]


def test_a_worker_whose_warm_up_fails_still_scores_its_report(tmp_path, monkeypatch):
    """A warm-up that fails leaves the error to the report, which meets it as its own (here it
    does not, and is scored): the worker's start never fails for it."""
    from scorer.batch import workers

    def failing(rubric):
        raise RuntimeError("warm-up failed")

    monkeypatch.setattr(workers, "warm_up_scoring", failing)
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(seed("001"), inputs)
    run = cli("score", inputs, "--format", "json", "--out", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert len(list((tmp_path / "out").glob("*/result.json"))) == 1


@pytest.mark.parametrize("reports", [1, 2])
def test_the_parent_warms_up_for_shared_workers_only_and_prepares_the_exports_while_they_score(
        reports, tmp_path, monkeypatch):
    """Workers forked after the parent loaded the dictionary share it; one report is scored by
    one worker, which warms itself while the parent imports what the exports need, before the
    report's time limit runs (the load is not the report's time)."""
    import os
    import signal

    from scorer import exports
    from scorer.batch import pipeline, workers

    calls = []
    monkeypatch.setattr(pipeline, "warm_up_scoring", lambda rubric: calls.append("warm-up"))
    real_prepare = exports.prepare
    monkeypatch.setattr(exports, "prepare", lambda *a: (calls.append("prepare"), real_prepare(*a)))
    in_worker = tmp_path / "warmed-in-worker"  # the worker is another process: it leaves a line here
    real_warm_up = workers.warm_up_scoring

    def worker_warm_up(rubric):
        with in_worker.open("a") as fh:
            fh.write(f"{os.getpid()} {signal.getitimer(signal.ITIMER_REAL)[0]}\n")
        real_warm_up(rubric)

    monkeypatch.setattr(workers, "warm_up_scoring", worker_warm_up)
    inputs = tmp_path / "in"
    inputs.mkdir()
    for p in [seed("001"), seed("002")][:reports]:
        shutil.copy(p, inputs / p.name)
    assert cli("score", inputs, "--format", "json", "--out", tmp_path / "out").returncode == 0
    assert calls == (["prepare"] if reports == 1 else ["warm-up", "prepare"])
    warmed = in_worker.read_text().splitlines() if in_worker.exists() else []
    if reports == 1:  # once, in the worker, no alarm set yet
        assert len(warmed) == 1 and warmed[0].split() == [warmed[0].split()[0], "0.0"]
        assert warmed[0].split()[0] != str(os.getpid())
    else:
        assert warmed == []
    assert len(list((tmp_path / "out").glob("*/result.json"))) == reports


def test_the_console_follows_each_phase(batch):
    """Off a terminal, one line per step of each phase (a tenth of it in a big batch): the
    exports too, which take seconds after the last report of a batch of thousands."""
    lines = batch["run"].stderr.splitlines()
    assert "评分 7/7，失败 1" in lines and "评分表 6/6，失败 0" in lines
    assert [ln for ln in lines if ln.startswith("排名文件 ")] == [f"排名文件 {i}/5" for i in range(6)]
