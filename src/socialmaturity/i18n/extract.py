"""The Babel extractor of our Python sources (``babel.cfg``: ``[socialmaturity: **.py]``).

Babel's own Python extractor reads tokens and misses a ``tr()`` inside an f-string's braces
(``f"<text>{tr(lang, 'Score')}</text>"``, common in the SVG and HTML writers); this one walks
the syntax tree, so every call of a keyword is found wherever it is. It yields every positional
argument (a string literal, else None); Babel picks the msgid, plural and context from the
keyword's spec (``tr:2``, ``ntr:2,3``, ``ptr:2c,3``, ``Problem:2``).

The keyword ``help`` stands for the command line's help: the docstring of every function
decorated with ``@….command(…)`` / ``@….group(…)`` (as ``inspect.cleandoc`` leaves it, the way
click shows it) and every ``help="…"`` argument; the command line translates them when it
shows ``--help`` (:mod:`socialmaturity.cli.language`)."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator

#: The decorators whose function's docstring is a command's help.
COMMAND_DECORATORS = {"command", "group"}


def _name(func: ast.expr) -> str | None:
    """``tr`` of ``tr(…)`` and of ``catalog.tr(…)``."""
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def calls(source: str, names, filename: str = "<source>") -> Iterator[tuple[ast.Call, str]]:
    """Every call of one of ``names`` in ``source`` (also inside f-strings and lambdas)."""
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and _name(node.func) in names:
            yield node, _name(node.func)


def help_texts(source: str, filename: str = "<source>") -> Iterator[tuple[int, str]]:
    """(line, text) of every help of the command line in ``source``: the docstrings of click's
    commands and groups, and every literal ``help=`` argument."""
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.FunctionDef) and any(
                _name(d.func if isinstance(d, ast.Call) else d) in COMMAND_DECORATORS
                for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield node.lineno, inspect.cleandoc(doc)
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                text = _literal(keyword.value) if keyword.arg == "help" else None
                if text:
                    yield node.lineno, inspect.cleandoc(text)


def extract_python(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extraction method: ``(lineno, funcname, messages, comments)`` per call."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    found = sorted(calls(source, set(keywords), getattr(fileobj, "name", "<source>")),
                   key=lambda c: (c[0].lineno, c[0].col_offset))
    for node, name in found:
        args = [_literal(a) for a in node.args]
        if any(a is not None for a in args):
            yield node.lineno, name, tuple(args), []
    if "help" in keywords:
        for lineno, text in sorted(help_texts(source, getattr(fileobj, "name", "<source>"))):
            yield lineno, "help", (text,), []
