"""What every SVG chart shares: the palette, text measures and wrapping, and rendering a chart
template (``reports/templates/*.svg.j2``, each extending ``_chart.svg.j2``).

Colours have WCAG AA contrast on white (text ≥ 4.5:1, lines and bars ≥ 3:1); series differ by
line style and marker too, so a chart reads without colour.
"""

from __future__ import annotations

import textwrap

from .templating import Raw, template

FONT = "Inter, 'Helvetica Neue', Arial, sans-serif"
INK = "#1f2937"      # text: 14.7:1 on white
MUTED = "#4b5563"    # secondary text, peer median: 7.6:1
GRID = "#d1d5db"     # decorative grid lines
ORG = "#1d4ed8"      # the organization: 6.7:1
TOP = "#9a3412"      # peers' top quartile: 7.3:1
BAR = "#7d8fb3"      # histogram bars: 3.3:1
STEP = "#e8edf5"     # a stage that is not the current one (ink on it: 12.5:1)
STEP_LINE = "#6b7280"

#: The palette as the templates see it (globals of their environment, already safe text).
PALETTE = {name: Raw(value) for name, value in {
    "FONT": FONT, "INK": INK, "MUTED": MUTED, "GRID": GRID, "ORG": ORG, "TOP": TOP, "BAR": BAR,
    "STEP": STEP, "STEP_LINE": STEP_LINE}.items()}


def wrap_label(text: str, font_size: float, max_width: float, max_lines: int = 3,
               em: float = 0.55) -> list[str]:
    """Lines of at most ``max_width``, estimated: Inter averages some 0.5 em a character in
    running text, more in short labels with capitals and in bold (``em``)."""
    chars = max(4, int(max_width / (em * font_size)))
    lines = textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, chars - 1)].rstrip() + "…"
    return lines


def scale(x0: float, x1: float):
    """The x of a 0–100 value (clipped to it) on an axis from ``x0`` to ``x1``; None stays
    None."""
    return lambda v: None if v is None else x0 + (x1 - x0) * max(0.0, min(100.0, v)) / 100


def text_width(text: str, font_size: float) -> float:
    """The estimated width of a short label (0.55 em a character)."""
    return 0.55 * font_size * len(text)


def render(name: str, *, width: float, height: float, prefix: str, title: str, desc: str,
           **view: object) -> str:
    """The chart template ``name`` with its frame (size, ids, title and description) and
    ``view``; every text is escaped where the template places it."""
    return template(name).render(width=width, height=height, prefix=prefix, title=title,
                                 desc=desc, **view)


class View(dict):
    """A chart element's values, read by the template as attributes (``s.x``): Jinja finds
    them on the first try, where a plain dict costs it a failed attribute lookup each."""

    __slots__ = ()

    def __getattr__(self, name: str) -> object:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None
