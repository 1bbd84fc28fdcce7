"""Word tokens (jieba), so that a term matches as whole words, never across a word boundary.

jieba's base dictionary is never changed. Each rubric gets a tokenizer of its own
(`tokenizer_for` its words) that keeps its terms whole: one rubric's terms never change
how another rubric's text is cut (a rubric with the term 述法规 would otherwise make
学习上述法规 hold 述法 for every rubric used after it). Tokenising is lazy and per
sentence: only sentences holding a candidate match are ever segmented, and jieba is
imported on the first one.

The dictionary is read in pieces: jieba only ever looks up substrings of the text it
cuts, so the entries starting with the text's characters and character pairs are all
it can see. A cache file holds the entries in buckets by that start (built once from
jieba's own dictionary); a tokenizer reads the buckets of each text before cutting it,
about a tenth of the dictionary for a report instead of all of it, and cuts exactly as
with the whole. With the cache off (SCORER_CACHE_DIR=off) or unwritable the whole
dictionary is loaded, as jieba does.
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import marshal
import mmap
import os
import re
import struct
import sys
import zlib
from array import array
from collections.abc import Iterable
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

BUCKETS = 1 << 18  # more than the 190,000 starts of entries: a bucket read holds little else
# The cache file: this header, the buckets' offsets (uint32, native order), then each
# bucket's entries, marshalled.
_MAGIC = b"scjieba3"
_HEADER = struct.Struct("<8sQII")  # magic, total frequency, crc32 of the rest, buckets


def cache_folder(name: str) -> Path | None:
    """Where scorer keeps `name` between runs: $SCORER_CACHE_DIR/name, else
    $XDG_CACHE_HOME/scorer/name or ~/.cache/scorer/name (as the document cache, doccache.py);
    None when SCORER_CACHE_DIR is `off` or there is no home."""
    chosen = os.environ.get("SCORER_CACHE_DIR", "")
    if chosen.strip().lower() == "off":
        return None
    if chosen:
        return Path(chosen) / name
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    try:
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # a relative one is ignored
    except RuntimeError:  # no home folder
        return None
    return base / "scorer" / name


def _jieba():
    """jieba, imported without pkg_resources: that import alone costs 0.1 s, and jieba
    only uses it to find its own files, which it then opens by path instead."""
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes the import fail
        try:
            import jieba
        finally:
            if sys.modules.get("pkg_resources", 0) is None:
                del sys.modules["pkg_resources"]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _bucket(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) & (BUCKETS - 1)


def _keys(text: str) -> set[str]:
    """The starts of every substring of `text`: its characters and character pairs."""
    return {*text, *(text[i:i + 2] for i in range(len(text) - 1))}


class Dictionary:
    """jieba's base dictionary: `total`, and either `whole` (every entry) or buckets read on demand."""

    def __init__(self, total: int, whole: dict[str, int] | None = None,
                 offsets: memoryview | None = None, blob: memoryview | None = None) -> None:
        self.total, self.whole, self._offsets, self._blob = total, whole, offsets, blob

    def fill(self, freq: dict[str, int], text: str, loaded: set[int]) -> None:
        """Add to `freq` every entry jieba may look up when cutting `text` (buckets in `loaded` are there)."""
        if self.whole is not None:
            return
        crc32, mask, offsets, blob = zlib.crc32, BUCKETS - 1, self._offsets, self._blob
        wanted = {crc32(key.encode("utf-8", "surrogatepass")) & mask for key in _keys(text)} - loaded
        loaded |= wanted
        for b in wanted:
            start, end = offsets[b], offsets[b + 1]
            if end > start:
                freq.update(marshal.loads(blob[start:end]))


def _cache_path() -> Path | None:
    jieba = _jieba()
    folder = cache_folder("jieba")
    if folder is None:
        return None
    dictionary = Path(jieba.DEFAULT_DICT or Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME)
    stat = dictionary.stat()
    key = f"{jieba.__version__}-{stat.st_size}-{int(stat.st_mtime)}-{sys.version_info[0]}{sys.version_info[1]}"
    return folder / f"dict-{key}-{_MAGIC.decode()}.buckets"


def _read_buckets(path: Path) -> Dictionary | None:
    """The cached buckets, mapped, or None when missing or damaged (checked whole: a wrong
    entry would cut wrongly)."""
    try:
        with open(path, "rb") as fh:
            view = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
        magic, total, crc, n = _HEADER.unpack_from(view)
        if magic != _MAGIC or n != BUCKETS or zlib.crc32(view[_HEADER.size:]) != crc:
            return None
        table = _HEADER.size + 4 * (BUCKETS + 1)
        offsets, blob = view[_HEADER.size:table].cast("I"), view[table:]
        return Dictionary(total, offsets=offsets, blob=blob) if offsets[-1] == len(blob) else None
    except (OSError, ValueError, struct.error):  # ValueError: an empty file cannot be mapped
        return None


def _write_buckets(path: Path, freq: dict[str, int], total: int) -> None:
    from array import array

    from .errors import UserError
    from .files import write_atomic

    buckets: list[dict[str, int]] = [{} for _ in range(BUCKETS)]
    for key, value in freq.items():
        buckets[_bucket(key if len(key) == 1 else key[:2])][key] = value
    blobs = [marshal.dumps(b) if b else b"" for b in buckets]
    offsets = array("I", [0])
    for blob in blobs:
        offsets.append(offsets[-1] + len(blob))
    body = offsets.tobytes() + b"".join(blobs)
    with contextlib.suppress(OSError, UserError):  # a read-only cache only costs time
        write_atomic(path, _HEADER.pack(_MAGIC, total, zlib.crc32(body), BUCKETS) + body)


@lru_cache(maxsize=1)
def base_dictionary() -> Dictionary:
    """The base dictionary from the cache, or built by jieba (and cached for the next process)."""
    path = _cache_path()
    cached = _read_buckets(path) if path else None
    if cached is not None:
        return cached
    freq, total = _whole()
    if path:
        _write_buckets(path, freq, total)
        for old in path.parent.parent.glob("jieba-*.marshal"):  # the whole-dictionary cache of before (9 MB)
            with contextlib.suppress(OSError):
                old.unlink()
    return Dictionary(total, whole=freq)


def _whole() -> tuple[dict[str, int], int]:
    """The whole dictionary as jieba loads it, from its own cache file when there is one:
    jieba reads that with marshal.load on the open file, 1.2 s against 0.3 s read whole."""
    import tempfile

    tk = _jieba().Tokenizer()
    try:
        cache = Path(tk.tmp_dir or tempfile.gettempdir()) / (tk.cache_file or "jieba.cache")
        freq, total = marshal.loads(cache.read_bytes())
        if isinstance(freq, dict) and isinstance(total, int) and freq:
            return freq, total
    except (OSError, ValueError, EOFError, TypeError):
        pass
    tk.initialize()
    return tk.FREQ, tk.total


class Tokenizer:
    """A tokenizer for one set of extra words over the shared base dictionary; set up on first use."""

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words
        self._jieba = None
        self._base: Dictionary | None = None
        self._loaded: set[int] = set()  # the buckets read into this tokenizer's dictionary
        self.bounds = lru_cache(maxsize=4096)(self._bounds)

    def _ready(self, text: str):
        """jieba's tokenizer, holding every entry it may look up to cut `text`."""
        tk, base = self._jieba, self._base
        if tk is None or base is None:
            base = self._base = base_dictionary()  # kept: its buckets are the ones in _loaded
            tk = _jieba().Tokenizer()
            tk.total, tk.initialized = base.total, True
            # A copy of the whole dictionary takes the words; the base stays as loaded.
            tk.FREQ = ({} if base.whole is None else dict(base.whole) if self.words else base.whole)
            for word in self.words:  # what suggest_freq and add_word look up
                base.fill(tk.FREQ, word, self._loaded)
            for word in sorted(self.words):
                tk.add_word(word, freq=max(tk.suggest_freq(word, tune=False), 1000))
            self._jieba = tk
        base.fill(tk.FREQ, text, self._loaded)
        return tk

    def boundary(self, text: str, pos: int, lo: int = 0, hi: int | None = None) -> bool:
        """Whether a word starts or ends at `pos` when text[lo:hi] is cut.

        jieba cuts each block (a run of Han characters, letters and digits between
        punctuation or spaces) on its own, and every other character is a token of its
        own: so only the block holding `pos` is cut, never the whole sentence. Most
        blocks are a clause; a position next to a pause needs no cutting at all."""
        hi = len(text) if hi is None else hi
        if pos <= lo or pos >= hi:
            return True
        starts, ends = _blocks(text)
        i = bisect.bisect_right(starts, pos - 1) - 1
        if i < 0 or ends[i] <= pos:  # between two blocks, or beside a character outside one
            return text[pos - 1:pos + 1] != "\r\n"  # jieba keeps a CRLF as one token
        a, b = max(starts[i], lo), min(ends[i], hi)
        return pos - a in self.bounds(text[a:b])

    def _bounds(self, text: str) -> frozenset[int]:
        """Offsets in `text` where a word starts or ends."""
        bounds = {0}
        pos = 0
        for token in self._ready(text).cut(text, HMM=True):
            pos += len(token)
            bounds.add(pos)
        return frozenset(bounds)

    def cut(self, text: str) -> list[str]:
        return self._ready(text).lcut(text, HMM=True)

    @property
    def entries(self) -> int:
        """How many dictionary entries this tokenizer has read so far."""
        return len(self._jieba.FREQ) if self._jieba is not None else 0


# What jieba keeps together as one block (its re_han_default), and where a text's blocks stand.
_BLOCK = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+")


@lru_cache(maxsize=4)
def _blocks(text: str) -> tuple[array, array]:
    starts, ends = array("i"), array("i")
    for m in _BLOCK.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


@lru_cache(maxsize=8)
def _tokenizer_for(words: frozenset[str]) -> Tokenizer:
    return Tokenizer(words)


def tokenizer_for(words: Iterable[str]) -> Tokenizer:
    """The tokenizer that keeps these words (a rubric's terms) whole; one per word set."""
    return _tokenizer_for(frozenset(w for w in words if w))


# The tokenizer of the rubric being matched, for level judgments that cut a sentence
# (levels.py asks `token_bounds`); the base dictionary outside a match.
_current: ContextVar[Tokenizer | None] = ContextVar("scorer_tokenizer", default=None)


def use_tokenizer(tokenizer: Tokenizer) -> None:
    """Make `token_bounds` cut text as this rubric's tokenizer does."""
    _current.set(tokenizer)


def tokenize(text: str) -> list[str]:
    """Split text into words (base dictionary)."""
    return tokenizer_for(()).cut(text)


def token_bounds(text: str) -> frozenset[int]:
    """Offsets in `text` where a word starts or ends, as the current rubric's tokenizer cuts it."""
    return (_current.get() or tokenizer_for(())).bounds(text)


def is_boundary(text: str, pos: int, lo: int = 0, hi: int | None = None) -> bool:
    """Whether a word starts or ends at `pos` when text[lo:hi] is cut by the current rubric's tokenizer."""
    return (_current.get() or tokenizer_for(())).boundary(text, pos, lo, hi)
