"""The charts as the PDF prints them: the SVG's graphics as an image, its texts as labels that
Typst typesets on top (``chart-box`` in ``typst/style.typ``).

Text inside an SVG image is shaped again for every PDF, while text that Typst sets itself is
kept between reports: the stage names, axis ticks and legends of a chart are the same for
every organization of a peer group. The web shows the same SVG whole, texts included.

Only what our chart templates write is read: ``<text>`` with ``x``, ``y``, ``font-size``,
``font-weight``, ``fill``, ``text-anchor`` and a ``rotate(...)`` transform about the text's
own anchor point, lines as ``<tspan x dy>``; the defaults come from the root ``<svg>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_TEXT = re.compile(r"<text\b[^>]*>.*?</text>", re.S)
_ROOT = re.compile(r"<svg\b[^>]*>")
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_ROTATE = re.compile(r"rotate\(\s*(-?[\d.]+)")


def pdf_chart(svg: str, alt: str) -> dict:
    """The chart for the PDF template: ``svg`` without its texts, its viewBox ``width`` and
    ``height``, the ``labels`` (one per line of text, at the SVG's coordinates) and ``alt``."""
    root = dict(_ATTRIBUTE.findall(_ROOT.search(svg).group(0)))
    _, _, width, height = (float(v) for v in root["viewBox"].split())
    size = float(root.get("font-size", 16))
    fill = root.get("fill", "#000000")
    labels = []
    for found in _TEXT.finditer(svg):
        text = ET.fromstring(found.group(0))
        rotate = _ROTATE.search(text.get("transform", ""))
        style = {"size": float(text.get("font-size", size)),
                 "weight": int(text.get("font-weight", 400)), "fill": text.get("fill", fill),
                 "anchor": text.get("text-anchor", "start"),
                 "rotate": float(rotate.group(1)) if rotate else 0.0}
        x, y = float(text.get("x", 0)), float(text.get("y", 0))
        lines = [(x, y, text.text)] if (text.text or "").strip() else []
        for span in text:
            y += float(span.get("dy", 0))
            lines.append((float(span.get("x", x)), y, "".join(span.itertext())))
        labels += [{**style, "x": lx, "y": ly, "text": line} for lx, ly, line in lines if line]
    return {"svg": _TEXT.sub("", svg), "width": width, "height": height, "labels": labels,
            "alt": alt}
