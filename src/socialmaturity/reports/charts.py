"""SVG charts of an assessment result, written by hand: the same markup in HTML and PDF.

Each function takes an :class:`~socialmaturity.reports.result.AssessmentResult` and returns a
standalone ``<svg>`` string that

- scales (a ``viewBox``, no fixed width or height: the page sets the size);
- is accessible: ``role="img"``, a ``<title>`` and a ``<desc>`` in the result's language, the
  desc telling the numbers the picture shows;
- reads without colour: series differ by line style (solid, dashed, dotted) and marker, and
  every value that matters is also written as text; colours have WCAG AA contrast on white
  (text ≥ 4.5:1, lines and bars ≥ 3:1);
- escapes every text it places (names and labels may hold ``<``, ``&`` or worse).

``id_prefix`` makes the ids of ``<title>``/``<desc>`` unique when a page shows several charts.
"""

from __future__ import annotations

import itertools
import math
import re
import textwrap
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from ..i18n.catalog import number, tr
from .format import num
from .result import AssessmentResult

FONT = "Inter, 'Helvetica Neue', Arial, sans-serif"
INK = "#1f2937"      # text: 14.7:1 on white
MUTED = "#4b5563"    # secondary text, peer median: 7.6:1
GRID = "#d1d5db"     # decorative grid lines
ORG = "#1d4ed8"      # the organization: 6.7:1
TOP = "#9a3412"      # peers' top quartile: 7.3:1
BAR = "#7d8fb3"      # histogram bars: 3.3:1
STEP = "#e8edf5"     # a stage that is not the current one (ink on it: 12.5:1)
STEP_LINE = "#6b7280"

# XML 1.0 forbids most control characters, even escaped: drop them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape_text(text: object) -> str:
    """Text content, escaped."""
    return escape(_INVALID_XML.sub("", str(text)))


def _a(text: object) -> str:
    """An attribute value, quoted and escaped."""
    return quoteattr(_INVALID_XML.sub("", str(text)))


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


def _text_width(text: str, font_size: float) -> float:
    return 0.55 * font_size * len(text)


def svg_document(width: float, height: float, prefix: str, title: str, desc: str,
                 body: list[str]) -> str:
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
        f'font-family="{FONT}" font-size="15" fill="{INK}">',
        f'<title id="{prefix}-title">{escape_text(title)}</title>',
        f'<desc id="{prefix}-desc">{escape_text(desc)}</desc>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        *body,
        "</svg>",
    ])


def text_lines(x: float, y: float, lines: Sequence[str], *, size: float = 15,
                anchor: str = "start", weight: str | None = None, fill: str | None = None,
                line_height: float | None = None) -> str:
    """A ``<text>`` of several lines, the first baseline at ``y``."""
    lh = line_height or size * 1.25
    attrs = f'x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if fill:
        attrs += f' fill="{fill}"'
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else lh:.1f}">{escape_text(line)}</tspan>'
        for i, line in enumerate(lines))
    return f"<text {attrs}>{spans}</text>"


def _peers_phrase(result: AssessmentResult) -> str:
    g = result.benchmark.peer_group
    text = tr(result.language, "{group}, n = {n}", group=g.label,
              n=number(result.language, g.n, 0))
    return text.replace("n = ", "n\u00a0=\u00a0")  # never wrapped inside "n = 65"


# -- dimension profile: radar ---------------------------------------------------------------


def dimension_chart_text(result: AssessmentResult) -> tuple[str, str]:
    """The title and description (alternative text) of a chart of the dimension scores
    against peers: the radar, the dot plot and the phone's bars say the same."""
    lang = result.language
    bench = {b.id: b for b in result.benchmark.dimensions}
    parts = []
    for d in result.dimensions:
        b = bench.get(d.id)
        parts.append(tr(lang, "{name}: {score} (peer median {median}, top quartile from {q3})",
                        name=d.name, score=num(lang, d.score),
                        median=num(lang, b.median if b else None),
                        q3=num(lang, b.top_quartile if b else None)))
    desc = tr(lang, "Scores from 0 to 100 for your organization and its peers ({peers}).",
              peers=_peers_phrase(result)) + " " + "; ".join(parts) + "."
    return tr(lang, "Scores per dimension compared with peers"), desc


def radar_svg(result: AssessmentResult, *, id_prefix: str = "sm-radar") -> str:
    """The dimension scores as a polygon against the peer median (dashed) and the peers' top
    quartile (dotted), one axis per dimension, with a legend.

    With fewer than three dimensions a polygon says nothing; the same data is then drawn as a
    dot plot (one row per dimension, 0–100)."""
    lang = result.language
    dims = result.dimensions
    bench = {b.id: b for b in result.benchmark.dimensions}
    title, desc = dimension_chart_text(result)
    if len(dims) < 3:
        return _dot_plot(result, id_prefix, title, desc)

    width, radius = 760.0, 185.0
    n = len(dims)
    body: list[str] = []

    # axis labels first, relative to the centre: the dimension's name, wrapped, and its score
    # beneath; the centre and the height then follow from how far the labels reach
    labels = []
    for i, d in enumerate(dims):
        angle = 2 * math.pi * i / n
        sx, sy = math.sin(angle), -math.cos(angle)
        dx, dy = (radius + 20) * sx, (radius + 20) * sy
        anchor = "middle" if abs(sx) < 0.25 else ("start" if sx > 0 else "end")
        room = width / 2 - radius - 30 if anchor != "middle" else 220
        lines = wrap_label(d.name, 14, room, 3)
        score = num(lang, d.score) if d.score is not None else tr(lang, "not applicable")
        block = len(lines) * 17 + 18
        if sy < -0.5:  # above the chart: the block ends at the label point
            first = dy - block + 4
        elif sy > 0.5:  # below: it starts there
            first = dy + 12
        else:
            first = dy - block / 2 + 12
        labels.append((dx, first, lines, anchor, score))
    reach_up = max(radius, *(15 - first for _, first, _, _, _ in labels))
    reach_down = max(radius, *(first + len(lines) * 17 + 6 for _, first, lines, _, _ in labels))
    cx, cy = width / 2, reach_up + 10
    height = cy + reach_down + 60

    def point(i: int, value: float) -> tuple[float, float]:
        angle = 2 * math.pi * i / n
        r = radius * max(0.0, min(100.0, value)) / 100
        return cx + r * math.sin(angle), cy - r * math.cos(angle)

    # grid: rings every 20 points, spokes, ring values along the first spoke
    for ring in (20, 40, 60, 80, 100):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        body.append(f'<polygon points="{pts}" fill="none" stroke="{GRID}" stroke-width="1"/>')
    for i in range(n):
        x, y = point(i, 100)
        body.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
                    f'stroke="{GRID}" stroke-width="1"/>')
    for ring in (20, 40, 60, 80):
        x, y = point(0, ring)
        body.append(f'<text x="{x + 5:.1f}" y="{y + 4:.1f}" font-size="12" fill="{MUTED}">'
                    f"{ring}</text>")

    def series(values: list[float | None]) -> list[tuple[float, float]]:
        return [point(i, v) for i, v in enumerate(values) if v is not None]

    def poly(pts: list[tuple[float, float]], attrs: str) -> str:
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        return f'<polygon points="{coords}" {attrs}/>'

    top_q = series([bench[d.id].top_quartile if d.id in bench else None for d in dims])
    median = series([bench[d.id].median if d.id in bench else None for d in dims])
    own = series([d.score for d in dims])
    if len(top_q) >= 2:
        body.append(poly(top_q, f'fill="none" stroke="{TOP}" stroke-width="2.5" '
                              f'stroke-dasharray="2 5" stroke-linecap="round"'))
    if len(median) >= 2:
        body.append(poly(median, f'fill="none" stroke="{MUTED}" stroke-width="2.5" '
                                 f'stroke-dasharray="9 6"'))
    if len(own) >= 2:
        body.append(poly(own, f'fill="{ORG}" fill-opacity="0.12" stroke="{ORG}" '
                              f'stroke-width="3" stroke-linejoin="round"'))
    for x, y in own:
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{ORG}" stroke="#ffffff" '
                    f'stroke-width="1.5"/>')

    for dx, first, lines, anchor, score in labels:
        x, y = cx + dx, cy + first
        body.append(text_lines(x, y, lines, size=14, anchor=anchor, line_height=17))
        body.append(f'<text x="{x:.1f}" y="{y + len(lines) * 17 + 1:.1f}" font-size="14" '
                    f'font-weight="600" fill="{ORG}" text-anchor="{anchor}">'
                    f'{escape_text(score)}</text>')

    body.append(_legend(lang, width, height - 30))
    return svg_document(width, height, id_prefix, title, desc, body)


def _legend(lang: str, width: float, y: float) -> str:
    items = [
        (tr(lang, "Your organization"),
         f'stroke="{ORG}" stroke-width="3"', True),
        (tr(lang, "Peer median"),
         f'stroke="{MUTED}" stroke-width="2.5" stroke-dasharray="9 6"', False),
        (tr(lang, "Peer top quartile"),
         f'stroke="{TOP}" stroke-width="2.5" stroke-dasharray="2 5" stroke-linecap="round"',
         False),
    ]
    sample, gap, size = 40.0, 28.0, 14.0
    total = sum(sample + 8 + _text_width(label, size) for label, _, _ in items) + \
        gap * (len(items) - 1)
    x = max(10.0, (width - total) / 2)
    out = ['<g>']
    for label, stroke, dot in items:
        out.append(f'<line x1="{x:.1f}" y1="{y - 5:.1f}" x2="{x + sample:.1f}" y2="{y - 5:.1f}" '
                   f'{stroke}/>')
        if dot:
            out.append(f'<circle cx="{x + sample / 2:.1f}" cy="{y - 5:.1f}" r="5" fill="{ORG}"/>')
        out.append(f'<text x="{x + sample + 8:.1f}" y="{y:.1f}" font-size="{size:g}">'
                   f"{escape_text(label)}</text>")
        x += sample + 8 + _text_width(label, size) + gap
    out.append("</g>")
    return "".join(out)


def _dot_plot(result: AssessmentResult, prefix: str, title: str, desc: str) -> str:
    """One row per dimension on a 0–100 scale: your score (dot), the peer median (dashed
    tick) and top quartile (dotted tick)."""
    lang = result.language
    bench = {b.id: b for b in result.benchmark.dimensions}
    width, row = 760.0, 70.0
    x0, x1 = 250.0, 720.0
    top = 30.0
    height = top + row * len(result.dimensions) + 75
    body: list[str] = []

    def sx(v: float) -> float:
        return x0 + (x1 - x0) * max(0.0, min(100.0, v)) / 100

    axis_y = top + row * len(result.dimensions)
    for tick in range(0, 101, 20):
        body.append(f'<line x1="{sx(tick):.1f}" y1="{top:.1f}" x2="{sx(tick):.1f}" '
                    f'y2="{axis_y:.1f}" stroke="{GRID}"/>')
        body.append(f'<text x="{sx(tick):.1f}" y="{axis_y + 18:.1f}" font-size="12" '
                    f'fill="{MUTED}" text-anchor="middle">{tick}</text>')
    for i, d in enumerate(result.dimensions):
        y = top + row * i + row / 2
        lines = wrap_label(d.name, 14, x0 - 30, 2)
        body.append(text_lines(20, y - 4 - (len(lines) - 1) * 8, lines, size=14,
                                line_height=16))
        score = num(lang, d.score) if d.score is not None else tr(lang, "not applicable")
        body.append(f'<text x="20" y="{y + 14 + (len(lines) - 1) * 8:.1f}" font-size="14" '
                    f'font-weight="600" fill="{ORG}">{escape_text(score)}</text>')
        b = bench.get(d.id)
        if b and b.top_quartile is not None:
            x = sx(b.top_quartile)
            body.append(f'<line x1="{x:.1f}" y1="{y - 18:.1f}" x2="{x:.1f}" y2="{y + 18:.1f}" '
                        f'stroke="{TOP}" stroke-width="2.5" stroke-dasharray="2 5" '
                        f'stroke-linecap="round"/>')
        if b and b.median is not None:
            x = sx(b.median)
            body.append(f'<line x1="{x:.1f}" y1="{y - 18:.1f}" x2="{x:.1f}" y2="{y + 18:.1f}" '
                        f'stroke="{MUTED}" stroke-width="2.5" stroke-dasharray="9 6"/>')
        if d.score is not None:
            body.append(f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{sx(d.score):.1f}" y2="{y:.1f}" '
                        f'stroke="{ORG}" stroke-width="3"/>')
            body.append(f'<circle cx="{sx(d.score):.1f}" cy="{y:.1f}" r="6" fill="{ORG}"/>')
    body.append(_legend(lang, width, height - 25))
    return svg_document(width, height, prefix, title, desc, body)


# -- distribution of the peers' overall scores ----------------------------------------------


def distribution_svg(result: AssessmentResult, *, id_prefix: str = "sm-distribution",
                     width: float = 760.0) -> str:
    """The peers' overall scores as bars per band of 0–100, with lines for your score (solid,
    labelled with its value and percentile), the peer median (dashed) and the start of the top
    quartile (dotted); the peer group and n in the caption. ``width`` 340 suits a phone."""
    lang = result.language
    b = result.benchmark
    hist = list(b.overall_histogram) or [0] * 10
    score = result.overall.score
    height = 440.0
    x0, x1 = (80.0, width - 30) if width >= 500 else (52.0, width - 16)
    y_top, y_bottom = 110.0, 340.0
    peak = max(hist)
    step = _nice_step(peak)
    y_max = max(step, math.ceil(peak / step) * step)

    def sx(v: float) -> float:
        return x0 + (x1 - x0) * max(0.0, min(100.0, v)) / 100

    def sy(count: float) -> float:
        return y_bottom - (y_bottom - y_top) * count / y_max

    title = tr(lang, "Overall scores of your peers")
    p = b.overall_percentile
    band = 100 / len(hist)
    desc = tr(lang, "Number of peers per band of {band} points of the overall score ({peers}).",
              band=number(lang, band, 0), peers=_peers_phrase(result)) + " "
    if p is None:
        desc += tr(lang, "Your organization scores {score}.", score=num(lang, score))
    else:
        desc += tr(lang, "Your organization scores {score}, percentile {p}; peer median "
                         "{median}, top quartile from {q3}.",
                   score=num(lang, score), p=num(lang, p, 0), median=num(lang, b.overall_median),
                   q3=num(lang, b.overall_top_quartile))
    desc += " " + "; ".join(
        f"{number(lang, i * band, 0)}–{number(lang, (i + 1) * band, 0)}: {c}"
        for i, c in enumerate(hist)) + "."

    body: list[str] = []
    for count in range(0, int(y_max) + 1, step):
        y = sy(count)
        body.append(f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" '
                    f'stroke="{GRID}"/>')
        body.append(f'<text x="{x0 - 8:.1f}" y="{y + 5:.1f}" font-size="13" fill="{MUTED}" '
                    f'text-anchor="end">{escape_text(number(lang, count, 0))}</text>')
    counts: list[str] = []  # drawn last, over the marker lines
    for i, count in enumerate(hist):
        left, right = sx(i * band) + 3, sx((i + 1) * band) - 3
        y = sy(count)
        if count:
            body.append(f'<rect x="{left:.1f}" y="{y:.1f}" width="{right - left:.1f}" '
                        f'height="{y_bottom - y:.1f}" fill="{BAR}"/>')
        label = number(lang, count, 0)
        cx, lw = (left + right) / 2, _text_width(label, 13) + 6
        counts.append(f'<rect x="{cx - lw / 2:.1f}" y="{y - 20:.1f}" width="{lw:.1f}" '
                      f'height="17" fill="#ffffff"/>'
                      f'<text x="{cx:.1f}" y="{y - 6:.1f}" font-size="13" '
                      f'text-anchor="middle">{escape_text(label)}</text>')
    body.append(f'<line x1="{x0:.1f}" y1="{y_bottom:.1f}" x2="{x1:.1f}" y2="{y_bottom:.1f}" '
                f'stroke="{INK}" stroke-width="1.5"/>')
    every = 1 if (x1 - x0) / len(hist) >= 40 else 2  # tick labels that do not touch
    for tick in range(len(hist) + 1):
        x = sx(tick * band)
        body.append(f'<line x1="{x:.1f}" y1="{y_bottom:.1f}" x2="{x:.1f}" '
                    f'y2="{y_bottom + 5:.1f}" stroke="{INK}"/>')
        if tick % every == 0:
            body.append(f'<text x="{x:.1f}" y="{y_bottom + 22:.1f}" font-size="13" '
                        f'text-anchor="middle">{escape_text(number(lang, tick * band, 0))}'
                        '</text>')
    body.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{y_bottom + 46:.1f}" font-size="14" '
                f'text-anchor="middle" fill="{MUTED}">'
                f'{escape_text(tr(lang, "Overall score (0–100)"))}</text>')
    mid_y = (y_top + y_bottom) / 2
    body.append(f'<text x="22" y="{mid_y:.1f}" font-size="14" fill="{MUTED}" '
                f'text-anchor="middle" transform="rotate(-90 22 {mid_y:.1f})">'
                f'{escape_text(tr(lang, "Number of peers"))}</text>')

    # marker lines, each with its label on a row of its own above the bars
    markers = []
    if p is None:
        own = tr(lang, "Your score {score}", score=num(lang, score))
    else:
        own = tr(lang, "Your score {score} · percentile {p}", score=num(lang, score),
                 p=num(lang, p, 0))
    markers.append((score, own, f'stroke="{ORG}" stroke-width="3"', ORG, "600"))
    if b.overall_median is not None:
        markers.append((b.overall_median,
                        tr(lang, "Peer median {value}", value=num(lang, b.overall_median)),
                        f'stroke="{MUTED}" stroke-width="2.5" stroke-dasharray="9 6"',
                        MUTED, None))
    if b.overall_top_quartile is not None:
        markers.append((b.overall_top_quartile,
                        tr(lang, "Top quartile from {value}",
                           value=num(lang, b.overall_top_quartile)),
                        f'stroke="{TOP}" stroke-width="2.5" stroke-dasharray="2 5" '
                        f'stroke-linecap="round"', TOP, None))
    for (value, label, stroke, colour, weight), row, anchor in zip(
            markers, *_place_labels([sx(m[0]) for m in markers],
                                    [_text_width(m[1], 14) for m in markers], x1 + 20),
            strict=True):
        x = sx(value)
        label_y = 28 + 26 * row
        body.append(f'<line x1="{x:.1f}" y1="{label_y + 5:.1f}" x2="{x:.1f}" '
                    f'y2="{y_bottom:.1f}" {stroke}/>')
        tx = x + 6 if anchor == "start" else x - 6
        lw = _text_width(label, 14) * (1.08 if weight else 1.0)
        left = tx if anchor == "start" else tx - lw
        if left < 4 or left + lw > width - 4:  # on a narrow chart: kept inside, from the left
            anchor, tx = "start", max(4.0, min(left, width - 4 - lw))
        weight_attr = f' font-weight="{weight}"' if weight else ""
        body.append(f'<text x="{tx:.1f}" y="{label_y:.1f}" font-size="14" fill="{colour}" '
                    f'text-anchor="{anchor}"{weight_attr}>{escape_text(label)}</text>')

    body.extend(counts)
    caption = tr(lang, "Peers: {peers}. Bands of {band} points.", peers=_peers_phrase(result),
                 band=number(lang, band, 0))
    lines = wrap_label(caption, 13, width - 40, 3, em=0.5)
    body.append(text_lines(20, y_bottom + 80, lines, size=13, fill=MUTED, line_height=17))
    if not sum(hist):
        body.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{mid_y:.1f}" font-size="16" '
                    f'text-anchor="middle">'
                    f'{escape_text(tr(lang, "No peers to compare with."))}</text>')
    return svg_document(width, height, id_prefix, title, desc, body)


def _place_labels(xs: list[float], widths: list[float], right: float
                  ) -> tuple[list[int], list[str]]:
    """Rows (0 = top) and anchors for labels of vertical lines at ``xs``, such that no line
    crosses another's label when it can be helped (a line runs from its label's row down)."""
    k = len(xs)
    best: tuple[float, tuple[int, ...], tuple[str, ...]] = (math.inf, tuple(range(k)),
                                                            ("start",) * k)
    for order in itertools.permutations(range(k)):
        for anchors in itertools.product(("start", "end"), repeat=k):
            spans = [(x + 6, x + 6 + w) if a == "start" else (x - 6 - w, x - 6)
                     for x, w, a in zip(xs, widths, anchors, strict=True)]
            cost = sum(a == "end" for a in anchors) + 0.01 * sum(
                abs(order[i] - i) for i in range(k))
            for i in range(k):
                lo, hi = spans[i]
                if lo < 0 or hi > right:
                    cost += 100
                for j in range(k):
                    if j != i and order[j] < order[i] and lo - 4 <= xs[j] <= hi + 4:
                        cost += 10
            if cost < best[0]:
                best = (cost, order, anchors)
    return list(best[1]), list(best[2])


def _nice_step(peak: int) -> int:
    """A grid step giving 3–6 lines for counts up to ``peak``."""
    for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if peak / s <= 5:
            return s
    return 10 ** (len(str(peak)) - 1)


# -- stage ladder ---------------------------------------------------------------------------


def stage_ladder_svg(result: AssessmentResult, *, id_prefix: str = "sm-ladder") -> str:
    """The stages as rising steps with the score each starts from, the current one filled and
    marked "You are here"; under each step the share of peers at that stage."""
    lang = result.language
    current = result.overall.stage
    stages = [(s.level, s.name, s.share) for s in result.benchmark.stage_distribution]
    if not any(level == current.level for level, _, _ in stages):
        stages = sorted(stages + [(current.level, current.name, None)])
    n = len(stages)
    thresholds: list[float] | None = [s.min_score for s in result.benchmark.stage_distribution]
    if len(thresholds) != n:
        thresholds = None
    width, height = 760.0, 345.0
    margin, gap = 20.0, 10.0
    base = 262.0
    w = (width - 2 * margin - gap * (n - 1)) / n
    low, high = 96.0, 196.0

    title = tr(lang, "Maturity stages")
    steps_desc = []
    for i, (level, name, share) in enumerate(stages):
        text = f"{level}. {name}"
        if thresholds is not None:
            text += " (" + tr(lang, "from {score}", score=num(lang, thresholds[i], 0)) + ")"
        if share is not None:
            text += ": " + tr(lang, "{share}% of peers", share=num(lang, 100 * share, 0))
        steps_desc.append(text)
    desc = tr(lang, "Your organization is at stage {level} of {total}: {name}.",
              level=current.level, total=n, name=current.name) + " " + "; ".join(steps_desc) + "."

    body: list[str] = []
    for i, (level, name, share) in enumerate(stages):
        x = margin + i * (w + gap)
        h = low + (high - low) * (i / (n - 1) if n > 1 else 1)
        y = base - h
        here = level == current.level
        fill, stroke, ink = (ORG, ORG, "#ffffff") if here else (STEP, STEP_LINE, INK)
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="4" '
                    f'fill="{fill}" stroke="{stroke}" stroke-width="{3 if here else 1.5}"/>')
        pad = 12.0
        size = 16.0 if w >= 150 else 14.0
        body.append(f'<text x="{x + pad:.1f}" y="{y + 24:.1f}" font-size="13" fill="{ink}">'
                    f'{escape_text(tr(lang, "Stage {level}", level=level))}</text>')
        lines = wrap_label(name, size, w - 2 * pad, 2)
        body.append(text_lines(x + pad, y + 28 + size * 1.1, lines, size=size, weight="700",
                                fill=ink, line_height=size * 1.2))
        if thresholds is not None:
            ty = y + 28 + size * 1.1 + len(lines) * size * 1.2 + 2
            start = tr(lang, "from {score}", score=num(lang, thresholds[i], 0))
            body.append(f'<text x="{x + pad:.1f}" y="{ty:.1f}" font-size="13" fill="{ink}">'
                        f"{escape_text(start)}</text>")
        if share is not None:
            body.append(f'<text x="{x + w / 2:.1f}" y="{base + 24:.1f}" font-size="13" '
                        f'fill="{MUTED}" text-anchor="middle">'
                        # a bare share: the caption says what it counts, and the phrase
                        # runs into its neighbours in Dutch
                        + escape_text(num(lang, 100 * share, 0) + "%") + "</text>")
        if here:
            mx = x + w / 2
            label = tr(lang, "You are here")
            body.append(f'<text x="{mx:.1f}" y="{y - 22:.1f}" font-size="15" font-weight="700" '
                        f'fill="{ORG}" text-anchor="middle">{escape_text(label)}</text>')
            body.append(f'<path d="M{mx - 8:.1f},{y - 15:.1f} L{mx + 8:.1f},{y - 15:.1f} '
                        f'L{mx:.1f},{y - 5:.1f} Z" fill="{ORG}"/>')
    body.append(f'<line x1="{margin:.1f}" y1="{base:.1f}" x2="{width - margin:.1f}" '
                f'y2="{base:.1f}" stroke="{INK}" stroke-width="1.5"/>')
    caption = tr(lang, "Share of peers at each stage: {peers}.", peers=_peers_phrase(result))
    body.append(text_lines(margin, base + 52,
                           wrap_label(caption, 13, width - 2 * margin, 2, em=0.5),
                            size=13, fill=MUTED, line_height=17))
    return svg_document(width, height, id_prefix, title, desc, body)
