"""The Babel extractor of our Python sources (``babel.cfg``: ``[socialmaturity: **.py]``).

Babel's own Python extractor reads tokens and misses a ``tr()`` inside an f-string's braces
(``f"<text>{tr(lang, 'Score')}</text>"``, common in the SVG and HTML writers); this one walks
the syntax tree, so every call of a keyword is found wherever it is. It yields every positional
argument (a string literal, else None); Babel picks the msgid, plural and context from the
keyword's spec (``tr:2``, ``ntr:2,3``, ``ptr:2c,3``, ``Problem:2``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def calls(source: str, names, filename: str = "<source>") -> Iterator[tuple[ast.Call, str]]:
    """Every call of one of ``names`` in ``source`` (also inside f-strings and lambdas)."""
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and _name(node.func) in names:
            yield node, _name(node.func)


def extract_python(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extraction method: ``(lineno, funcname, messages, comments)`` per call."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    found = sorted(calls(source, set(keywords), getattr(fileobj, "name", "<source>")),
                   key=lambda c: (c[0].lineno, c[0].col_offset))
    for node, name in found:
        args = [_literal(a) for a in node.args]
        if any(a is not None for a in args):
            yield node.lineno, name, tuple(args), []
