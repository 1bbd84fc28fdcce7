"""The output folder of a batch: checked before any work (a file, or a folder that cannot
be written, is refused at once rather than after scoring), locked for the run (two runs
into one folder would mix their ranking files), and kept from showing stale scorecards
(a scorecard whose result.json changed since it was rendered, in a format this run does
not render, is removed: it would show another rubric's or an older run's scores)."""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import UserError
from ..files import show_name
from .discover import LOCK

SHOWN_RESULT = ".scorecard-result"  # beside the scorecards: the sha256 of the result.json they show
SCORECARD_FORMATS = ("html", "pdf")


@contextmanager
def locked_out(out: Path) -> Iterator[None]:
    """The output folder, created if need be, writable and held by this run alone."""
    where = show_name(str(out))
    if out.exists() and not out.is_dir():
        raise UserError("--out names a file, not a folder; choose a folder", path=where)
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise UserError(f"--out: cannot write in this folder ({exc.strerror or exc}); choose another --out",
                        path=where) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise UserError("another scorer run is writing into this folder; wait for it to end, "
                                "or choose another --out", path=where) from None
            raise
        if not os.access(out, os.W_OK | os.X_OK):  # the lock file may be there from an earlier run
            raise UserError("--out: this folder is read-only; choose another --out", path=where)
        yield
    finally:
        os.close(fd)  # releases the lock


def remove_stale_scorecards(folder: Path, result_sha256: str, rendered: tuple[str, ...]) -> list[Path]:
    """The scorecards in formats this run does not render that show another result than
    `result_sha256` (or an unknown one): removed, and returned."""
    removed = []
    shown = _read(folder / SHOWN_RESULT)
    for ext in SCORECARD_FORMATS:
        card = folder / f"scorecard.{ext}"
        if ext not in rendered and shown != result_sha256 and card.exists():
            card.unlink()
            removed.append(card)
    return removed


def note_shown(folder: Path, result_sha256: str) -> None:
    """Record which result the scorecards show, for those reused from an older scorer that
    did not record it."""
    from ..files import write_atomic

    if _read(folder / SHOWN_RESULT) != result_sha256:
        write_atomic(folder / SHOWN_RESULT, result_sha256)


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
