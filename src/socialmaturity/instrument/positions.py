"""Read YAML (and JSON, a subset of it) keeping the line and column of every value.

``load_with_positions`` returns the plain Python data and a ``Positions`` map from a path
(``("dimensions", 0, "questions", 3, "text")``) to where that value, or its key, starts in the
file. Duplicate mapping keys, which plain YAML loaders silently overwrite, are errors here.

It is the one reader of every YAML input (answers, instruments, mappings, margins, cleaning
rules), and it reads only plain data: aliases (``*a``: the "billion laughs" expansion is never
made), tags (``!!python/name:``, ``!!binary``, ``!foo``), merge keys (``<<``) and nesting
deeper than ``MAX_DEPTH`` are refused with file:line:col before a value is built from them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import InputFileError, Problem, SocialMaturityError, shorten

PathKey = tuple[Any, ...]

#: Deepest nesting of mappings and lists a document may have (instruments need about 8).
MAX_DEPTH = 64
_MERGE = "tag:yaml.org,2002:merge"
_VALUE = "tag:yaml.org,2002:value"


class Positions:
    """Where each value of a loaded document starts in its file (1-based line and column)."""

    def __init__(self, filename: str):
        self.filename = filename
        self.values: dict[PathKey, tuple[int, int]] = {}
        self.keys: dict[PathKey, tuple[int, int]] = {}

    def where(self, path: PathKey, *, key: bool = False) -> str:
        """``file:line:col`` of ``path``, or of its nearest existing parent."""
        path = tuple(path)
        table = self.keys if key and path in self.keys else self.values
        while path and path not in table:
            path = path[:-1]
            table = self.values
        line, col = table.get(path, (1, 1))
        return f"{self.filename}:{line}:{col}"

    def at(self, node: yaml.Node) -> str:
        """``file:line:col`` where ``node`` starts."""
        return "{}:{}:{}".format(self.filename, *_mark(node))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


#: The tags plain YAML resolves by itself: anything else was written as a tag (``!!binary``,
#: ``!!python/name:``, ``!foo``, ``!!set``) or is a merge (``<<``) or value (``=``) key.
_PLAIN_TAGS = frozenset("tag:yaml.org,2002:" + t for t in (
    "str", "int", "float", "bool", "null", "timestamp", "seq", "map"))


def _check_node(node: yaml.Node, path: PathKey, pos: Positions, seen: set[int]) -> None:
    """Refuse what plain data does not need, before anything is built: a node met twice (an
    alias: ``*a``; the "billion laughs" expansion is never made), a tag, nesting deeper than
    ``MAX_DEPTH``."""
    where = pos.at(node)
    if id(node) in seen:
        raise InputFileError(Problem(where, "an alias (*name) is not allowed: write the value "
                                            "out (anchors and aliases are refused)"))
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        if node.tag in (_MERGE, _VALUE):
            raise InputFileError(Problem(where, "{value!r} is not allowed here: merge "
                                                "keys (<<) and value keys (=) are refused; "
                                                "quote it to mean the text", value=node.value))
        raise InputFileError(Problem(where, "tag {tag} is not allowed: write plain text, "
                                            "numbers, lists and mappings", tag=_short(node.tag)))
    if len(path) > MAX_DEPTH:
        raise InputFileError(Problem(where, "nested deeper than {n} levels", n=MAX_DEPTH))


def _short(text: str, limit: int = 80) -> str:
    text = text.replace("tag:yaml.org,2002:", "!!")
    shown = repr(text)
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def _scalar(node: yaml.Node, pos: Positions, constructor: Any) -> Any:
    try:
        return constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        what = getattr(exc, "problem", None) or str(exc)
        if "digits" in str(what):
            what = "a number with more than 4,300 digits"
        raise InputFileError(Problem(pos.at(node), "cannot read this value: {error}",
                                     error=shorten(str(what), 120))) from None


def _build(node: yaml.Node, path: PathKey, pos: Positions, problems: list[Problem],
           constructor: Any, seen: set[int]) -> Any:
    _check_node(node, path, pos, seen)
    pos.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(pos.where(path), "mapping keys must be plain text"))
                continue
            _check_node(key_node, path, pos, seen)
            key = _scalar(key_node, pos, constructor)
            try:
                hash(key)
            except TypeError:
                problems.append(Problem(pos.where(path), "mapping keys must be plain text"))
                continue
            if key in out:
                problems.append(Problem(pos.at(key_node), "duplicate key {key!r}: each key once",
                                        key=key))
                continue
            pos.keys[path + (key,)] = _mark(key_node)
            out[key] = _build(value_node, path + (key,), pos, problems, constructor, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), pos, problems, constructor, seen)
                for i, item in enumerate(node.value)]
    return _scalar(node, pos, constructor)


def parse_with_positions(text: str, filename: str) -> tuple[Any, Positions]:
    """Parse YAML or JSON text; raise ``InputFileError`` naming file:line:col on bad syntax."""
    pos = Positions(filename)
    try:
        loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        node = yaml.compose(text, Loader=loader_cls)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
        raise InputFileError(Problem(where, "not valid YAML/JSON: {error}",
                                     error=exc.problem or exc.context)) from None
    except yaml.YAMLError as exc:
        raise InputFileError(Problem(filename, "not valid YAML/JSON: {error}",
                                     error=_short(str(exc), 200))) from None
    if node is None:
        raise InputFileError(Problem(f"{filename}:1:1", "the file is empty"))
    problems: list[Problem] = []
    data = _build(node, (), pos, problems, yaml.SafeLoader(""), set())
    if problems:
        raise InputFileError(problems)
    return data, pos


def load_with_positions(path: str | Path, error: type[SocialMaturityError] | None = None
                        ) -> tuple[Any, Positions]:
    """Read a YAML or JSON file; raise ``InputFileError`` when it cannot be read or parsed
    (or ``error`` with the same problems: the reader's own kind of error)."""
    try:
        return _load(Path(path))
    except InputFileError as exc:
        if error is None:
            raise
        raise error(exc.problems) from None


def _load(path: Path) -> tuple[Any, Positions]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(Problem(str(path), "no such file")) from None
    except IsADirectoryError:
        raise InputFileError(Problem(str(path), "is a folder, not a file")) from None
    except UnicodeDecodeError as exc:
        raise InputFileError(Problem(str(path), "not UTF-8 text (byte {byte}): save it as UTF-8 "
                                     "YAML or JSON", byte=exc.start)) from None
    except OSError as exc:
        raise InputFileError(Problem(str(path), "cannot be read: {error}",
                                     error=exc.strerror)) from None
    return parse_with_positions(text, str(path))
