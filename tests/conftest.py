from __future__ import annotations

import html
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _caches(tmp_path_factory):
    """The tests' caches (dictionary, rubrics, documents) in a folder of their own, for the
    commands they run in this process and in the processes they start: never the user's."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SCORER_CACHE_DIR", str(tmp_path_factory.mktemp("scorer-cache")))
        yield


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def seed_paths() -> dict[str, Path]:
    return {p.name[:3]: p for p in sorted(SEEDS.glob("*.txt"))}


def make_docx(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(path)
    return path


def make_pdf(text: str, path: Path) -> Path:
    from weasyprint import HTML

    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    page = (
        "<html><head><style>@page{size:A4;margin:2cm} body{font-family:'WenQuanYi Micro Hei';"
        "font-size:11pt} p{margin:0 0 .4em 0}</style></head><body>" + body + "</body></html>"
    )
    HTML(string=page).write_pdf(path)
    return path


def make_html(text: str, path: Path, encoding: str = "utf-8") -> Path:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.splitlines() if line.strip())
    page = f"""<!DOCTYPE html><html><head><meta charset="{encoding}"><title>法治政府建设年度报告</title>
<style>body {{ color: #333 }} .nav {{ float: left }}</style>
<script>var tracker = "当前位置 首页 政务公开"; document.write(tracker);</script></head>
<body><div class="nav"><nav><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 法治政府建设</nav></div>
<div class="article"><h1>法治政府建设年度报告</h1>
<div class="content">{paragraphs}</div></div>
<footer>版权所有 网站标识码 联系我们</footer></body></html>"""
    path.write_bytes(page.encode(encoding))
    return path


BROKEN_NAME = "broken.docx"
TIE_NAME = "001_copy.txt"


def once_per_run(tmp_path_factory, name: str, make):
    """`make(folder)`'s value (JSON), made once for the whole test run whichever worker asks
    first, in a folder the workers share: under pytest-xdist each worker would make a
    session fixture again. The others wait for it, then read what it made."""
    import fcntl
    import json
    import os
    import shutil

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # this run's folder, above each worker's own
    folder, made = root / name, root / f"{name}.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not made.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a worker that failed at it left
            folder.mkdir()
            partial = root / f"{name}.json.part"
            partial.write_text(json.dumps(make(folder)), "utf-8")
            partial.replace(made)  # whole or absent, if the worker dies writing it
        return json.loads(made.read_text("utf-8"))


@pytest.fixture(scope="session")
def batch(tmp_path_factory):
    """One batch over the seeds, a copy of seed 001 (a tie) and a broken .docx: scorecards and
    rankings, made once for all workers. Tests only read it; at most one may score it again
    (unchanged: it writes nothing), as its folder's lock turns a second run away at once."""
    import shutil
    import subprocess
    import sys

    def make(folder: Path) -> dict:
        inputs, out = folder / "inputs", folder / "batch"
        inputs.mkdir()
        for path in SEEDS.glob("*.txt"):
            shutil.copy(path, inputs / path.name)
        (inputs / "more").mkdir()
        shutil.copy(seed("001"), inputs / "more" / TIE_NAME)
        (inputs / "more" / BROKEN_NAME).write_bytes(b"this is not a zip archive")
        args = [sys.executable, "-m", "scorer", "score", str(inputs), "--out", str(out), "--jobs", "2"]
        run = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
        return {"inputs": str(inputs), "out": str(out), "args": args, "returncode": run.returncode,
                "stdout": run.stdout, "stderr": run.stderr}

    made = once_per_run(tmp_path_factory, "seeds-batch", make)
    run = subprocess.CompletedProcess(made["args"], made["returncode"], made["stdout"], made["stderr"])
    return {"inputs": Path(made["inputs"]), "out": Path(made["out"]), "run": run}


@pytest.fixture(scope="session")
def batch_workbook(batch):
    """The batch's ranking.xlsx as openpyxl reads it, read once (150 ms a time) for the tests
    that only look at it: none of them writes to it."""
    from openpyxl import load_workbook

    return load_workbook(batch["out"] / "ranking.xlsx")


CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="session")
def _chromium_session(tmp_path_factory):
    """One headless Chromium for the tests that drive a page: starting one takes over a second.
    The pages keep nothing in the browser (no cookie, no storage), and each test opens its own."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def chromium(_chromium_session):
    """The shared Chromium, on a blank page with no cookie, at 1280×900, waiting for no element."""
    driver = _chromium_session
    driver.get("about:blank")
    driver.delete_all_cookies()
    driver.implicitly_wait(0)
    driver.set_window_size(1280, 900)
    yield driver
    driver.implicitly_wait(0)
    driver.get("about:blank")


class CliResult:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def cli(*args) -> CliResult:
    """Run `scorer ARGS` in this process (fast: warm caches), from the project folder."""
    import os

    from typer.testing import CliRunner

    from scorer.cli import app

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(here)
    return CliResult(result.exit_code, result.stdout, result.stderr)


def assert_offsets_map_back(text: str, doc, rubric) -> None:
    """Every normalised character maps into the original, in order; every sentence and
    every piece of evidence quotes the original exactly at its offsets."""
    from scorer.matcher import match_document

    n = doc.norm
    assert len(n.starts) == len(n.ends) == len(n.text)
    for i in range(len(n.text)):
        assert 0 <= n.starts[i] < n.ends[i] <= len(text)
        if i:
            assert n.starts[i] >= n.starts[i - 1]
    for s in doc.sentences:
        a, b = doc.original_span(s.start, s.end)
        assert doc.quote(s.start, s.end) == text[a:b]
    for m in match_document(doc, rubric).values():
        for e in m.evidence:
            assert e.quote == text[e.start:e.end].strip()
