"""Reading rubric files: UTF-8 YAML with positions, and `extends` chains.

A rubric that `extends: other.yaml` is merged over its parent: criteria and
areas with the same id are overridden key by key, new ones are added,
`language` lists are replaced one by one, and `remove:` drops criteria by id.
An inherited criterion's words can be edited without restating its rules:
`add_terms` (a new `terms` rule), `remove_terms` (from every rule),
`add_unless` and `remove_unless` (the criterion's `unless`, and every rule's).
The digest covers every file of the chain, so a change to a parent is a change
to the rubric.

Every merged value keeps the place it was written (`Origins`): an error in a
child rubric names the child's file and line, never the parent's.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .errors import RubricError, did_you_mean
from .rules import RULES, list_form_hint, norm_term
from .yamlpos import MAX_BYTES, Located, load_yaml

EDIT_KEYS = ("add_terms", "remove_terms", "add_unless", "remove_unless")
# The kinds whose YAML value is a list of words (terms), and a list of word groups (all_of, near).
LIST_KINDS = tuple(name for name, cls in RULES.items() if cls.yaml_words == "list")
GROUP_KINDS = tuple(name for name, cls in RULES.items() if cls.yaml_words == "groups")
Origins = dict[tuple, str]  # key path in the merged rubric -> "file:line:col" where it was written


def where(origins: Origins, path: tuple, file: str) -> str:
    """`file:line:col` of a key path in the merged rubric, or of the nearest enclosing one."""
    while path and path not in origins:
        path = path[:-1]
    return origins.get(path, f"{file}:1:1")


def _not_a_file(path: Path) -> str | None:
    """What an existing path is when it is not a regular file (read whole, /dev/zero never ends)."""
    if not path.exists() or path.is_file():
        return None
    return "a folder" if path.is_dir() else "a device or a pipe"


def _read(path: Path, shown: str) -> tuple[Located, bytes]:
    if _not_a_file(path):
        raise RubricError([f"{shown}: is {_not_a_file(path)}, not a rubric file"], path=shown)
    if not path.is_file():
        raise RubricError([f"{shown}: no such rubric file"], path=shown)
    if path.stat().st_size > MAX_BYTES:  # checked before reading: extends may name any file
        raise RubricError([f"{shown}:1:1: the file is over {MAX_BYTES // 1024 // 1024} MB; a rubric is a few KB"],
                          path=shown)
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


def _origins(located: Located, src: tuple = (), dst: tuple = ()) -> Origins:
    """The positions under `src` in one file, as paths under `dst` in the merged rubric."""
    n = len(src)
    return {dst + path[n:]: f"{located.file}:{line}:{col}"
            for path, (line, col) in located.positions.items() if path[:n] == src}


def _drop(origins: Origins, prefix: tuple) -> None:
    for path in [p for p in origins if p[:len(prefix)] == prefix]:
        del origins[path]


def _reindex(origins: Origins, prefix: tuple, mapping: dict[int, int | None]) -> None:
    """Move the positions of a list's items after items were dropped (None) or moved."""
    n = len(prefix)
    moved = {}
    for path in [p for p in origins if p[:n] == prefix and len(p) > n and p[n] in mapping]:
        value = origins.pop(path)
        if mapping[path[n]] is not None:
            moved[prefix + (mapping[path[n]],) + path[n + 1:]] = value
    origins.update(moved)


def merge_chain(path: Path, shown: str, seen: tuple[str, ...] = (),
                files: list[tuple[str, str]] | None = None) -> tuple[dict, Origins, str]:
    """Follow `extends` to the root rubric and merge child over parent.

    Returns the merged rubric, where each of its values was written, and the digest;
    `files` gets each file read and its sha256, child first."""
    key = str(path.resolve()) if path.exists() else str(path)
    if key in seen:
        chain = " → ".join(Path(s).name for s in [*seen, key])
        raise RubricError([f"{shown}:1:1: extends: inheritance cycle ({chain})"], path=shown)
    located, data = _read(path, shown)
    if files is not None:
        files.append((str(path), hashlib.sha256(data).hexdigest()))
    doc = located.value
    parent_ref = doc.get("extends")
    if parent_ref is None:
        return dict(doc), _origins(located), hashlib.sha256(data).hexdigest()
    if not isinstance(parent_ref, str):
        raise RubricError([f"{located.where(('extends',))}: extends: expected a file name, got {parent_ref!r}"], path=shown)
    parent_path = (path.parent / parent_ref) if not Path(parent_ref).is_absolute() else Path(parent_ref)
    if parent_ref.strip() and _not_a_file(parent_path):
        raise RubricError([f"{located.where(('extends',))}: extends: '{parent_ref}' is {_not_a_file(parent_path)}, "
                           "not a rubric file"], path=shown)
    if not parent_path.is_file():  # `extends: ''` names the folder
        raise RubricError([f"{located.where(('extends',))}: extends: no such rubric '{parent_ref}' "
                           f"(looked in {parent_path.parent})"], path=shown)
    parent, origins, parent_digest = merge_chain(parent_path, str(parent_path), (*seen, key), files)
    merged = _merge(parent, doc, located, origins)
    digest = hashlib.sha256(parent_digest.encode() + data).hexdigest()
    return merged, origins, digest


def _merge(parent: dict, child: dict, located: Located, origins: Origins) -> dict:
    """Merge `child` over `parent`, updating `origins` (the parent's, in place) to match."""
    out = {k: v for k, v in parent.items() if k != "extends"}
    problems: list[str] = []
    for key, value in child.items():
        if key in ("extends", "remove"):
            continue
        if key in ("criteria", "areas") and isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = _merge_by_id(out[key], value, key, located, origins, problems)
        elif key == "language" and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
            for word_list in value:
                _drop(origins, (key, word_list))
                origins.update(_origins(located, (key, word_list), (key, word_list)))
        else:
            out[key] = value
            _drop(origins, (key,))
            origins.update(_origins(located, (key,), (key,)))
    removed = child.get("remove") or []
    if removed:
        if not isinstance(removed, list):
            raise RubricError([f"{located.where(('remove',))}: remove: expected a list of criterion ids"], path=located.file)
        ids = {c.get("id") for c in out.get("criteria", []) if isinstance(c, dict)}
        for i, rid in enumerate(removed):
            if rid not in ids:
                problems.append(f"{located.where(('remove', i))}: remove: no criterion '{rid}' to remove"
                                + did_you_mean(str(rid), ids))
        kept = [i for i, c in enumerate(out.get("criteria", [])) if not (isinstance(c, dict) and c.get("id") in removed)]
        mapping = {i: (kept.index(i) if i in kept else None) for i in range(len(out.get("criteria", [])))}
        out["criteria"] = [out["criteria"][i] for i in kept]
        _reindex(origins, ("criteria",), mapping)
    if problems:
        raise RubricError(problems, path=located.file)
    return out


def _merge_by_id(parent: list, child: list, key: str, located: Located, origins: Origins,
                 problems: list[str]) -> list:
    result = [dict(item) if isinstance(item, dict) else item for item in parent]
    index = {item.get("id"): i for i, item in enumerate(result) if isinstance(item, dict)}
    for j, item in enumerate(child):
        if isinstance(item, dict) and item.get("id") in index:
            m = index[item["id"]]
            plain = {k: v for k, v in item.items() if k not in EDIT_KEYS}
            result[m] = {**result[m], **plain}
            for field in plain:
                _drop(origins, (key, m, field))
                origins.update(_origins(located, (key, j, field), (key, m, field)))
            origins[(key, m)] = located.where((key, j))
            if key == "criteria":
                result[m] = _edit_words(result[m], item, j, m, located, origins, problems)
        else:
            if key == "criteria" and isinstance(item, dict) and "rules" not in item and "area" not in item:
                # Neither rules nor an area: meant to change an inherited criterion, not to add one.
                problems.append(f"{located.where((key, j, 'id'))}: no criterion '{item.get('id')}' in the parent "
                                "rubric to change" + did_you_mean(str(item.get("id")), [i for i in index if i])
                                + "; a new criterion needs its area, title, rules and examples")
            origins.update(_origins(located, (key, j), (key, len(result))))
            result.append(item)
    return result


# Editing an inherited criterion's words. The edits work on the YAML values (before
# validation), so that the merged criterion is validated like one written out in full.

def _edit_list(located: Located, path: tuple, value: Any, problems: list[str]) -> list[str]:
    """The words of an edit key; a bare word is a list of one, text holding a comma is refused."""
    name = path[-1]
    if isinstance(value, str) and value.strip() and not list_form_hint(value):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        hint = list_form_hint(value) if isinstance(value, str) else ""
        problems.append(f"{located.where(path)}: {'.'.join(map(str, path))}: expected a list of words, "
                        f"e.g. {name}: [学法讲座]; got {value!r}" + (f"; write {name}: {hint}" if hint else ""))
        return []
    return [v.strip() for v in value]


def _words_of(value: Any) -> list:
    return [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []


def _without(words: list, target: str) -> list:
    return [w for w in words if not (isinstance(w, str) and norm_term(w) == target)]


def _edit_words(criterion: dict, item: dict, j: int, m: int, located: Located, origins: Origins,
                problems: list[str]) -> dict:
    """Apply `add_terms`, `remove_terms`, `add_unless`, `remove_unless` of a child's entry
    to the inherited criterion at merged index m."""
    edits = {k: _edit_list(located, ("criteria", j, k), item[k], problems) for k in EDIT_KEYS if k in item}
    if not edits:
        return criterion
    rules = [dict(r) if isinstance(r, dict) else r for r in criterion.get("rules") or []]
    for k, word in enumerate(edits.get("remove_terms", [])):
        _remove_term(criterion, rules, word, located.where(("criteria", j, "remove_terms", k)), j, problems)
    rules = _drop_emptied(rules, origins, m)
    if edits.get("add_terms"):
        path = ("criteria", m, "rules", len(rules))
        origins.update({path: located.where(("criteria", j, "add_terms")),
                        path + ("terms",): located.where(("criteria", j, "add_terms"))})
        origins.update(_origins(located, ("criteria", j, "add_terms"), path + ("terms",)))
        rules.append({"terms": edits["add_terms"]})
    unless = _words_of(criterion.get("unless") or [])
    for k, word in enumerate(edits.get("remove_unless", [])):
        unless = _remove_unless(criterion, unless, rules, word,
                                located.where(("criteria", j, "remove_unless", k)), j, problems)
    if edits.get("add_unless"):
        start = len(unless)
        unless = unless + edits["add_unless"]
        for k in range(len(edits["add_unless"])):
            origins[("criteria", m, "unless", start + k)] = located.where(("criteria", j, "add_unless", k))
        origins.setdefault(("criteria", m, "unless"), located.where(("criteria", j, "add_unless")))
    out = {**criterion, "rules": rules}
    if unless or "unless" in criterion:
        out["unless"] = unless
    return out


def _remove_term(criterion: dict, rules: list, word: str, at: str, j: int, problems: list[str]) -> None:
    """Take `word` out of every rule's words (in place); a group left empty is a problem."""
    cid, target, found = criterion.get("id"), norm_term(word), False
    for rule in (r for r in rules if isinstance(r, dict)):
        for kind in (k for k in LIST_KINDS if k in rule):
            kept = _without(_words_of(rule[kind]), target)
            found |= len(kept) < len(_words_of(rule[kind]))
            rule[kind] = kept
        for kind in (k for k in GROUP_KINDS if isinstance(rule.get(k), list)):
            groups = [_words_of(g) for g in rule[kind]]
            kept_groups = [_without(g, target) for g in groups]
            found |= kept_groups != groups
            if any(g and not kg for g, kg in zip(groups, kept_groups, strict=True)):
                problems.append(f"{at}: criteria.{j}.remove_terms: removing '{word}' leaves a group of {kind} "
                                f"in '{cid}' empty; restate the criterion's rules: instead")
            rule[kind] = kept_groups
    if not found:
        problems.append(f"{at}: criteria.{j}.remove_terms: '{word}' is not a term of criterion '{cid}'"
                        + did_you_mean(word, _all_terms(criterion)))


def _drop_emptied(rules: list, origins: Origins, m: int) -> list:
    """A list rule left with no word (and no pattern) goes; the others keep their places."""
    kept = [i for i, r in enumerate(rules)
            if not (isinstance(r, dict) and any(k in r and not r[k] for k in LIST_KINDS)
                    and not r.get("patterns"))]
    if len(kept) < len(rules):
        _reindex(origins, ("criteria", m, "rules"),
                 {i: (kept.index(i) if i in kept else None) for i in range(len(rules))})
    return [rules[i] for i in kept]


def _remove_unless(criterion: dict, unless: list, rules: list, word: str, at: str, j: int,
                   problems: list[str]) -> list:
    """`unless` without `word`, taken out of every rule's `unless` too (in place)."""
    target = norm_term(word)
    before = [len(unless)] + [len(_words_of(r.get("unless") or [])) for r in rules if isinstance(r, dict)]
    unless = _without(unless, target)
    for rule in (r for r in rules if isinstance(r, dict) and r.get("unless")):
        rule["unless"] = _without(_words_of(rule["unless"]), target)
    after = [len(unless)] + [len(_words_of(r.get("unless") or [])) for r in rules if isinstance(r, dict)]
    if before == after:
        known = unless + [u for r in rules if isinstance(r, dict) for u in _words_of(r.get("unless") or [])]
        problems.append(f"{at}: criteria.{j}.remove_unless: '{word}' is not an unless word of criterion "
                        f"'{criterion.get('id')}'" + did_you_mean(word, known))
    return unless


def _all_terms(criterion: dict) -> list[str]:
    words: list[str] = []
    for rule in criterion.get("rules") or []:
        if isinstance(rule, dict):
            for kind in LIST_KINDS:
                words += [t for t in _words_of(rule.get(kind)) if isinstance(t, str)]
            for kind in GROUP_KINDS:
                for group in rule.get(kind) or []:
                    words += [t for t in _words_of(group) if isinstance(t, str)]
    return words
