"""SVG charts of an assessment result: the same markup in HTML and PDF.

Each function takes an :class:`~socialmaturity.reports.result.AssessmentResult`, works out
where everything goes, and renders its template (``reports/templates/*.svg.j2``, see
:mod:`.svg`) to a standalone ``<svg>`` string that

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
from functools import lru_cache, partial

from ..i18n.catalog import number, tr
from .format import num
from .result import AssessmentResult
from .svg import MUTED, ORG, TOP, View, render, scale, text_width, wrap_label
from .templating import Raw, template

OWN_STROKE = f'stroke="{ORG}" stroke-width="3"'
MEDIAN_STROKE = f'stroke="{MUTED}" stroke-width="2.5" stroke-dasharray="9 6"'
TOP_STROKE = f'stroke="{TOP}" stroke-width="2.5" stroke-dasharray="2 5" stroke-linecap="round"'


def _peers_phrase(result: AssessmentResult) -> str:
    g = result.benchmark.peer_group
    text = tr(result.language, "{group}, n = {n}", group=g.label,
              n=number(result.language, g.n, 0))
    return text.replace("n = ", "n\u00a0=\u00a0")  # never wrapped inside "n = 65"


def peers_of(result: AssessmentResult) -> list:
    """The peers' figures of each dimension (a ``DimensionBenchmark``, or None), in order."""
    bench = {b.id: b for b in result.benchmark.dimensions}
    return [bench.get(d.id) for d in result.dimensions]


def score_text(lang: str, score: float | None) -> str:
    """A dimension's score as a chart writes it; "not applicable" when it has none."""
    return num(lang, score) if score is not None else tr(lang, "not applicable")


# -- dimension profile: radar ---------------------------------------------------------------


def dimension_chart_text(result: AssessmentResult) -> tuple[str, str]:
    """The title and description (alternative text) of a chart of the dimension scores
    against peers: the radar, the dot plot and the phone's bars say the same."""
    lang = result.language
    parts = []
    for d, b in zip(result.dimensions, peers_of(result), strict=True):
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
    dot plot (one row per dimension, 0–100).

    The grid, the peers' polygons, the axis labels and the legend are drawn once per
    language, dimensions and peer values (:func:`_radar_frame`); your polygon and scores per
    result."""
    lang = result.language
    dims = result.dimensions
    title, desc = dimension_chart_text(result)
    if len(dims) < 3:
        return _dot_plot(result, id_prefix, title, desc)
    peers = peers_of(result)
    frame = _radar_frame(lang, tuple(d.name for d in dims),
                         tuple(b.top_quartile if b else None for b in peers),
                         tuple(b.median if b else None for b in peers))
    return render(
        "radar.svg.j2", width=RADAR_WIDTH, height=frame.height, prefix=id_prefix, title=title,
        desc=desc, under=frame.under, legend=frame.legend,
        own=_radar_series(frame.cx, frame.cy, [d.score for d in dims]),
        labels=[View(label, score=score_text(lang, d.score))
                for label, d in zip(frame.labels, dims, strict=True)])


RADAR_WIDTH, RADAR_RADIUS = 760.0, 185.0


def _radar_point(cx: float, cy: float, n: int, i: int, value: float) -> tuple[float, float]:
    angle = 2 * math.pi * i / n
    r = RADAR_RADIUS * max(0.0, min(100.0, value)) / 100
    return cx + r * math.sin(angle), cy - r * math.cos(angle)


def _radar_series(cx: float, cy: float, values) -> list[tuple[float, float]]:
    return [_radar_point(cx, cy, len(values), i, v) for i, v in enumerate(values)
            if v is not None]


@lru_cache(maxsize=256)
def _radar_frame(lang: str, names: tuple[str, ...], top_q: tuple, median: tuple) -> View:
    """What a radar shows of the dimensions and the peers: its height and centre, the SVG of
    the grid and the peers' polygons, each axis label (placed and drawn, its score to come)
    and the legend."""
    width, radius, n = RADAR_WIDTH, RADAR_RADIUS, len(names)

    # axis labels first, relative to the centre: the dimension's name, wrapped, and its score
    # beneath; the centre and the height then follow from how far the labels reach
    labels = []
    for i, name in enumerate(names):
        angle = 2 * math.pi * i / n
        sx, sy = math.sin(angle), -math.cos(angle)
        dx, dy = (radius + 20) * sx, (radius + 20) * sy
        anchor = "middle" if abs(sx) < 0.25 else ("start" if sx > 0 else "end")
        room = width / 2 - radius - 30 if anchor != "middle" else 220
        lines = wrap_label(name, 14, room, 3)
        block = len(lines) * 17 + 18
        if sy < -0.5:  # above the chart: the block ends at the label point
            first = dy - block + 4
        elif sy > 0.5:  # below: it starts there
            first = dy + 12
        else:
            first = dy - block / 2 + 12
        labels.append((dx, first, lines, anchor))
    reach_up = max(radius, *(15 - first for _, first, _, _ in labels))
    reach_down = max(radius, *(first + len(lines) * 17 + 6 for _, first, lines, _ in labels))
    cx, cy = width / 2, reach_up + 10
    height = cy + reach_down + 60

    point = partial(_radar_point, cx, cy, n)
    # grid: rings every 20 points, spokes, ring values along the first spoke
    under = template("radar_under.svg.j2").render(
        cx=cx, cy=cy, rings=[[point(i, ring) for i in range(n)] for ring in (20, 40, 60, 80, 100)],
        spokes=[point(i, 100) for i in range(n)],
        ring_labels=[(ring, *point(0, ring)) for ring in (20, 40, 60, 80)],
        top_q=_radar_series(cx, cy, top_q), median=_radar_series(cx, cy, median))
    shapes = template("_svg.j2").module
    placed = []
    for dx, first, lines, anchor in labels:
        x, y = cx + dx, cy + first
        placed.append(View(x=x, score_y=y + len(lines) * 17 + 1, anchor=anchor,
                           name=Raw(shapes.text_lines(x, y, lines, size=14, anchor=anchor,
                                                      lh=17))))
    return View(height=height, cx=cx, cy=cy, under=Raw(under), labels=placed,
                legend=Raw(shapes.legend(_legend(lang, width), height - 30)))


def _legend(lang: str, width: float) -> list[dict]:
    """The legend's items, each with where it starts, centred on the chart."""
    items = [(tr(lang, "Your organization"), OWN_STROKE, True),
             (tr(lang, "Peer median"), MEDIAN_STROKE, False),
             (tr(lang, "Peer top quartile"), TOP_STROKE, False)]
    sample, gap, size = 40.0, 28.0, 14.0
    total = sum(sample + 8 + text_width(label, size) for label, _, _ in items) + \
        gap * (len(items) - 1)
    x = max(10.0, (width - total) / 2)
    out = []
    for label, stroke, dot in items:
        out.append(View(x=x, label=label, stroke=stroke, dot=dot))
        x += sample + 8 + text_width(label, size) + gap
    return out


def _dot_plot(result: AssessmentResult, prefix: str, title: str, desc: str) -> str:
    """One row per dimension on a 0–100 scale: your score (dot), the peer median (dashed
    tick) and top quartile (dotted tick)."""
    lang = result.language
    width, row = 760.0, 70.0
    x0, top = 250.0, 30.0
    height = top + row * len(result.dimensions) + 75
    sx = scale(x0, 720.0)
    rows = [{"y": top + row * i + row / 2, "lines": wrap_label(d.name, 14, x0 - 30, 2),
             "score": score_text(lang, d.score), "top_q": sx(b.top_quartile) if b else None,
             "median": sx(b.median) if b else None, "own": sx(d.score)}
            for i, (d, b) in enumerate(zip(result.dimensions, peers_of(result), strict=True))]
    return render("dot_plot.svg.j2", width=width, height=height, prefix=prefix, title=title,
                  desc=desc, top=top, axis_y=top + row * len(result.dimensions), x0=x0,
                  ticks=[View(x=sx(t), value=t) for t in range(0, 101, 20)], rows=rows,
                  legend_items=_legend(lang, width), legend_y=height - 25)


# -- distribution of the peers' overall scores ----------------------------------------------


def distribution_svg(result: AssessmentResult, *, id_prefix: str = "sm-distribution",
                     width: float = 760.0) -> str:
    """The peers' overall scores as bars per band of 0–100, with lines for your score (solid,
    labelled with its value and percentile), the peer median (dashed) and the start of the top
    quartile (dotted); the peer group and n in the caption. ``width`` 320 suits a phone.

    What shows the peers only (the bars, axes, caption) is drawn once per peer group, language
    and width (:func:`_peer_bars`); the lines and their labels on top of it per result."""
    lang = result.language
    b = result.benchmark
    score = result.overall.score
    peers = _peer_bars(lang, tuple(b.overall_histogram) or (0,) * 10, _peers_phrase(result),
                       width)
    p = b.overall_percentile
    if p is None:
        own = tr(lang, "Your organization scores {score}.", score=num(lang, score))
    else:
        own = tr(lang, "Your organization scores {score}, percentile {p}; peer median "
                       "{median}, top quartile from {q3}.",
                 score=num(lang, score), p=num(lang, p, 0), median=num(lang, b.overall_median),
                 q3=num(lang, b.overall_top_quartile))
    return render("distribution.svg.j2", width=width, height=440.0, prefix=id_prefix,
                  title=tr(lang, "Overall scores of your peers"),
                  desc=peers.desc_head + own + peers.desc_tail, y_bottom=340.0,
                  under=peers.under, over=peers.over, markers=_markers(result, width))


def _x_range(width: float) -> tuple[float, float]:
    return (80.0, width - 30.0) if width >= 500 else (52.0, width - 16.0)


@lru_cache(maxsize=256)
def _peer_bars(lang: str, hist: tuple[int, ...], peers: str, width: float) -> View:
    """The parts of :func:`distribution_svg` that show the peers only: the description before
    and after your score, and the SVG under and over the marker lines."""
    x0, x1 = _x_range(width)
    y_top, y_bottom = 110.0, 340.0
    peak = max(hist)
    step = _nice_step(peak)
    y_max = max(step, math.ceil(peak / step) * step)
    sx = scale(x0, x1)

    def sy(count: float) -> float:
        return y_bottom - (y_bottom - y_top) * count / y_max

    band = 100 / len(hist)
    band_text = number(lang, band, 0)
    desc_head = tr(lang, "Number of peers per band of {band} points of the overall score "
                         "({peers}).", band=band_text, peers=peers) + " "
    desc_tail = " " + "; ".join(
        f"{number(lang, i * band, 0)}–{number(lang, (i + 1) * band, 0)}: {c}"
        for i, c in enumerate(hist)) + "."

    gridlines = [View(y=sy(count), label=number(lang, count, 0))
                 for count in range(0, int(y_max) + 1, step)]
    bars = []
    for i, count in enumerate(hist):
        left, right = sx(i * band) + 3, sx((i + 1) * band) - 3
        label = number(lang, count, 0)
        bars.append(View(count=count, left=left, right=right, y=sy(count), label=label,
                         cx=(left + right) / 2, lw=text_width(label, 13) + 6))
    every = 1 if (x1 - x0) / len(hist) >= 40 else 2  # tick labels that do not touch
    ticks = [View(x=sx(tick * band),
              label=number(lang, tick * band, 0) if tick % every == 0 else None)
             for tick in range(len(hist) + 1)]
    caption = tr(lang, "Peers: {peers}. Bands of {band} points.", peers=peers, band=band_text)
    view = dict(x0=x0, x1=x1, y_bottom=y_bottom, mid_y=(y_top + y_bottom) / 2, bars=bars)
    under = template("distribution_under.svg.j2").render(
        gridlines=gridlines, ticks=ticks, x_axis=tr(lang, "Overall score (0–100)"),
        y_axis=tr(lang, "Number of peers"), **view)
    over = template("distribution_over.svg.j2").render(
        caption=wrap_label(caption, 13, width - 40, 3, em=0.5),
        empty=None if sum(hist) else tr(lang, "No peers to compare with."), **view)
    return View(desc_head=desc_head, desc_tail=desc_tail, under=Raw(under), over=Raw(over))


def _markers(result: AssessmentResult, width: float) -> list[dict]:
    """The lines at your score, the peer median and the top quartile, each with its label on
    a row of its own above the bars."""
    x1 = _x_range(width)[1]
    sx = scale(*_x_range(width))
    lang = result.language
    b = result.benchmark
    score, p = result.overall.score, b.overall_percentile
    if p is None:
        own = tr(lang, "Your score {score}", score=num(lang, score))
    else:
        own = tr(lang, "Your score {score} · percentile {p}", score=num(lang, score),
                 p=num(lang, p, 0))
    markers = [(score, own, OWN_STROKE, ORG, "600")]
    if b.overall_median is not None:
        markers.append((b.overall_median, tr(lang, "Peer median {value}",
                                             value=num(lang, b.overall_median)),
                        MEDIAN_STROKE, MUTED, None))
    if b.overall_top_quartile is not None:
        markers.append((b.overall_top_quartile, tr(lang, "Top quartile from {value}",
                                                   value=num(lang, b.overall_top_quartile)),
                        TOP_STROKE, TOP, None))
    out = []
    for (value, label, stroke, colour, weight), row, anchor in zip(
            markers, *_place_labels([sx(m[0]) for m in markers],
                                    [text_width(m[1], 14) for m in markers], x1 + 20),
            strict=True):
        x = sx(value)
        tx = x + 6 if anchor == "start" else x - 6
        lw = text_width(label, 14) * (1.08 if weight else 1.0)
        left = tx if anchor == "start" else tx - lw
        if left < 4 or left + lw > width - 4:  # on a narrow chart: kept inside, from the left
            anchor, tx = "start", max(4.0, min(left, width - 4 - lw))
        out.append(View(x=x, label_y=28.0 + 26 * row, stroke=stroke, tx=tx,
                    colour=colour, anchor=anchor, weight=weight, label=label))
    return out


def _place_labels(xs: list[float], widths: list[float], right: float
                  ) -> tuple[list[int], list[str]]:
    """Rows (0 = top) and anchors for labels of vertical lines at ``xs``, such that no line
    crosses another's label when it can be helped (a line runs from its label's row down).

    Every order of rows and choice of anchors is tried (3 labels: 48); what each label covers
    with each anchor is worked out once."""
    k = len(xs)
    anchor_names = ("start", "end")
    outside, covers = [], []  # [label][anchor]
    for x, w in zip(xs, widths, strict=True):
        spans = ((x + 6, x + 6 + w), (x - 6 - w, x - 6))
        outside.append([lo < 0 or hi > right for lo, hi in spans])
        covers.append([[j for j in range(k) if lo - 4 <= xs[j] <= hi + 4] for lo, hi in spans])
    best: tuple[float, tuple[int, ...], tuple[int, ...]] = (math.inf, tuple(range(k)),
                                                            (0,) * k)
    for order in itertools.permutations(range(k)):
        shift = 0.01 * sum(abs(order[i] - i) for i in range(k))
        for anchors in itertools.product((0, 1), repeat=k):
            cost = sum(anchors) + shift
            for i in range(k):
                a = anchors[i]
                if outside[i][a]:
                    cost += 100
                for j in covers[i][a]:
                    if j != i and order[j] < order[i]:
                        cost += 10
            if cost < best[0]:
                best = (cost, order, anchors)
    return list(best[1]), [anchor_names[a] for a in best[2]]


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
    return _stage_ladder(result.language, *ladder_key(result), id_prefix)


def ladder_key(result: AssessmentResult) -> tuple:
    """All a stage ladder shows: the current stage (level, name), the peers' stages (level,
    name, share, starting score) and the peer group's phrase. The same for every respondent
    of a peer group at the same stage: the ladders are made once for them
    (:func:`_stage_ladder`, ``charts_narrow``)."""
    current = result.overall.stage
    return ((current.level, current.name),
            tuple((s.level, s.name, s.share, s.min_score)
                  for s in result.benchmark.stage_distribution),
            _peers_phrase(result))


def ladder_texts(lang: str, current: tuple[int, str], dist: tuple, peers: str
                 ) -> tuple[list[tuple], dict, str]:
    """What both stage ladders (this one and ``charts_narrow``'s) show: the stages (level,
    name, share, starting score; the current stage added, without share and start, when no
    peer is at it), their title, description's first sentence and "You are here", and the
    caption."""
    level_now, name_now = current
    stages = list(dist)
    if not any(level == level_now for level, *_ in stages):
        stages = sorted(stages + [(level_now, name_now, None, None)])
    texts = dict(title=tr(lang, "Maturity stages"), here_label=tr(lang, "You are here"),
                 desc=tr(lang, "Your organization is at stage {level} of {total}: {name}.",
                         level=level_now, total=len(stages), name=name_now))
    return stages, texts, tr(lang, "Share of peers at each stage: {peers}.", peers=peers)


@lru_cache(maxsize=512)
def _stage_ladder(lang: str, current: tuple[int, str], dist: tuple, peers: str,
                  id_prefix: str) -> str:
    stages, texts, caption = ladder_texts(lang, current, dist, peers)
    n = len(stages)
    width, height = 760.0, 345.0
    margin, gap = 20.0, 10.0
    base = 262.0
    w = (width - 2 * margin - gap * (n - 1)) / n
    low, high = 96.0, 196.0
    size = 16.0 if w >= 150 else 14.0
    steps_desc, steps = [], []
    for i, (level, name, share, start) in enumerate(stages):
        # with the current stage added, no step tells where it starts
        start = None if n != len(dist) else tr(lang, "from {score}", score=num(lang, start, 0))
        text = f"{level}. {name}" + ("" if start is None else f" ({start})")
        if share is not None:
            text += ": " + tr(lang, "{share}% of peers", share=num(lang, 100 * share, 0))
        steps_desc.append(text)
        h = low + (high - low) * (i / (n - 1) if n > 1 else 1)
        steps.append({
            "x": margin + i * (w + gap), "y": base - h, "h": h, "here": level == current[0],
            "label": tr(lang, "Stage {level}", level=level),
            "lines": wrap_label(name, size, w - 24, 2), "start": start,
            # a bare share: the caption says what it counts, and the phrase runs into its
            # neighbours in Dutch
            "share": None if share is None else num(lang, 100 * share, 0) + "%",
        })
    texts["desc"] += " " + "; ".join(steps_desc) + "."
    return render("ladder.svg.j2", width=width, height=height, prefix=id_prefix, steps=steps,
                  w=w, pad=12.0, size=size, base=base, margin=margin,
                  caption=wrap_label(caption, 13, width - 2 * margin, 2, em=0.5), **texts)
