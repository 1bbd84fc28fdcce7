"""A saved web page → its main text (read.py's reader for .html and .htm).

trafilatura finds the main text without navigation or scripts. libxml2, which
parses for it, stops at elements nested 256 deep and silently drops everything
below: a page nested deeper is read by a flat scan of its tags instead (all of
its text but scripts, styles and navigation), with a warning saying so.
"""

from __future__ import annotations

import html as htmlmod
import re

from .read import MAX_CHARS, RawText, decode_bytes, over_text_limit

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_TAG_NAME = re.compile(r"</?\s*([a-z][a-z0-9]*)")
_DROPPED = ("script", "style", "noscript", "nav", "header", "footer")  # as the lxml fallback drops
_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table",
                     "ul", "ol", "section", "article", "title", "dd", "dt"})


def read_html(data: bytes, name: str) -> RawText:
    """The main text of a web page, or all of its text when it nests too deep to be parsed."""
    text, enc, warnings = _decode_html(data, name)
    if _too_deep(text):
        extracted = flat_text(text)
        warnings = [*warnings, "the page nests its elements deeper than the HTML parser allows (256 levels): "
                               "all of its text was read, without telling the main text from the page around it"]
    else:
        import trafilatura

        extracted = trafilatura.extract(
            text, include_comments=False, include_tables=True, favor_recall=True,
            include_formatting=False, deduplicate=False,
        ) or _lxml_text(text)
    over_text_limit(len(extracted), MAX_CHARS, "characters of text", name)
    return RawText(text=extracted, kind="html", encoding=enc, warnings=tuple(warnings))


def _decode_html(data: bytes, name: str) -> tuple[str, str, list[str]]:
    m = _META_CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in ("gb2312", "gbk", "gb18030", "x-gbk"):
        # Pages that declare gb2312 often use GBK characters: GB18030 is a superset.
        try:
            return data.decode("gb18030"), "gb18030", []
        except UnicodeDecodeError:
            pass
    return decode_bytes(data, name)


def _too_deep(text: str) -> bool:
    """Whether libxml2 stopped at its nesting limit (it says so only in its error log)."""
    from lxml import etree
    from lxml import html as lhtml

    parser = lhtml.HTMLParser(encoding="utf-8")
    try:
        lhtml.document_fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, ValueError):
        return False
    return any("Excessive depth" in e.message for e in parser.error_log)


def _lxml_text(text: str) -> str:
    from lxml import html as lhtml

    tree = lhtml.fromstring(text)
    for bad in tree.xpath("//script|//style|//nav|//header|//footer|//noscript"):
        bad.drop_tree()
    return "\n".join(t.strip() for t in tree.itertext() if t.strip())


def flat_text(page: str) -> str:
    """The text of a page read tag by tag, at any depth: block elements end lines;
    scripts, styles, comments and navigation are left out. Linear in the page."""
    lower = page.lower()
    out, i = [], 0
    while (j := lower.find("<", i)) >= 0:
        out.append(page[i:j])
        if lower.startswith("<!--", j):
            end = lower.find("-->", j + 4)
            i = end + 3 if end >= 0 else len(page)
            continue
        close = lower.find(">", j)
        if close < 0:
            i = len(page)
            break
        m = _TAG_NAME.match(lower, j, close)
        tag = m.group(1) if m else ""
        i = close + 1
        if tag in _DROPPED and not lower.startswith("</", j):
            start = lower.find(f"</{tag}", i)
            end = lower.find(">", start) if start >= 0 else -1
            i = end + 1 if end >= 0 else len(page)  # an unclosed script hides the rest, as in a browser
        elif tag in _BLOCKS:
            out.append("\n")
    out.append(page[i:])
    text = htmlmod.unescape("".join(out))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
