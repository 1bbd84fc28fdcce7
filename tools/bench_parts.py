"""What each part of the scorecard costs to render: the scorecard with one part taken away.

Every variant is cut from the scorecard's own HTML, so it follows the template.
A cut that no longer finds its part fails loudly rather than measuring nothing.

- `floor`: the scorecard's words with no structure at all: each header line and
  each criterion row (title, level, points, quote and where it stands) one plain
  paragraph, no table, chart, footer or styling, in the same font. No layout of
  this content can cost less.
- `no_chart`, `no_footer`, `criteria_as_paragraphs`: the scorecard without its
  SVG chart, without its page footer (file, hashes, page x / y), and with its
  criteria table set as plain paragraphs; the difference to the scorecard is
  what that part costs.
"""

from __future__ import annotations

import html
import re

FONT = "'WenQuanYi Micro Hei'"


def _cut(pattern: str, text: str, repl: str = "", *, count: int = 0) -> str:
    new, n = re.subn(pattern, repl, text, count=count, flags=re.S)
    if not n:
        raise ValueError(f"the scorecard template no longer has {pattern!r}: update tools/bench_parts.py")
    return new


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def no_chart(card: str) -> str:
    return _cut(r"<svg class=\"chart\".*?</svg>", card)


def no_footer(card: str) -> str:
    card = _cut(r"@bottom-(left|right) \{[^}]*\}", card)
    return _cut(r"<div class=\"footer-info\">.*?</div>", card)


def criteria_as_paragraphs(card: str) -> str:
    table = re.search(r"<table class=\"criteria\">.*?</table>", card, flags=re.S)
    if not table:
        raise ValueError("the scorecard template no longer has its criteria table: update tools/bench_parts.py")
    rows = re.findall(r"<tbody>.*?</tbody>", table.group(0), flags=re.S)
    paragraphs = "".join(f"<p>{html.escape(_text(row))}</p>"
                         for body in rows for row in re.findall(r"<tr.*?</tr>", body, flags=re.S))
    return card[:table.start()] + paragraphs + card[table.end():]


def floor(card: str) -> str:
    body = no_chart(no_footer(criteria_as_paragraphs(card))).split("<body>", 1)[1]
    lines = [_text(block) for block in re.findall(r"<(?:h1|h2|p)\b.*?</(?:h1|h2|p)>", body, flags=re.S)]
    return (f"<html><head><style>@page {{ size: A4; margin: 15mm }} p {{ margin: 0 }}</style></head>"
            f"<body style=\"font-family: {FONT}; font-size: 9pt\">"
            + "".join(f"<p>{html.escape(line)}</p>" for line in lines if line) + "</body></html>")


def text_length(page: str) -> int:
    return len(_text(page.split("<body", 1)[1]).replace(" ", ""))


VARIANTS = {"floor": floor, "no_chart": no_chart, "no_footer": no_footer,
            "criteria_as_paragraphs": criteria_as_paragraphs}
