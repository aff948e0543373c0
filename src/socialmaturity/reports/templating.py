"""The Jinja2 templates of the reports (``reports/templates``): SVG charts (``*.svg.j2``)
and the research report's page (``*.html.j2``).

Every ``{{ value }}`` is escaped for text content (``&``, ``<``, ``>``; quotes stay as they
are, and characters XML 1.0 forbids are dropped); a value inside an attribute goes through
the ``attr`` filter, which escapes quotes too. Markup made elsewhere (a chart inside a page)
is inserted with ``|safe``.
"""

from __future__ import annotations

import re
from functools import cache
from html import escape

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

# XML 1.0 forbids most control characters, even escaped: drop them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: object) -> Markup:
    """Text content, escaped."""
    if isinstance(value, Markup):
        return value
    return Markup(escape(_INVALID_XML.sub("", str(value)), quote=False))


def attr(value: object) -> Markup:
    """An attribute value (to be placed between double quotes), escaped."""
    return Markup(escape(_INVALID_XML.sub("", str(value)), quote=True))


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("socialmaturity.reports", "templates"),
                      autoescape=True, finalize=text, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters["attr"] = attr
    return env


@cache
def template(name: str) -> Template:
    """A template by its file name, compiled once."""
    return _environment().get_template(name)
