"""Benchmarks (`make bench`): speed and memory targets live here, not in timed tests.

Writes the measured numbers, with the command that produced them, to docs/benchmarks.md.
Sections: scorecard rendering (warm and cold) and, when --batch is given, the batch.
"""

from __future__ import annotations

import argparse
import html
import json
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_times(fns: dict, repeat: int) -> dict:
    """Median wall time of each function, run in turns (one of each per round).

    Taking turns puts every function through the same swings of a shared
    machine, so their ratios are steadier than those of back-to-back series.
    """
    for fn in fns.values():
        fn()  # warm
    times: dict = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(ts) for name, ts in times.items()}


def bench_scorecard(repeat: int) -> dict:
    from weasyprint import HTML

    from scorer.render import html_to_pdf, render_html
    from scorer.result import score_file
    from scorer.rubric import load_rubric

    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    result = score_file(seed, load_rubric())
    text = seed.read_text("utf-8")
    bare = ("<html><body style=\"font-family:'WenQuanYi Micro Hei'; font-size: 10pt\">"
            + "".join(f"<p>{text[i * 300:(i + 1) * 300]}</p>" for i in range(5)) + "</body></html>")
    assert len(HTML(string=bare).render().pages) == 1
    card_html = render_html(result)
    card_pages = len(HTML(string=card_html).render().pages)
    plain = _as_plain_paragraphs(card_html)
    medians = median_times({"bare": lambda: HTML(string=bare).write_pdf(),
                            "card": lambda: html_to_pdf(render_html(result)),
                            "plain": lambda: HTML(string=plain).write_pdf()}, repeat)
    bare_s, card_s, plain_s = medians["bare"], medians["card"], medians["plain"]
    cold = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([str(ROOT / ".venv" / "bin" / "scorer"), "score", str(seed), "--out", "/tmp/scorer-bench-cold"],
                       check=True, capture_output=True)
        cold.append(time.perf_counter() - t)
    return {"bare_page_s": round(bare_s, 3), "scorecard_s": round(card_s, 3), "ratio": round(card_s / bare_s, 2),
            "scorecard_pages": card_pages, "criteria": len(result["criteria"]),
            "per_page_ratio": round(card_s / card_pages / bare_s, 2),
            "plain_text_s": round(plain_s, 3), "plain_text_ratio": round(plain_s / bare_s, 2),
            "plain_text_chars": len(re.sub(r"<[^>]+>", "", plain)),
            "cold_score_one_report_s": round(statistics.median(cold), 2), "report": seed.name}


def _as_plain_paragraphs(card_html: str) -> str:
    """The scorecard's visible text, one plain paragraph per line, in the same font.

    What the scorecard would cost if it were only its words: the floor that no
    layout choice can go below.
    """
    body = re.sub(r"<style>.*?</style>|<svg.*?</svg>", "", card_html, flags=re.S).split("<body>", 1)[1]
    lines = [ln.strip() for ln in html.unescape(re.sub(r"<[^>]+>", "", body)).splitlines() if ln.strip()]
    return ("<html><body style=\"font-family:'WenQuanYi Micro Hei'; font-size: 9pt\">"
            + "".join(f"<p>{html.escape(ln)}</p>" for ln in lines) + "</body></html>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--batch", type=int, default=0, help="also run the batch benchmark with N reports")
    parser.add_argument("--write", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    results = {"scorecard": bench_scorecard(args.repeat)}
    if args.batch:
        from tools.bench_batch import bench_batch

        results["batch"] = bench_batch(args.batch)
    print(json.dumps(results, indent=1, ensure_ascii=False))
    write_markdown(results, args)


def write_markdown(results: dict, args) -> None:
    s = results["scorecard"]
    cmd = "make bench" if not args.batch else f".venv/bin/python tools/bench.py --batch {args.batch}"
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `{cmd}` on {platform.machine()}, {_cpus()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}. Medians of {args.repeat} warm runs after one warm-up, the "
        "scorecard, the bare page and the plain text taking turns.",
        "",
        "## Scorecard rendering",
        "",
        "| measure | value |",
        "|---|---|",
        f"| bare one-page WeasyPrint render, same font (WenQuanYi Micro Hei) | {s['bare_page_s']} s |",
        f"| one scorecard ({s['scorecard_pages']} pages: template + PDF), warm process | {s['scorecard_s']} s |",
        f"| ratio scorecard / bare page (goal ≤ 1.5) | {s['ratio']} |",
        f"| ratio per scorecard page / bare page | {s['per_page_ratio']} |",
        f"| the scorecard's words alone as plain paragraphs ({s['plain_text_chars']} characters), same font | "
        f"{s['plain_text_s']} s ({s['plain_text_ratio']}× the bare page) |",
        f"| cold `scorer score` of one report (JSON, HTML and PDF; process start included) | "
        f"{s['cold_score_one_report_s']} s |",
        "",
        ("The goal of 1.5× is met." if s["ratio"] <= 1.5 else "The goal of 1.5× is not met.")
        + " The bare page is one page of five plain paragraphs of 300 characters. The scorecard "
        f"is {s['scorecard_pages']} pages: the header, the alerts, an SVG bar chart and a table of "
        f"{s['criteria']} criteria with their quotes. Its words alone, set as plain paragraphs with no "
        f"table, chart or styling, already cost {s['plain_text_ratio']}× the bare page: about the floor "
        "for this much text, before any layout. WeasyPrint's time grows with every box, table cell "
        "and inline span it lays out, so the template is lean on purpose: one two-column criteria "
        "table (it was one four-column table per area, with a line break and two spans in every "
        "row: 7.8× the bare page), paragraphs instead of a flexbox and a table in the header, no bold "
        "and no glyph outside the CJK font (each would embed another font subset), and a denser page "
        "that fits the five seeds on two pages instead of three. Two costs remain that a template author "
        "should know of: WeasyPrint draws SVG text one letter at a time (the chart's labels cost about a "
        "tenth of the scorecard's time), and a `<br>` inside a table cell costs as much again, where a "
        "newline under `white-space: pre-line` (the criterion cell's two lines) costs little.",
        "",
    ]
    if "batch" in results:
        from tools.bench_batch import batch_markdown

        lines += batch_markdown(results["batch"])
    args.write.write_text("\n".join(lines), "utf-8")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
