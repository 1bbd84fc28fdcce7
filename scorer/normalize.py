"""Original text → text for matching, with an offset map back to the original.

Matching runs on a normalised copy: NFKC (full-width digits, letters and
punctuation folded; compatibility ideographs unified), invisible characters
removed, line ends unified, and Traditional script converted to Simplified with
mainland phrasing. Every character of the normalised text remembers the span of
original characters it came from, so evidence is always quoted as written.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tempfile
import unicodedata
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .offsets import Column, OffsetMap, RunsBuilder, compose

# Invisible characters that carry no meaning in a report (and can hide text inside terms).
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)
# Share of Han characters that Traditional→Simplified conversion changes, above which
# the text counts as written in Traditional script.
TRADITIONAL_SHARE = 0.05
TRADITIONAL_MIN_CHARS = 10


@dataclass(frozen=True)
class Normalized:
    """The matching text and, for each of its characters, the original span it came from."""

    text: str
    offsets: OffsetMap  # runs, not an entry per character (offsets.py)
    traditional_share: float  # share of Han characters changed by script conversion
    invisible_removed: int  # how many invisible characters were dropped
    hidden_at: tuple[int, ...] = ()  # normalised offsets where an invisible character sat inside a word
    lookalike_at: tuple[int, ...] = ()  # normalised offsets of letters replaced by their Latin look-alike

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the span of original text it came from."""
        if not self.text:
            return 0, 0
        start = min(max(start, 0), len(self.text))
        end = min(max(end, start), len(self.text))
        if start == end:
            pos = self.offsets.start(start) if start < len(self.text) else self.offsets.end(len(self.text) - 1)
            return pos, pos
        return self.offsets.start(start), self.offsets.end(end - 1)

    @property
    def starts(self) -> Column:
        """The original start of each character."""
        return Column(self.offsets, ends=False)

    @property
    def ends(self) -> Column:
        """The original end of each character."""
        return Column(self.offsets, ends=True)

    @property
    def traditional(self) -> bool:
        return self.traditional_share >= TRADITIONAL_SHARE


# Cyrillic and Greek letters that look like Latin ones: inside a Latin word they hide a term
# ("АPP", "OCR") from matching. Mapped for matching, and flagged.
LOOKALIKES = dict(zip(
    "АВЕКМНОРСТХаеорсухіјѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧονρ",
    "ABEKMHOPCTXaeopcyxijsdqwABEZHIKMNOPTYXovp", strict=True))


def normalize(original: str) -> Normalized:
    """Normalise a report's text for matching, keeping the map back to the original."""
    text1, folded, removed, hidden1, lookalike1 = _fold(original)
    text2, converted, share = _simplify(text1)
    if converted is None:  # script conversion changed nothing: the fold's map is the map
        return Normalized(text1, folded, share, removed, tuple(hidden1), tuple(lookalike1))
    hidden: tuple[int, ...] = ()
    lookalike: tuple[int, ...] = ()
    if hidden1 or lookalike1:
        # Conversion keeps positions on the same line and its map never goes back
        # (s2 is sorted): a fold offset's first character after conversion is found by search.
        s2 = _offsets(len(text1) + 1, converted.values(converted.first_start))
        hidden = tuple(sorted({_first(s2, i, len(text2)) for i in hidden1}))
        lookalike = tuple(sorted({k for k in (_first(s2, i, -1) for i in lookalike1) if k >= 0}))
    return Normalized(text2, compose(folded, converted, len(original) + 1), share, removed, hidden, lookalike)


def _first(sorted_map: array, value: int, missing: int) -> int:
    """The first index holding `value` in a sorted map, or `missing`."""
    k = bisect_left(sorted_map, value)
    return k if k < len(sorted_map) and sorted_map[k] == value else missing


def _offsets(limit: int, values=()) -> array:
    """An array of offsets into a text of `limit` characters: 4 bytes each while they fit."""
    return array("i" if limit < 2**31 else "q", values)


HAN_RUN = re.compile("[\u4e00-\u9fff]+")  # runs of Han characters (count_chars)


def count_chars(runs: re.Pattern, text: str) -> int:
    """The characters of `text` in a class, counted by runs (`runs` is "[…]+"): one match a
    run, with neither an object a character nor a copy of the text (re.subn makes one,
    and holds 4× the text for a moment)."""
    return sum(m.end() - m.start() for m in runs.finditer(text))

# Runs of characters that NFKC leaves alone and that need no other care (Han, ASCII,
# the common Chinese punctuation): copied through in one step, which makes folding
# a typical report several times faster than looking at each character.
_PLAIN_RUN = re.compile("[\u4e00-\u9fff\t\n\x20-\x7e、。〈〉《》「」『』【】〔〕“”‘’—·]+")


def _fold(original: str) -> tuple[str, OffsetMap, int, list[int], list[int]]:
    """NFKC by character cluster (a base and its combining marks), minus invisibles,
    look-alike letters inside Latin words mapped to Latin."""
    out: list[str] = []
    runs = RunsBuilder(len(original) + 1)
    removed = 0
    hidden: list[int] = []
    lookalike: list[int] = []
    n = len(original)
    pos = 0  # characters written so far
    i = 0
    while i < n:
        run = _PLAIN_RUN.match(original, i)
        if run:
            j = run.end()
            if j < n and unicodedata.combining(original[j]):
                j -= 1  # the run's last character is the base of a cluster
            if j > i:
                out.append(original[i:j])
                runs.add(i, i + 1, j - i, 1)
                pos += j - i
                i = j
                continue
        j = i + 1
        while j < n and unicodedata.combining(original[j]):
            j += 1
        folded = _fold_cluster(original, i, j, bool(pos) and _wordy(out[-1][-1]), pos, hidden, lookalike)
        if folded is None:
            removed += 1
        elif folded:
            out.append(folded)
            runs.add(i, j, len(folded), 0)
            pos += len(folded)
        i = j
    return "".join(out), runs.done(), removed, hidden, lookalike


def _fold_cluster(original: str, i: int, j: int, after_word: bool, pos: int,
                  hidden: list[int], lookalike: list[int]) -> str | None:
    """The folded form of the cluster original[i:j]: "" when it leaves nothing (the \r of
    \r\n), None when it is an invisible character, removed. Notes where an invisible
    character sat inside a word and where a look-alike letter was mapped (at `pos`)."""
    cluster = original[i:j]
    n = len(original)
    if cluster == "\r":
        # \r\n and a lone \r both become one line end.
        return "" if j < n and original[j] == "\n" else "\n"
    if cluster in INVISIBLE or (len(cluster) == 1 and unicodedata.category(cluster) == "Cf"):
        if after_word and j < n and _wordy(original[j]):
            hidden.append(pos)  # inside a word: meant to hide it
        return None
    if cluster in LOOKALIKES and (_latin(original, i - 1) or _latin(original, j)):
        lookalike.append(pos)
        return LOOKALIKES[cluster]
    if cluster.isascii() or unicodedata.is_normalized("NFKC", cluster):
        return cluster
    folded = unicodedata.normalize("NFKC", "".join(c for c in cluster if c not in INVISIBLE))
    return " " if folded == "\u3000" or folded == " " * len(folded) else folded


def _wordy(ch: str) -> bool:
    return ch.isalnum()


def _latin(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalpha()


def _simplify(text: str) -> tuple[str, OffsetMap | None, float]:
    """Convert to Simplified script; mainland phrasing when the text is Traditional.

    Returns the new text and the map from each of its characters to the span of
    characters in `text` it came from (None when nothing changed: the identity),
    with the share of Han characters changed.
    """
    converted = _converter("t2s").convert(text)
    if converted == text:
        return text, None, 0.0
    changed = sum(1 for a, b in zip(text, converted, strict=False) if a != b)
    han = count_chars(HAN_RUN, text)
    share = changed / han if han else 0.0
    if changed >= TRADITIONAL_MIN_CHARS and share >= TRADITIONAL_SHARE:
        converter = _converter("tw2mainland")
    elif changed == 0:
        return text, None, 0.0
    else:
        converter = _converter("t2s")
    runs = RunsBuilder(len(text) + 1)
    out: list[str] = []
    pos = 0
    for line in text.split("\n"):
        new = converter.convert(line) if line else line
        if len(new) == len(line):
            runs.add(pos, pos + 1, len(line), 1)
        else:
            _align(line, new, pos, runs)
        out.append(new)
        pos += len(line)
        if pos < len(text):  # the line end itself
            runs.add(pos, pos + 1, 1, 1)
            pos += 1
    return "\n".join(out), runs.done(), share


def _align(old: str, new: str, base: int, runs: RunsBuilder) -> None:
    """Map each character of `new` to the characters of `old` it replaced."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.add(base + i1, base + i1 + 1, i2 - i1, 1)
        elif j2 > j1:
            # A replaced phrase: each new character stands for the whole old phrase.
            lo, hi = (i1, i2) if i2 > i1 else (max(i1 - 1, 0), max(i1, 1))
            runs.add(base + lo, base + hi, j2 - j1, 0)


@cache
def _converter(name: str):
    """An OpenCC converter. `tw2mainland` is OpenCC's tw2sp plus a few terms of
    official prose that Taiwan phrasing renders differently (水準, 品質, 查核), and the words
    of this prose its computing phrases would change (程序 → 进程, 執行 → 运行) kept as they are."""
    import opencc

    if name != "tw2mainland":
        return opencc.OpenCC(name)
    share = opencc._opencc_share_dir
    with open(os.path.join(share, "tw2sp.json"), encoding="utf-8") as fh:
        config = json.load(fh)

    def absolute(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "ocd2":
                node["file"] = os.path.join(share, node["file"])
            for value in node.values():
                absolute(value)
        elif isinstance(node, list):
            for value in node:
                absolute(value)

    absolute(config)
    folder = tempfile.mkdtemp(prefix="scorer-opencc-")
    extra = os.path.join(folder, "tw2mainland-extra.txt")
    with open(extra, "w", encoding="utf-8") as fh:
        fh.write(resources.files("scorer.data").joinpath("tw2mainland-extra.txt").read_text("utf-8"))
    config["conversion_chain"][0]["dict"]["dicts"].insert(0, {"type": "text", "file": extra})
    path = os.path.join(folder, "tw2mainland.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(config, fh, ensure_ascii=False)
    converter = opencc.OpenCC(path)
    # OpenCC has read both files; nothing of ours is left in /tmp.
    os.remove(path)
    os.remove(extra)
    os.rmdir(folder)
    return converter
