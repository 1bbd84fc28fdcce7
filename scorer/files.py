"""Writing output files: atomically, honouring the umask, and JSON always serialised the
same way; and file names made safe to show.

A leaf module (the standard library and errors.py only), so that every writer of outputs can use it
without importing the engine.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

import orjson

from .errors import UserError


class WriteError(UserError):
    """An output that cannot be written (full disk, read-only folder): one line naming the
    folder and the cause, exit 2: the batch cannot go on."""


def to_json(value: Any, *, sort_keys: bool = True) -> str:
    """JSON as every output writes it: UTF-8 text as written, indented by two, sorted keys,
    a final newline. orjson writes it (a result.json in a tenth of the time); what orjson
    refuses (a lone surrogate from an undecodable file name, an integer beyond 64 bits) goes
    through the standard library in the same layout."""
    try:
        return _orjson(value, sort_keys).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys, indent=2) + "\n"


def to_json_bytes(value: Any, *, sort_keys: bool = True) -> bytes:
    """to_json's text as write_atomic writes it, made without the text: a long report's
    result would be held three times over while decoded and encoded again."""
    try:
        return _orjson(value, sort_keys)
    except TypeError:
        return to_json(value, sort_keys=sort_keys).encode("utf-8", "backslashreplace")


def _orjson(value: Any, sort_keys: bool) -> bytes:
    """With its final newline: adding one after would copy the whole text (a long report's
    result is a MB)."""
    option = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    return orjson.dumps(value, option=option | (orjson.OPT_SORT_KEYS if sort_keys else 0))


def write_atomic(path: str | Path, data: str | bytes, *, durable: bool = True) -> None:
    """Write a file so that it is either complete or absent: temp file, fsync, rename.
    The file gets the mode any new file would (0666 less the umask).

    `durable=False` leaves out the fsync (a few milliseconds a file): for files that are
    checked whenever they are read again and made anew when damaged (a report's result and
    fingerprint, cache entries), a power cut can cost only the time to make them again.
    The rename still keeps a half-written file from ever standing under the name."""
    path = Path(path)
    if isinstance(data, str):
        # a lone surrogate (a file name Python could not decode) must not cost the file
        data = data.encode("utf-8", "backslashreplace")
    tmp = path.parent / f".{path.name[:200]}.{secrets.token_hex(4)}.tmp"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise write_error(exc, path) from None
        raise


def write_error(exc: OSError, path: Path) -> WriteError:
    """The one line for an output that cannot be written."""
    where = show(str(path.parent))
    if exc.errno == errno.ENOSPC:
        return WriteError(f"no space left on the device (ENOSPC) writing in {where}; "
                                     "free some space and run the same command again")
    if exc.errno == errno.EDQUOT:
        return WriteError(f"disk quota exceeded (EDQUOT) writing in {where}; "
                                     "free some space and run the same command again")
    return WriteError(f"cannot write {show(str(path))}: {exc.strerror or exc}")


_ESCAPED = re.compile(r"[\udc80-\udcff]+")  # bytes os.fsdecode could not decode
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # never shown raw on a terminal or in a file


def show(text: str) -> str:
    """A file name (or a message holding one) safe to print and to write anywhere: bytes
    that were not UTF-8 read as GB18030 (a zip made on Chinese Windows), those not valid in
    it either as \\xNN; control characters as \\xNN."""
    text = _ESCAPED.sub(_decode_run, text)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


def show_name(name: str) -> str:
    """A file name or path as `show` gives it, each part's raw bytes decoded as one: a GBK
    name whose second bytes fall in ASCII is still read as GBK."""
    return "/".join(_show_part(part) for part in name.split("/"))


def _show_part(name: str) -> str:
    raw = os.fsencode(name)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return show(raw.decode("gb18030"))
        except UnicodeDecodeError:
            pass
    return show(name)


def _decode_run(match: re.Match[str]) -> str:
    raw = bytes(ord(c) - 0xDC00 for c in match.group())
    return raw.decode("gb18030", "backslashreplace")


def read_utf8(path: Path, what: str) -> str:
    """A text file the user wrote (a gold file, a review record), as one located error when it
    cannot be read: not UTF-8 (with or without BOM), or an OS error."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 text (byte {exc.start}); save the {what} as UTF-8", path=str(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read the {what}: {exc.strerror or exc}", path=str(path)) from None
