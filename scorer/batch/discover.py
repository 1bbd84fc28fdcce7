"""Phase 1, discover: the report files a batch names, each with its output folder and hash."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..read import SUFFIXES


@dataclass(frozen=True)
class Job:
    """One report of the batch."""
    path: Path
    name: str  # output folder name, unique in the batch
    sha256: str  # of the file's bytes: with the rubric's and the scorer's version, the reuse key


@dataclass(frozen=True)
class Discovered:
    jobs: tuple[Job, ...]
    failures: tuple[dict[str, str], ...]  # names that are no report file, files that cannot be read
    n_files: int  # report files found, readable or not


def discover_jobs(paths: Iterable[Path]) -> Discovered:
    """Every report file under `paths`, named and hashed; what cannot be read is a failure."""
    files, failures = discover(paths)
    names = output_names(files)
    jobs = []
    for f in files:
        try:
            sha = hashlib.sha256(f.read_bytes()).hexdigest()
        except OSError as exc:
            failures.append({"file": str(f), "error": f"cannot read: {exc.strerror or exc}"})
            continue
        jobs.append(Job(f, names[f], sha))
    return Discovered(tuple(jobs), tuple(failures), len(files))


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[dict[str, str]]]:
    """Report files named, and found recursively in folders (symlink loops are skipped)."""
    files: list[Path] = []
    problems: list[dict[str, str]] = []
    seen_dirs: set[tuple[int, int]] = set()
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path, followlinks=True):
                st = os.stat(root)
                if (st.st_dev, st.st_ino) in seen_dirs:
                    problems.append({"file": root, "error": "symlink loop: this folder was already visited; skipped"})
                    dirs[:] = []
                    continue
                seen_dirs.add((st.st_dev, st.st_ino))
                dirs.sort()
                for name in sorted(names):
                    if Path(name).suffix.lower() in SUFFIXES and not name.startswith((".", "~$")):
                        files.append(Path(root) / name)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            problems.append({"file": str(path), "error": "no such file or folder"})
    unique: dict[Path, Path] = {}
    for f in files:  # the same file named twice (a/../b.txt and b.txt) is scored once
        unique.setdefault(f.resolve(), f)
    return list(unique.values()), problems


_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff.\-]+")


def safe_name(stem: str) -> str:
    """A folder name that every filesystem accepts: no separators, quotes or control
    characters, no leading dot, at most 80 characters."""
    name = _UNSAFE.sub("_", stem).strip("._") or "report"
    return name[:80]


def output_names(files: list[Path]) -> dict[Path, str]:
    """One output folder per input; inputs that share a stem get a short hash of their path."""
    by_name: dict[str, list[Path]] = {}
    for f in files:
        by_name.setdefault(safe_name(f.stem), []).append(f)
    names = {}
    for name, group in by_name.items():
        for f in group:
            if len(group) == 1:
                names[f] = name
            else:
                digest = hashlib.sha256(str(f.resolve()).encode("utf-8")).hexdigest()[:8]
                names[f] = f"{name}-{digest}"
    return names
