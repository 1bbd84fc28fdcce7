"""Writing output files: atomically, and JSON always serialised the same way.

A leaf module (standard library only), so that every writer of outputs can use it
without importing the engine.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def to_json(value: Any, *, indent: int | None = 1, sort_keys: bool = True) -> str:
    """JSON as every output writes it: UTF-8 text as written, sorted keys, a final newline."""
    return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys, indent=indent) + "\n"


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write a file so that it is either complete or absent: temp file, fsync, rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
