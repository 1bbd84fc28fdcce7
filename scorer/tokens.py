"""Word tokens (jieba), so that a term matches as whole words, never across a word boundary.

jieba's base dictionary is loaded once per process and never changed. Each
rubric gets a tokenizer of its own (`tokenizer_for` its words) that keeps its
terms whole: one rubric's terms never change how another rubric's text is cut
(a rubric with the term 述法规 would otherwise make 学习上述法规 hold 述法 for
every rubric used after it). Tokenising is lazy and per sentence: only
sentences holding a candidate match are ever segmented.
"""

from __future__ import annotations

import logging
import marshal
import os
import sys
import tempfile
from collections.abc import Iterable
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _base():
    """jieba with its base dictionary: shared by every rubric, never changed."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    if not _load_cached(tk):
        tk.initialize()
        _save_cached(tk)
    return tk


def _cache_path():
    """Where the dictionary's prefix table is cached: building it costs 1.9 s a
    process, reading it back 0.5 s (jieba's own cache read no faster here)."""
    import jieba

    dictionary = Path(jieba.DEFAULT_DICT or Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME)
    stat = dictionary.stat()
    key = f"{jieba.__version__}-{stat.st_size}-{int(stat.st_mtime)}-{sys.version_info[0]}{sys.version_info[1]}"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "scorer"
    return base / f"jieba-{key}.marshal"


def _load_cached(tk) -> bool:
    try:
        data = _cache_path().read_bytes()
        tk.FREQ, tk.total = marshal.loads(data)
    except (OSError, ValueError, EOFError, TypeError):
        return False
    tk.initialized = True
    return True


def _save_cached(tk) -> None:
    try:
        path = _cache_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps((tk.FREQ, tk.total)))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs time


class Tokenizer:
    """A tokenizer for one set of extra words over the shared base dictionary."""

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words
        base = _base()
        if words:
            import jieba

            # A copy of the base's frequency table (25 ms) takes the words; the base stays as loaded.
            tk = jieba.Tokenizer()
            tk.FREQ, tk.total, tk.initialized = dict(base.FREQ), base.total, True
            for word in sorted(words):
                tk.add_word(word, freq=max(tk.suggest_freq(word, tune=False), 1000))
            base = tk
        self._jieba = base
        self.bounds = lru_cache(maxsize=4096)(self._bounds)

    def _bounds(self, text: str) -> frozenset[int]:
        """Offsets in `text` where a word starts or ends."""
        bounds = {0}
        pos = 0
        for token in self._jieba.cut(text, HMM=True):
            pos += len(token)
            bounds.add(pos)
        return frozenset(bounds)

    def cut(self, text: str) -> list[str]:
        return self._jieba.lcut(text, HMM=True)


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
