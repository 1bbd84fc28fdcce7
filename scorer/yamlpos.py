"""YAML → plain Python values, remembering where each value was written.

PyYAML silently keeps the last of two equal keys and expands aliases without
bound; evaluators' rubrics deserve better. This loader refuses duplicate keys,
caps alias expansion (billion laughs) and nesting, refuses tabs in indentation,
and records the line and column of every value so that each error can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from .errors import RubricError

# Values reached again through an alias: a rubric reusing its lists reaches thousands, a
# billion laughs 10^9 (refused in under a second). Values written out are not counted.
MAX_ALIASED = 50_000
MAX_DEPTH = 50  # a rubric nests 6 deep; 1,000 deep overflows Python's stack
MAX_BYTES = 5 * 1024 * 1024

Path = tuple[Any, ...]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster, same marks
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


@dataclass(frozen=True)
class Located:
    """A YAML document as Python values plus the position of each value by its key path."""

    value: Any
    positions: dict[Path, tuple[int, int]]
    file: str

    def where(self, path: Path) -> str:
        """`file:line:col` for a key path, or the nearest enclosing one that is known."""
        while path and path not in self.positions:
            path = path[:-1]
        line, col = self.positions.get(path, (1, 1))
        return f"{self.file}:{line}:{col}"


def load_yaml(text: str, file: str) -> Located:
    """Parse YAML text; every problem is a RubricError located in `file`."""
    if len(text.encode("utf-8", errors="ignore")) > MAX_BYTES:
        raise RubricError([f"{file}:1:1: the file is over {MAX_BYTES // 1024 // 1024} MB; a rubric is a few KB"], path=file)
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            raise RubricError([f"{file}:{number}:{len(line) - len(stripped) + 1}: a tab in the indentation; "
                               "YAML indents with spaces only"], path=file)
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else file
        raise RubricError([f"{where}: invalid YAML: {exc.problem or exc}"], path=file) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL): at its line and column
        # libyaml counts the position in bytes: the reader stops at the character's first occurrence
        position = max(text.find(chr(exc.character)), 0)
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        raise RubricError([f"{file}:{line}:{column}: invalid YAML: character U+{exc.character:04X} is not allowed "
                           "in a YAML file; remove it"], path=file) from None
    except yaml.YAMLError as exc:
        raise RubricError([f"{file}: invalid YAML: {exc}"], path=file) from None
    except RecursionError:  # the pure-Python parser (without libyaml) on deep nesting
        raise RubricError([f"{file}:1:1: invalid YAML: nested too deep (a rubric nests a few levels)"],
                          path=file) from None
    positions: dict[Path, tuple[int, int]] = {}
    # A constructor of its own: it keeps every node it built (PyYAML's cache), which one shared
    # for the process would hold for good, rubric after rubric.
    walk = _Walk(file, set(), [MAX_ALIASED], yaml.SafeLoader(""))
    value = _convert(node, (), positions, walk, False) if node is not None else None
    return Located(value, positions, file)


@dataclass(frozen=True)
class _Walk:
    """What one conversion tracks: the nodes seen (a node met again is an alias expanded)
    and how many more values aliases may expand to."""

    file: str
    seen: set[int]
    budget: list[int]
    constructor: yaml.SafeLoader  # only its scalar constructors are used


def _check_bounds(node: yaml.Node, path: Path, walk: _Walk, aliased: bool) -> bool:
    """Whether the node is reached through an alias; refuses an alias bomb or deep nesting."""
    at = f"{walk.file}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"
    if len(path) > MAX_DEPTH:
        raise RubricError([f"{at}: nested more than {MAX_DEPTH} levels deep; a rubric nests a few levels"],
                          path=walk.file)
    aliased = aliased or id(node) in walk.seen
    walk.seen.add(id(node))
    if aliased:
        walk.budget[0] -= 1
        if walk.budget[0] < 0:
            raise RubricError([f"{at}: the YAML expands to more than {MAX_ALIASED:,} values through aliases "
                               "(aliases of aliases: a billion laughs?)"], path=walk.file)
    return aliased


def _convert(node: yaml.Node, path: Path, positions: dict, walk: _Walk, aliased: bool) -> Any:
    aliased = _check_bounds(node, path, walk, aliased)
    file = walk.file
    positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise RubricError([f"{file}:{key_node.start_mark.line + 1}:{key_node.start_mark.column + 1}: "
                                   "merge keys (<<) are not supported; use `extends` to build on another rubric"], path=file)
            key = _convert(key_node, path, {}, walk, aliased)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise RubricError([f"{file}:{key_node.start_mark.line + 1}:{key_node.start_mark.column + 1}: "
                                   "a key must be a plain word"], path=file)
            if key in out:
                raise RubricError([f"{file}:{key_node.start_mark.line + 1}:{key_node.start_mark.column + 1}: "
                                   f"duplicate key '{key}' (the first is at line {positions[path + (key,)][0]})"], path=file)
            positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _convert(value_node, path + (key,), positions, walk, aliased)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), positions, walk, aliased) for i, item in enumerate(node.value)]
    if node.tag == _STR:  # most of a rubric: the text as written, as PyYAML's constructor gives it
        return node.value
    at = f"{file}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"
    try:
        return walk.constructor.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:  # an unknown tag (!foo): its problem, without PyYAML's own position
        raise RubricError([f"{at}: {exc.problem or exc.context or 'invalid value'}"], path=file) from None
    except yaml.YAMLError as exc:
        raise RubricError([f"{at}: {exc}"], path=file) from None
    except ValueError as exc:  # 2024-02-30 reads as a date, and there is no such day
        if node.tag != _TIMESTAMP:
            raise RubricError([f"{at}: {node.value[:40]!r} cannot be read ({str(exc)[:80]}); put it in quotes "
                               "to keep it as text"], path=file) from None
        raise RubricError([f"{at}: {node.value} is not a real date ({exc}); write a real one, or put it in "
                           "quotes to keep it as text"], path=file) from None
