"""Read YAML (and JSON, a subset of it) keeping the line and column of every value.

``load_with_positions`` returns the plain Python data and a ``Positions`` map from a path
(``("dimensions", 0, "questions", 3, "text")``) to where that value, or its key, starts in the
file. Duplicate mapping keys, which plain YAML loaders silently overwrite, are errors here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import InputFileError, Problem

PathKey = tuple[Any, ...]


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


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _build(
    node: yaml.Node, path: PathKey, pos: Positions, problems: list[Problem], constructor: Any
) -> Any:
    pos.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(pos.where(path), "mapping keys must be plain text"))
                continue
            key = constructor.construct_object(key_node)
            if key in out:
                line, col = _mark(key_node)
                problems.append(
                    Problem(f"{pos.filename}:{line}:{col}", f"duplicate key {key!r}: each key once")
                )
                continue
            pos.keys[path + (key,)] = _mark(key_node)
            out[key] = _build(value_node, path + (key,), pos, problems, constructor)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, path + (i,), pos, problems, constructor)
            for i, item in enumerate(node.value)
        ]
    return constructor.construct_object(node, deep=True)


def parse_with_positions(text: str, filename: str) -> tuple[Any, Positions]:
    """Parse YAML or JSON text; raise ``InputFileError`` naming file:line:col on bad syntax."""
    pos = Positions(filename)
    try:
        loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        node = yaml.compose(text, Loader=loader_cls)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
        raise InputFileError(
            Problem(where, f"not valid YAML/JSON: {exc.problem or exc.context}")
        ) from None
    except yaml.YAMLError as exc:
        raise InputFileError(Problem(filename, f"not valid YAML/JSON: {exc}")) from None
    if node is None:
        raise InputFileError(Problem(f"{filename}:1:1", "the file is empty"))
    problems: list[Problem] = []
    data = _build(node, (), pos, problems, yaml.SafeLoader(""))
    if problems:
        raise InputFileError(problems)
    return data, pos


def load_with_positions(path: str | Path) -> tuple[Any, Positions]:
    """Read a YAML or JSON file; raise ``InputFileError`` when it cannot be read or parsed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(Problem(str(path), "no such file")) from None
    except IsADirectoryError:
        raise InputFileError(Problem(str(path), "is a folder, not a file")) from None
    except UnicodeDecodeError as exc:
        raise InputFileError(
            Problem(str(path), f"not UTF-8 text (byte {exc.start}): save it as UTF-8 YAML or JSON")
        ) from None
    except OSError as exc:
        raise InputFileError(Problem(str(path), f"cannot be read: {exc.strerror}")) from None
    return parse_with_positions(text, str(path))
