"""The review page (`scorer review serve`): reviews written to the record, refused input
with its message and the record unchanged, the token and Host checks, the scorecard
re-rendered, and the whole round in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path

import pytest

from scorer.errors import UserError
from scorer.review import load_review
from scorer.review_page import make_app, make_server
from scorer.review_tools import apply_review
from scorer.rubric import load_rubric
from tests.conftest import CHROMEDRIVER, SEEDS, cli, seed

REPORT = "000_b8ab45718342a264"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "out"
    assert cli("score", SEEDS, "--out", out, "--format", "json").returncode == 0
    return out


@pytest.fixture
def app(out, tmp_path):
    return make_app(out, tmp_path / "review.yaml")


@pytest.fixture
def client(app):
    return app.test_client()


def _result(out, name=REPORT):
    return json.loads((out / name / "result.json").read_text("utf-8"))


def _criterion(result, level, top=3):
    return next(c for c in result["criteria"] if c["applies"] and c["level"] == level and c["top_level"] == top)


def _post(client, app, criterion, name=REPORT, **fields):
    form = {"token": app.config["TOKEN"], "criterion": criterion, "level": "1", "reason": "只有原则性表述",
            "reviewer": "张三", "quote": ""} | fields
    return client.post(f"/report/{name}/review", data={k: v for k, v in form.items() if v is not None})


def _total(page: str) -> float:
    return float(re.search(r'id="total">([\d.]+)<', page)[1])


def _review_file(app) -> Path:
    return app.extensions["review_batch"].review_path


# --- a review written ----------------------------------------------------------------------

def test_a_level_set_is_in_the_record_and_the_page_shows_the_new_points_and_total(app, client, out):
    result = _result(out)
    c = _criterion(result, 3)
    response = _post(client, app, c["id"], level="1")
    assert response.status_code == 303
    [entry] = load_review(_review_file(app)).entries
    assert (entry.file, entry.sha256, entry.criterion, entry.level, entry.reason, entry.reviewer) == (
        result["input"]["file"], result["input"]["sha256"], c["id"], 1, "只有原则性表述", "张三")
    expected = apply_review(result, [entry], load_rubric(result["rubric"]["path"]))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _total(page) == expected["total"] < result["total"]
    assert f"已保存：{c['title']} 定为 1 泛泛提及" in page and f"总分 {expected['total']:g}（机器评分" in page
    assert "人工复核：1 泛泛提及" in page
    assert json.loads((out / REPORT / "result.json").read_text("utf-8")) == result  # never rewritten
    batch_page = client.get("/").get_data(as_text=True)
    assert f">{expected['total']:g}<" in batch_page and "1 / 30" in batch_page


def test_a_confirmation_marks_the_criterion_reviewed_and_keeps_the_total(app, client, out):
    result = _result(out)
    c = _criterion(result, 2)
    assert _post(client, app, c["id"], level="confirm", reason="举措具体").status_code == 303
    [entry] = load_review(_review_file(app)).entries
    assert entry.confirm
    page = client.get(f"/report/{REPORT}").get_data(as_text=True)
    assert _total(page) == result["total"] and "（确认机器等级）" in page


def test_a_quote_selected_in_the_report_is_kept_with_its_offsets_and_highlighted(app, client, out):
    result = _result(out)
    c = _criterion(result, 3)
    text = seed("000").read_text("utf-8")
    quote = c["evidence"][0]["quote"][:12]
    assert _post(client, app, c["id"], level="2", quote=quote).status_code == 303
    [entry] = load_review(_review_file(app)).entries
    assert text[entry.quote.start:entry.quote.end] == quote
    page = client.get(f"/report/{REPORT}").get_data(as_text=True)
    assert f'<span id="rq-{c["id"]}"></span><mark class="rq"' in page


def test_the_evidence_and_rejected_hits_are_marked_at_their_offsets(client, out):
    result = _result(out)
    page = client.get(f"/report/{REPORT}").get_data(as_text=True)
    c = next(c for c in result["criteria"] if c["evidence"] and c["rejected"])
    ev, rej = c["evidence"][0], c["rejected"][0]
    assert f'<span id="ev-{c["id"]}-0"></span><mark class="ev"' in page
    assert f'<span id="rej-{c["id"]}-0"></span>' in page
    text = re.search(r'<section class="text" id="text"[^>]*>(.*?)</section>', page, re.S)[1]
    plain = re.sub(r"<[^>]+>", "", text)
    assert plain == seed("000").read_text("utf-8")  # the full text, nothing added or lost
    assert plain[ev["start"]:ev["end"]] == ev["quote"] and plain[rej["start"]:rej["end"]] == rej["quote"]


# --- refused input -------------------------------------------------------------------------

REFUSALS = [
    ({"level": "7"}, "复核等级 7 无效"),
    ({"level": "高"}, "复核等级 高 无效"),
    ({"level": None}, "复核等级 （空） 无效"),
    ({"reason": "   "}, "理由为空"),
    ({"reviewer": ""}, "复核人为空"),
    ({"criterion": "duties.nonexistent"}, "没有指标 duties.nonexistent"),
    ({"quote": "本报告从未写过的一句话"}, "引文在报告中找不到"),
]


@pytest.mark.parametrize(("fields", "message"), REFUSALS)
def test_bad_input_is_refused_with_its_message_and_the_record_unchanged(app, client, out, fields, message):
    c = _criterion(_result(out), 3)
    assert _post(client, app, c["id"], level="2", reason="第一条").status_code == 303
    before = _review_file(app).read_bytes()
    response = _post(client, app, **({"criterion": c["id"]} | fields))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and "未保存" in page
    assert _review_file(app).read_bytes() == before


def test_a_level_above_the_criterions_top_and_a_criterion_outside_its_years_are_refused(app, client, out):
    result = _result(out, "002_d61b1cf0558df1ae")  # a 2020 report: 涉企行政检查 applies from 2025
    structure = _criterion(result, 2, top=2)
    response = _post(client, app, structure["id"], name="002_d61b1cf0558df1ae", level="3")
    assert response.status_code == 400 and "请选择 0–2 之间的等级" in response.get_data(as_text=True)
    na = next(c for c in result["criteria"] if not c["applies"])
    response = _post(client, app, na["id"], name="002_d61b1cf0558df1ae", level="1")
    assert response.status_code == 400 and "该指标不适用于本报告所涉年度" in response.get_data(as_text=True)
    assert not _review_file(app).exists()


@pytest.mark.parametrize("token", [None, "", "forged"])
def test_a_post_without_the_servers_token_is_refused(app, client, out, token):
    response = _post(client, app, _criterion(_result(out), 3)["id"], token=token)
    assert response.status_code == 403 and "令牌" in response.get_data(as_text=True)
    response = client.post(f"/report/{REPORT}/scorecard", data={} if token is None else {"token": token})
    assert response.status_code == 403
    assert not _review_file(app).exists() and not (app.extensions["review_batch"].out_dir / REPORT
                                                   / "scorecard.html").exists()


def test_other_hosts_and_cross_site_origins_are_refused(app, client, out):
    assert client.get("/", headers={"Host": "evil.example:8000"}).status_code == 400
    c = _criterion(_result(out), 3)["id"]
    response = client.post(f"/report/{REPORT}/review", headers={"Origin": "http://evil.example"},
                           data={"token": app.config["TOKEN"], "criterion": c, "level": "1", "reason": "x",
                                 "reviewer": "x"})
    assert response.status_code == 403 and not _review_file(app).exists()
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_a_report_name_is_looked_up_never_joined_into_a_path(client):
    for name in ("..", "..%2F..%2Fetc", "nonexistent"):
        assert client.get(f"/report/{name}").status_code == 404


def test_the_server_binds_the_local_machine_only(out, tmp_path):
    with pytest.raises(UserError, match="只在本机"):
        make_server(out, review_path=tmp_path / "r.yaml", host="0.0.0.0")
    server = make_server(out, review_path=tmp_path / "r.yaml")
    try:
        assert server.host == "127.0.0.1" and server.server_port > 0
        assert server.app.config["ALLOWED_HOSTS"] == {f"127.0.0.1:{server.server_port}",
                                                      f"localhost:{server.server_port}"}
    finally:
        server.server_close()


# --- untrusted and changed reports ---------------------------------------------------------

def test_report_text_is_escaped(tmp_path):
    report = tmp_path / "in" / "r.txt"
    report.parent.mkdir()
    report.write_text(seed("000").read_text("utf-8") + "\n<script>alert(1)</script><b>加粗</b>\n", "utf-8")
    assert cli("score", report, "--out", tmp_path / "out", "--format", "json").returncode == 0
    page = make_app(tmp_path / "out").test_client().get("/report/r").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;加粗&lt;/b&gt;" in page and "<script>alert" not in page


def test_a_changed_report_is_shown_as_such_and_cannot_be_reviewed(tmp_path):
    report = tmp_path / "in" / "r.txt"
    report.parent.mkdir()
    shutil.copy(seed("003"), report)
    assert cli("score", report, "--out", tmp_path / "out", "--format", "json").returncode == 0
    report.write_text(report.read_text("utf-8") + "\n补充一句。\n", "utf-8")
    app = make_app(tmp_path / "out")
    client = app.test_client()
    page = client.get("/report/r").get_data(as_text=True)
    assert "已更改（sha256 不同）" in page and 'class="review-form"' not in page
    c = _criterion(_result(tmp_path / "out", "r"), 3)["id"]
    response = _post(client, app, c, name="r")
    assert response.status_code == 400 and "已更改" in response.get_data(as_text=True)
    assert not (tmp_path / "out" / "review.yaml").exists()


# --- the scorecard -------------------------------------------------------------------------

def test_the_scorecard_is_rendered_from_the_reviewed_result(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "in", ignore=lambda d, names: [n for n in names if not n.startswith("003")])
    assert cli("score", tmp_path / "in", "--out", tmp_path / "out", "--format", "json").returncode == 0
    folder = next((tmp_path / "out").iterdir())
    app = make_app(tmp_path / "out")
    client = app.test_client()
    result = _result(tmp_path / "out", folder.name)
    c = _criterion(result, 3)
    quote = c["evidence"][0]["quote"][:10]
    assert _post(client, app, c["id"], name=folder.name, level="0", quote=quote).status_code == 303
    reviewed = _total(client.get(f"/report/{folder.name}").get_data(as_text=True))
    response = client.post(f"/report/{folder.name}/scorecard", data={"token": app.config["TOKEN"]})
    assert response.status_code == 303
    assert "已重新生成评分卡" in client.get(response.headers["Location"]).get_data(as_text=True)
    html = (folder / "scorecard.html").read_text("utf-8")
    assert f"{reviewed:.1f}" in html and f"{result['total']:.1f}" not in html.split("总分", 1)[1][:80]
    assert "【人工复核】" in html and (folder / "scorecard.pdf").read_bytes().startswith(b"%PDF")
    assert _result(tmp_path / "out", folder.name) == result


# --- in the browser ------------------------------------------------------------------------

@pytest.mark.skipif(not CHROMEDRIVER.exists(), reason="chromium-driver is installed by make test")
def test_in_chromium_a_level_set_changes_the_total_is_recorded_and_kept_on_reload(out, tmp_path, chromium):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import Select, WebDriverWait

    out = shutil.copytree(out, tmp_path / "out")  # the module's batch, scored alike; its record is this test's
    server = make_server(out)  # review.yaml in OUT_DIR, a free port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    driver = chromium
    driver.set_window_size(1400, 900)
    driver.implicitly_wait(5)  # elements of a page still loading after a post
    try:
        driver.get(f"http://127.0.0.1:{server.server_port}/")
        driver.find_element(By.LINK_TEXT, "昌平区 2022 年度").click()
        total = driver.find_element(By.ID, "total")
        before = float(total.text)
        c = _criterion(_result(out), 3)
        card = driver.find_element(By.ID, f"c-{c['id']}")
        quote = c["evidence"][0]["quote"][:8]
        driver.execute_script(  # the evaluator selects the words in the report text
            "const mark = document.getElementById(arguments[0]).nextElementSibling;"
            "const range = document.createRange(); range.setStart(mark.firstChild, 0);"
            "range.setEnd(mark.firstChild, arguments[1]);"
            "getSelection().removeAllRanges(); getSelection().addRange(range);", f"ev-{c['id']}-0", len(quote))
        card.find_element(By.CLASS_NAME, "use-selection").click()
        assert card.find_element(By.NAME, "quote").get_attribute("value") == quote
        Select(card.find_element(By.NAME, "level")).select_by_value("1")
        card.find_element(By.NAME, "reason").send_keys("只有原则性表述,未见具体举措")
        card.find_element(By.NAME, "reviewer").send_keys("张三")
        card.find_element(By.CLASS_NAME, "save").click()
        WebDriverWait(driver, 10, poll_frequency=0.05).until(expected_conditions.staleness_of(total))  # the page after the post
        after = float(driver.find_element(By.ID, "total").text)
        assert after < before and "已保存" in driver.find_element(By.CLASS_NAME, "ok").text
        [entry] = load_review(out / "review.yaml").entries
        assert (entry.criterion, entry.level, entry.reviewer, entry.quote.text) == (c["id"], 1, "张三", quote)
        driver.refresh()
        assert float(driver.find_element(By.ID, "total").text) == after
        card = driver.find_element(By.ID, f"c-{c['id']}")
        assert "人工复核：1 泛泛提及" in card.text and "只有原则性表述" in card.text
        assert "reviewed" in card.get_attribute("class")
        driver.save_screenshot(str(tmp_path / "review.png"))
        assert len((tmp_path / "review.png").read_bytes()) > 10_000
    finally:
        server.shutdown()
        server.server_close()


def test_serve_prints_its_address_and_opens_the_browser_only_when_asked(out, tmp_path, monkeypatch, capsys):
    import scorer.review_page as page

    opened, served = [], []

    def stop(self):  # Ctrl-C at once
        served.append(self.server_port)
        raise KeyboardInterrupt

    monkeypatch.setattr("werkzeug.serving.BaseWSGIServer.serve_forever", stop)
    monkeypatch.setattr(page.webbrowser, "open", opened.append)
    for open_browser in (False, True):
        page.serve(out, review_path=tmp_path / "r.yaml", open_browser=open_browser)
        url = f"http://127.0.0.1:{served[-1]}/"
        assert url in capsys.readouterr().out
    for _ in range(50):
        if opened:
            break
        threading.Event().wait(0.02)  # the browser is opened from a thread
    assert opened == [url]
