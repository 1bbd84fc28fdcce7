"""Phase 1, discover: the report files a batch names, each with its output folder and hash.

What a folder holds is untrusted (a zip from another office, a folder scored before):
only regular files are read, and their size is checked before a byte is read (a FIFO
would hang the batch, a link to /dev/zero would never end); symbolic links leaving the
folder given are listed, not followed, unless asked; an output folder of scorer (the one
being written, or any holding its lock file) is never an input; and every file that is
not read is listed with what to do, never skipped silently (but hidden files and Office's
~$ lock files, which are never reports).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..files import show_name
from ..read import MAX_BYTES, SUFFIXES

LOCK = ".scorer.lock"  # in every output folder: the lock of a running batch, and its mark


@dataclass(frozen=True)
class Job:
    """One report of the batch."""
    path: Path
    name: str  # output folder name, unique in the batch
    sha256: str  # of the file's bytes: with the rubric's and the scorer's version, the reuse key
    file: str = ""  # the file's name as shown everywhere (show_name): undecodable bytes and controls escaped


@dataclass(frozen=True)
class Discovered:
    jobs: tuple[Job, ...]
    failures: tuple[dict[str, str], ...]  # names that are no report file, files that cannot be read
    n_files: int  # report files found, readable or not


def discover_jobs(paths: Iterable[Path], out: Path | None = None, follow_links: bool = False) -> Discovered:
    """Every report file under `paths`, named and hashed; what cannot be read is a failure."""
    files, failures = discover(paths, out, follow_links)
    names = output_names(files)
    jobs = []
    for f in files:
        try:
            sha = file_sha256(f)
        except OSError as exc:
            failures.append({"file": show_name(str(f)), "error": f"cannot read: {exc.strerror or exc}"})
            continue
        jobs.append(Job(f, names[f], sha, show_name(f.name)))
    return Discovered(tuple(jobs), tuple(failures), len(files))


def file_sha256(path: Path) -> str:
    """The sha256 of a regular file of at most MAX_BYTES, checked before reading: an OSError
    (with the reason as its strerror) for anything else."""
    with open(path, "rb", buffering=0, opener=_no_block) as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise OSError(0, "not a regular file (a FIFO, device or socket); not read")
        if st.st_size > MAX_BYTES:
            raise OSError(0, f"the file is {st.st_size / 1e6:.0f} MB, over the {MAX_BYTES // (1024 * 1024)} MB "
                             "limit; a report is normally under 1 MB: check that this is the right file")
        h = hashlib.sha256()
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            if fh.tell() > MAX_BYTES:  # grew while read: never hash without bound
                raise OSError(0, "the file grew past the size limit while it was read")
        return h.hexdigest()


def _no_block(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)  # opening a FIFO must not wait for a writer


def discover(paths: Iterable[Path], out: Path | None = None,
             follow_links: bool = False) -> tuple[list[Path], list[dict[str, str]]]:
    """Report files named, and found recursively in folders (symlink loops are skipped)."""
    files: list[Path] = []
    problems: list[dict[str, str]] = []
    skip = {os.path.realpath(out)} if out is not None else set()
    for path in paths:
        if path.is_dir() and (_inside(os.path.realpath(path), skip) or (path / LOCK).exists()):
            problems.append({"file": show_name(str(path)), "error": "is an output folder of scorer, not a folder of "
                             "reports; not scored"})
        elif path.is_dir():
            _walk(path, skip, follow_links, files, problems)
        elif path.exists() or path.is_symlink():
            if _inside(os.path.realpath(path), skip):
                problems.append({"file": show_name(str(path)), "error": "is in the output folder; not scored"})
            else:
                files.append(path)
        else:
            problems.append({"file": show_name(str(path)), "error": "no such file or folder"})
    unique: dict[Path, Path] = {}
    for f in files:  # the same file named twice (a/../b.txt and b.txt) is scored once
        try:
            where = Path(os.path.realpath(f, strict=True))
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # a link that leads back to itself
                problems.append({"file": show_name(str(f)), "error": LINK_LOOP})
                continue
            if exc.errno == errno.ENOENT and os.path.islink(f):  # not a file removed while the batch ran
                problems.append({"file": show_name(str(f)), "error": LINK_DANGLING})
                continue
            where = Path(os.path.realpath(f))  # gone or dangling: hashing it gives the reason
        unique.setdefault(where, f)
    return list(unique.values()), problems


LINK_LOOP = "a symbolic link that leads back to itself (a loop); not read"
LINK_DANGLING = "a symbolic link whose target does not exist; not read: link to the report again, or copy it in"


def _walk(top: Path, skip: set[str], follow_links: bool, files: list[Path], problems: list[dict[str, str]]) -> None:
    tree = os.path.realpath(top)
    seen_dirs: set[tuple[int, int]] = set()
    def unreadable(exc: OSError) -> None:  # os.walk would skip a folder it cannot list, silently
        problems.append({"file": show_name(str(exc.filename)),
                         "error": f"cannot read this folder: {exc.strerror or exc}; its reports were not scored"})

    for root, dirs, names in os.walk(top, onerror=unreadable, followlinks=True):
        st = os.stat(root)
        if (st.st_dev, st.st_ino) in seen_dirs:
            problems.append({"file": show_name(root), "error": "symlink loop: this folder was already visited; skipped"})
            dirs[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        kept = []
        for d in sorted(dirs):
            full = os.path.join(root, d)
            if _inside(os.path.realpath(full), skip) or os.path.exists(os.path.join(full, LOCK)):
                continue  # an output folder of scorer: its scorecards are no reports
            if not _link_allowed(full, tree, follow_links, problems):
                continue
            kept.append(d)
        dirs[:] = kept
        for name in sorted(names):
            if name.startswith((".", "~$")):
                continue  # hidden files and Office's lock files are never reports
            full = os.path.join(root, name)
            if _link_allowed(full, tree, follow_links, problems):
                _consider(Path(full), files, problems)


def _link_allowed(full: str, tree: str, follow_links: bool, problems: list[dict[str, str]]) -> bool:
    """A symlink leading out of the folder given is listed, and followed only when asked."""
    if follow_links or not os.path.islink(full) or not os.path.exists(full):
        return True  # a dangling link is listed as one (discover), whichever way it pointed
    target = os.path.realpath(full)
    if _inside(target, {tree}):
        return True
    problems.append({"file": show_name(full), "error": f"a symbolic link leaving the input folder (to "
                     f"{show_name(target)}); not followed: copy the file in, or pass --follow-links"})
    return False


def _inside(path: str, folders: set[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


def _consider(path: Path, files: list[Path], problems: list[dict[str, str]]) -> None:
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        files.append(path)  # a FIFO or device among them fails when hashed, with its reason
        return
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
    except OSError:
        regular = False  # a dangling link
    what = not_read_advice(suffix) if regular else "not a regular file (a FIFO, device, socket or dangling link)"
    problems.append({"file": show_name(str(path)), "error": f"not read: {what}"})


_ADVICE = (
    ((".doc", ".wps", ".rtf", ".odt", ".wpt", ".dot"), "an old Word or other word-processor file; 请另存为 .docx"),
    ((".ofd",), "an OFD file; 请导出为带文字层的 .pdf 或另存为 .docx"),
    ((".xls", ".xlsx", ".et", ".csv", ".ods"), "a spreadsheet; 报告请另存为 .docx 或 .txt"),
    ((".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic"),
     "an image (OCR is not supported); 请提供文字版 .docx 或带文字层的 .pdf"),
    ((".zip", ".rar", ".7z", ".gz", ".tar", ".tgz", ".bz2", ".xz"), "an archive; 请先解压,再对解压后的文件夹评分"),
    ((".mht", ".mhtml"), "a web archive; 请在浏览器中另存为 .html"),
    ((".ppt", ".pptx", ".dps"), "a presentation; 报告请另存为 .docx 或 .pdf"),
)


def not_read_advice(suffix: str) -> str:
    """Why a file in a folder is not read, and what to do."""
    for suffixes, advice in _ADVICE:
        if suffix in suffixes:
            return advice
    return f"'{suffix or '(no extension)'}' is not a report format ({' '.join(SUFFIXES)})"


_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff.\-]+")
# A folder named like a batch output (index.html.txt → index.html) would collide with it.
_OUTPUT_SUFFIXES = {".csv", ".xlsx", ".json", ".pdf", ".html", ".htm", ".yaml", ".yml", ".lock", ".txt", ".md"}


def safe_name(stem: str) -> str:
    """A folder name that every filesystem accepts: no separators, quotes or control
    characters, no leading dot or dash (a shell would take it for an option), at most 80
    characters."""
    name = _UNSAFE.sub("_", show_name(stem)).lstrip("._-").rstrip("._") or "report"
    return name[:80]


def output_names(files: list[Path]) -> dict[Path, str]:
    """One output folder per input; inputs that share a stem, or whose stem looks like an
    output file's name, get a short hash of their path."""
    by_name: dict[str, list[Path]] = {}
    for f in files:
        by_name.setdefault(safe_name(f.stem), []).append(f)
    names = {}
    for name, group in by_name.items():
        for f in group:
            if len(group) == 1 and Path(name).suffix.lower() not in _OUTPUT_SUFFIXES:
                names[f] = name
            else:
                digest = hashlib.sha256(os.fsencode(f.resolve())).hexdigest()[:8]
                names[f] = f"{name}-{digest}"
    return names
