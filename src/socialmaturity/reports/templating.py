"""The Jinja2 templates of the reports (``reports/templates``): SVG charts (``*.svg.j2``)
and the research report's page (``*.html.j2``).

Every ``{{ value }}`` is escaped for text content (``&``, ``<``, ``>``; quotes stay as they
are, and characters XML 1.0 forbids are dropped) unless it is known to be safe: an int, a
float (a coordinate, written with one decimal: ``12.0``), a size from the ``g`` filter
(``16``), or markup made elsewhere and passed with ``|safe`` (a chart inside a page, a
macro's output). A value inside an attribute goes through the ``attr`` filter, which escapes
quotes too. (Jinja's own autoescaping would do the same at three times the cost: the charts
place a few hundred numbers each.)
"""

from __future__ import annotations

import re
from functools import cache
from html import escape

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

# XML 1.0 forbids most control characters, even escaped: drop them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Raw(str):
    """Text that is already safe where it is placed (formatted numbers, escaped values)."""

    __slots__ = ()


def text(value: object) -> str:
    """What a ``{{ value }}`` prints: text content escaped, safe values as they are, a float
    with one decimal."""
    kind = type(value)
    if kind is Raw:
        return value
    if isinstance(value, float):  # numpy's float64 too
        return f"{value:.1f}"
    if kind is int or isinstance(value, Markup):
        return str(value)
    return escape(_INVALID_XML.sub("", str(value)), quote=False)


def attr(value: object) -> Raw:
    """An attribute value (to be placed between double quotes), escaped."""
    return Raw(escape(_INVALID_XML.sub("", str(value)), quote=True))


@cache
def _environment() -> Environment:
    # autoescape is off because ``text`` (the finalizer) escapes every value itself
    env = Environment(loader=PackageLoader("socialmaturity.reports", "templates"),
                      autoescape=False, finalize=text, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters["attr"] = attr
    env.filters["g"] = lambda x: Raw(f"{x:g}")     # a size: as short as it goes
    from .svg import PALETTE

    env.globals.update(PALETTE)  # the charts' colours and font, in every template and macro
    return env


@cache
def template(name: str) -> Template:
    """A template by its file name, compiled once."""
    return _environment().get_template(name)
