"""How reports write numbers and describe charts, in every output (HTML, PDF, slides, the
terminal, the research report): one place, so the outputs cannot drift apart."""

from __future__ import annotations

import math

from ..i18n.catalog import number, percent

#: What a missing value prints as.
MISSING = "–"


def rounded(x: float | None, digits: int = 1) -> float | None:
    """``x`` rounded as a result's JSON holds it (one decimal by default); None stays None."""
    return None if x is None else round(x, digits)


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def num(lang: str, x: float | None, decimals: int = 1) -> str:
    """``x`` as ``lang`` writes it (decimal comma in Dutch); a dash when missing."""
    return MISSING if _missing(x) else number(lang, float(x), decimals)


def pct(lang: str, share: float | None, decimals: int = 0) -> str:
    """A share (0–1) as a percentage with its sign: ``0.254`` → ``25%``."""
    return MISSING if _missing(share) else percent(lang, float(share), decimals)


def p_value(lang: str, p: float | None) -> str:
    """A p-value to three decimals, ``< 0.001`` below that."""
    if _missing(p):
        return MISSING
    if p < 0.001:
        return "< " + number(lang, 0.001, 3)
    return number(lang, p, 3)


def ratio(lang: str, r: float | None) -> str:
    """A ratio such as an odds ratio, ``2.50×``; ``∞`` when infinite."""
    if _missing(r):
        return MISSING
    if math.isinf(r):
        return "∞"
    return number(lang, r, 2) + "×"


def alt_text(svg: str) -> str:
    """A chart's ``<title>`` and ``<desc>`` as one text: the image's alternative text in a
    PDF, where the SVG's own elements are not read out."""
    from xml.etree import ElementTree as ET

    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    parts = [(root.findtext(f"{ns}title") or "").strip(),
             (root.findtext(f"{ns}desc") or "").strip()]
    return ". ".join(p.rstrip(".") for p in parts if p) + "."


def stacked(head: str) -> str:
    """A table head one word per line: a column of short values is then as narrow as the
    longest word of its head, which leaves a terminal's 80 columns to the text columns."""
    return "\n".join(head.split())
