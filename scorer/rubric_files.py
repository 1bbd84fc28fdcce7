"""Reading rubric files: UTF-8 YAML with positions, and `extends` chains.

A rubric that `extends: other.yaml` is merged over its parent: criteria and
areas with the same id are overridden key by key, new ones are added,
`language` lists are replaced one by one, and `remove:` drops criteria by id.
The digest covers every file of the chain, so a change to a parent is a change
to the rubric.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import RubricError, did_you_mean
from .yamlpos import Located, load_yaml


def _read(path: Path, shown: str) -> tuple[Located, bytes]:
    if not path.exists():
        raise RubricError([f"{shown}: no such rubric file"], path=shown)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RubricError([f"{shown}: not UTF-8 text (byte {exc.start}); save the rubric as UTF-8"], path=shown) from None
    located = load_yaml(text, shown)
    if not isinstance(located.value, dict):
        kind = type(located.value).__name__ if located.value is not None else "empty"
        raise RubricError([f"{shown}:1:1: a rubric must be a mapping of keys (id, title, areas, criteria …), "
                           f"not {kind}"], path=shown)
    return located, data


def merge_chain(path: Path, shown: str, seen: tuple[str, ...] = ()) -> tuple[dict, list[Located], str]:
    """Follow `extends` to the root rubric and merge child over parent."""
    key = str(path.resolve()) if path.exists() else str(path)
    if key in seen:
        chain = " → ".join(Path(s).name for s in [*seen, key])
        raise RubricError([f"{shown}:1:1: extends: inheritance cycle ({chain})"], path=shown)
    located, data = _read(path, shown)
    doc = located.value
    parent_ref = doc.get("extends")
    if parent_ref is None:
        return dict(doc), [located], hashlib.sha256(data).hexdigest()
    if not isinstance(parent_ref, str):
        raise RubricError([f"{located.where(('extends',))}: extends: expected a file name, got {parent_ref!r}"], path=shown)
    parent_path = (path.parent / parent_ref) if not Path(parent_ref).is_absolute() else Path(parent_ref)
    if not parent_path.exists():
        raise RubricError([f"{located.where(('extends',))}: extends: no such rubric '{parent_ref}' "
                           f"(looked in {parent_path.parent})"], path=shown)
    parent, chain, parent_digest = merge_chain(parent_path, str(parent_path), (*seen, key))
    merged = _merge(parent, doc, located)
    digest = hashlib.sha256(parent_digest.encode() + data).hexdigest()
    return merged, [*chain, located], digest


def _merge(parent: dict, child: dict, located: Located) -> dict:
    out = {k: v for k, v in parent.items() if k != "extends"}
    for key, value in child.items():
        if key in ("extends", "remove"):
            continue
        if key in ("criteria", "areas") and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = _merge_by_id(out[key], value)
        elif key == "language" and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    removed = child.get("remove") or []
    if removed:
        if not isinstance(removed, list):
            raise RubricError([f"{located.where(('remove',))}: remove: expected a list of criterion ids"], path=located.file)
        ids = {c.get("id") for c in out.get("criteria", []) if isinstance(c, dict)}
        for i, rid in enumerate(removed):
            if rid not in ids:
                raise RubricError([f"{located.where(('remove', i))}: remove: no criterion '{rid}' to remove"
                                   + did_you_mean(str(rid), ids)], path=located.file)
        out["criteria"] = [c for c in out.get("criteria", []) if not (isinstance(c, dict) and c.get("id") in removed)]
    return out


def _merge_by_id(parent: list, child: list) -> list:
    result = [dict(item) if isinstance(item, dict) else item for item in parent]
    index = {item.get("id"): i for i, item in enumerate(result) if isinstance(item, dict)}
    for item in child:
        if isinstance(item, dict) and item.get("id") in index:
            result[index[item["id"]]] = {**result[index[item["id"]]], **item}
        else:
            result.append(item)
    return result
