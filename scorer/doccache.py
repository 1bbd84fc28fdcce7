"""Built Documents kept on disk, so that a report read once is only matched again.

Reading, normalising, hygiene flags, structure and metadata depend on the file's
bytes and kind and on the code and data that build them, never on a rubric: a rubric
edit (`scorer rubric diff`) or a re-run of a batch under a new rubric re-matches
only. An entry's key is the sha256 of the input's bytes, its suffix (which picks the
reader) and `code_key()`: the scorer's version, the source of the modules that build
a Document and its data files, the versions of Python and of the libraries that read
and normalise. A scorer that reads differently never takes an older one's entries,
even when its version number did not change; an edit to matching keeps them.

An entry is checked before it is used (format line, its own key, a digest of its
payload) and unpickled with only the scorer's own dataclasses and enums allowed:
a damaged, truncated or foreign file is a miss and the report is read again. The
folder is `$SCORER_CACHE_DIR/documents` (`off`: no cache) or the platform's cache
folder; one that cannot be written means no cache. Its size is bounded: the entries
used longest ago go first.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import enum
import hashlib
import io
import os
import pickle
import stat
import sys
import time
import unicodedata
import zlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .document import Document
from .document import load_document as read_document
from .errors import UserError
from .files import write_atomic
from .read import MAX_BYTES as MAX_FILE

FORMAT = b"scorer.doccache/1\n"
SUFFIX = ".entry"  # not .doc: a report folder lists Word's .doc files as not read
MAX_BYTES = 512 * 2**20  # the folder's bound; a real report's entry is 8-15 KB
PRUNE_EVERY = MAX_BYTES // 16  # bytes this process writes between two checks of the bound
STALE_TMP = 3600  # seconds after which a temp file is an interrupted write's leftover
# Libraries whose versions can change what a file reads as (text layers, encodings,
# Traditional → Simplified, the gazetteer).
LIBRARIES = ("opencc", "cpca-new", "jieba", "pypdf", "python-docx", "trafilatura", "lxml",
             "lxml-html-clean", "charset-normalizer")

_written = {"bytes": 0, "pruned": False}
_unwritable: set[Path] = set()


def cache_dir() -> Path | None:
    """Where entries go: $SCORER_CACHE_DIR/documents, else $XDG_CACHE_HOME/scorer/documents
    or ~/.cache/scorer/documents; None when SCORER_CACHE_DIR is `off` or there is no home."""
    chosen = os.environ.get("SCORER_CACHE_DIR", "")
    if chosen.strip().lower() == "off":
        return None
    if chosen:
        return Path(chosen) / "documents"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    try:
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # a relative one is ignored
    except RuntimeError:  # no home folder
        return None
    return base / "scorer" / "documents"


@lru_cache(maxsize=1)
def code_key() -> str:
    """What, besides a file's bytes, its Document depends on."""
    h = hashlib.sha256(FORMAT)
    h.update(f"{__version__}|{sys.version_info[:2]}|{unicodedata.unidata_version}".encode())
    for name in LIBRARIES:
        try:
            h.update(f"|{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"|{name}=-".encode())
    package = Path(__file__).resolve().parent
    files = sorted(p for p in package.rglob("*") if p.suffix == ".py" or "data" in p.relative_to(package).parts)
    files = [p for p in files if p.is_file() and "__pycache__" not in p.parts]
    stamp = _stamp(h.hexdigest(), package, files)
    known = _known_key(stamp)
    if known:
        return known
    data = [p for p in files if p.relative_to(package).parts[0] == "data"]
    for path in sorted(set(reading_sources(package)) | set(data)):
        h.update(str(path.relative_to(package)).encode("utf-8", "backslashreplace") + b"\0")
        h.update(path.read_bytes())
    key = h.hexdigest()
    _remember_key(stamp, key)
    return key


# Hashing the source and data files (and finding which modules build a Document) took a
# tenth of every start. The key is remembered beside the cache with the size and time of
# every file of the package, as Python trusts its .pyc files: while none changed, it stands.
def _stamp(versions: str, package: Path, files: list[Path]) -> str:
    h = hashlib.sha256(f"{versions}|{package}".encode("utf-8", "backslashreplace"))
    for path in files:
        st = path.stat()
        h.update(f"|{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}".encode("utf-8", "backslashreplace"))
    return h.hexdigest()


def _memo_file() -> Path | None:
    folder = cache_dir()
    return folder.parent / "code-key" if folder else None


def _known_key(stamp: str) -> str | None:
    memo = _memo_file()
    try:
        held, key = memo.read_text("ascii").split() if memo else ("", "")
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return key if held == stamp and len(key) == 64 else None


def _remember_key(stamp: str, key: str) -> None:
    memo = _memo_file()
    if memo:
        with contextlib.suppress(OSError, UserError):  # no cache folder: the key is worked out each start
            write_atomic(memo, f"{stamp} {key}\n", durable=False)


def reading_sources(package: Path) -> list[Path]:
    """document.py and every module of the package it imports, directly or through others, lazy
    imports included: an edit to them changes Documents; an edit to matching or outputs does not."""
    todo, seen, found = ["document"], set(), []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = package.joinpath(*name.split(".")).with_suffix(".py")
        if not path.is_file():
            path = package.joinpath(*name.split("."), "__init__.py")
            if not path.is_file():
                continue  # a name imported from a module, not a module
        found.append(path)
        here = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = here[:len(here) - node.level + 1] + (node.module.split(".") if node.module else [])
                todo += [".".join(base)] * bool(base) + [".".join([*base, a.name]) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scorer."):
                todo.append(node.module.removeprefix("scorer."))
            elif isinstance(node, ast.Import):
                todo += [a.name.removeprefix("scorer.") for a in node.names if a.name.startswith("scorer.")]
    return found


def entry_key(sha256: str, suffix: str) -> str:
    return hashlib.sha256(f"{code_key()}|{suffix.lower()}|{sha256}".encode()).hexdigest()


def load_document(path: str | Path) -> Document:
    """The Document of a report file, from the cache when its bytes were read before;
    raises as document.load_document does for a file that cannot be read."""
    folder = cache_dir()
    p = Path(path)
    sha = None
    try:
        before = p.stat()
        # A file the reader refuses (missing, not a file, empty, too big) gets the reader's own message.
        if folder is not None and stat.S_ISREG(before.st_mode) and 0 < before.st_size <= MAX_FILE:
            sha = hashlib.sha256(p.read_bytes()).hexdigest()
    except OSError:
        pass
    if sha is None:
        return read_document(path)
    key = entry_key(sha, p.suffix)
    entry = folder / (key + SUFFIX)
    doc = _read_entry(entry, key, sha)
    if doc is not None:
        return dataclasses.replace(doc, path=str(path))  # the same bytes under another name
    doc = read_document(path, sha)
    try:
        after = p.stat()
    except OSError:
        return doc
    if (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns):  # not changed while read
        store(entry, key, doc)
    return doc


def _read_entry(entry: Path, key: str, sha: str) -> Document | None:
    try:
        blob = entry.read_bytes()
    except OSError:
        return None
    header = FORMAT + key.encode() + b"\n"
    digest, payload = blob[len(header):len(header) + 32], blob[len(header) + 32:]
    if not blob.startswith(header) or hashlib.sha256(payload).digest() != digest:
        return None
    try:
        doc = _Unpickler(io.BytesIO(zlib.decompress(payload))).load()
    except Exception:  # a payload that passed its digest yet does not load: a miss all the same
        return None
    if not isinstance(doc, Document) or doc.sha256 != sha:
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # used now: pruned last
    return doc


class _Unpickler(pickle.Unpickler):
    """Only what a Document is made of: the scorer's own dataclasses and enums, and arrays."""

    def find_class(self, module: str, name: str):
        if (module, name) in (("array", "array"), ("array", "_array_reconstructor")):
            return super().find_class(module, name)
        if (module, name) == (__name__, "_text"):
            return _text
        if module == "scorer" or module.startswith("scorer."):
            found = super().find_class(module, name)
            if (isinstance(found, type) and found.__module__ == module
                    and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum))):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a Document")


def store(entry: Path, key: str, doc: Document) -> None:
    """Write one entry atomically; a folder that cannot be written is not tried again."""
    folder = entry.parent
    if folder in _unwritable:
        return
    deflated = _Deflated()  # pickled straight into zlib: a long report's pickle is never held whole
    pickle.Pickler(deflated, protocol=pickle.HIGHEST_PROTOCOL).dump(_with_texts_as_utf8(doc))
    payload = deflated.done()
    blob = FORMAT + key.encode() + b"\n" + hashlib.sha256(payload).digest() + payload
    try:
        write_atomic(entry, blob, durable=False)  # checked whenever read: a torn entry is a miss
    except (OSError, UserError):  # read-only, full or not a folder: scoring goes on without the cache
        _unwritable.add(folder)
        return
    _written["bytes"] += len(blob)
    if not _written["pruned"] or _written["bytes"] >= PRUNE_EVERY:
        _written.update(bytes=0, pruned=True)
        prune(folder)


class _Deflated:
    """A file that compresses what is written to it, at zlib's level 1."""

    def __init__(self) -> None:
        self._zlib = zlib.compressobj(1)
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(self._zlib.compress(data))
        return len(data)

    def done(self) -> bytes:
        self._parts.append(self._zlib.flush())
        return b"".join(self._parts)


# pickle keeps the UTF-8 form of every string it writes inside the string, for as long as it
# lives: storing a Document would leave a copy of its texts in memory while it is matched.
# Its texts go as UTF-8 bytes made for the purpose instead, and come back as strings.
class _Utf8:
    def __init__(self, text: str) -> None:
        self.text = text

    def __reduce__(self):
        return _text, (self.text.encode("utf-8", "surrogatepass"),)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


def _with_texts_as_utf8(doc: Document) -> Document:
    """The Document to pickle: its texts (often one and the same string) wrapped once each."""
    wrapped: dict[int, _Utf8] = {}

    def utf8(text: str) -> Any:
        return wrapped.setdefault(id(text), _Utf8(text))

    norm = dataclasses.replace(doc.norm, text=utf8(doc.norm.text))
    return dataclasses.replace(doc, original=utf8(doc.original), norm=norm, match_text=utf8(doc.match_text))


def prune(folder: Path, limit: int | None = None) -> None:
    """Remove the entries used longest ago until the folder holds under 80% of its bound,
    once it holds more; and temp files left by interrupted writes."""
    limit = MAX_BYTES if limit is None else limit
    entries, total, now = [], 0, time.time()
    try:
        with os.scandir(folder) as it:
            for e in it:
                try:
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
                if e.name.endswith(".tmp") and now - st.st_mtime > STALE_TMP:
                    _unlink(Path(e.path))
                elif e.name.endswith(SUFFIX) and stat.S_ISREG(st.st_mode):
                    entries.append((st.st_mtime, e.path, st.st_size))
                    total += st.st_size
    except OSError:
        return
    if total <= limit:
        return
    for _, path, size in sorted(entries):
        _unlink(Path(path))
        total -= size
        if total <= limit * 0.8:
            break


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):  # another process pruned it first
        path.unlink()


code_key()  # now, with the modules that build a Document just imported: the code hashed is the code that runs
