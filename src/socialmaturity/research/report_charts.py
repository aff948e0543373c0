"""The research report's charts, written as SVG with the helpers and palette of
:mod:`socialmaturity.reports.charts` (accessible: ``role="img"``, a title and a description
that tells the numbers, readable without colour):

- the focus and rest shares of the leading findings, each with its 95% interval;
- the stage distribution by sector (100% bars);
- the dimension score distributions (P10–P90 whiskers, P25–P75 box, median).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ..i18n.catalog import number, tr
from ..reports.charts import (
    BAR,
    GRID,
    INK,
    MUTED,
    ORG,
    escape_text,
    svg_document,
    text_lines,
    wrap_label,
)
from ..reports.format import num, pct
from .findings import lower_first

__all__ = ["comparison_svg", "stage_sector_svg", "score_distribution_svg"]

#: Fills of the stages, lightest (first stage) to darkest; text on the last two is white.
STAGE_FILLS = ("#e8edf5", "#b7c6e4", "#5b7fc7", "#1d3f8a", "#0f2557", "#081633")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def comparison_svg(rows: Sequence[dict], lang: str, focus_name: str, rest_name: str, *,
                   id_prefix: str = "rs-compare") -> str:
    """Focus and rest shares with their 95% intervals, one row per indicator.

    ``rows``: dicts with ``label``, ``focus``/``focus_low``/``focus_high`` and
    ``rest``/``rest_low``/``rest_high`` (shares 0–1; NaN bounds are left out)."""
    width, left, right = 760.0, 300.0, 690.0
    row_h, top = 50.0, 64.0
    height = top + row_h * max(len(rows), 1) + 40

    def x(share: float) -> float:
        return left + (right - left) * min(max(share, 0.0), 1.0)

    title = tr(lang, "Shares of {focus} and {rest}, with 95% intervals",
               focus=lower_first(focus_name), rest=rest_name)
    parts = [tr(lang, "{label}: {focus} {a}, {rest} {b}", label=r["label"], focus=focus_name,
                a=pct(lang, r["focus"]), rest=rest_name, b=pct(lang, r["rest"]))
             for r in rows]
    desc = "; ".join(parts) + "."
    body = [f'<line x1="{left}" y1="{top - 8}" x2="{left}" y2="{height - 34}" '
            f'stroke="{GRID}"/>']
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        tx = x(tick)
        body.append(f'<line x1="{tx:.1f}" y1="{top - 8}" x2="{tx:.1f}" y2="{height - 34}" '
                    f'stroke="{GRID}" stroke-dasharray="2 3"/>')
        body.append(f'<text x="{tx:.1f}" y="{height - 16}" font-size="12" fill="{MUTED}" '
                    f'text-anchor="middle">{escape_text(pct(lang, tick))}</text>')
    # legend
    body.append(f'<circle cx="{left + 6}" cy="22" r="6" fill="{ORG}"/>')
    body.append(f'<text x="{left + 18}" y="27" font-size="13">'
                f'{escape_text(_cap(focus_name))}</text>')
    lx = left + 30 + 7.2 * len(focus_name)
    body.append(f'<rect x="{lx:.1f}" y="16" width="11" height="11" fill="#ffffff" '
                f'stroke="{MUTED}" stroke-width="2"/>')
    body.append(f'<text x="{lx + 18:.1f}" y="27" font-size="13">'
                f'{escape_text(_cap(rest_name))}</text>')
    body.append(f'<text x="{left}" y="48" font-size="11" fill="{MUTED}">'
                f'{escape_text(tr(lang, "Lines: 95% interval of each share."))}</text>')
    for i, r in enumerate(rows):
        y0 = top + i * row_h
        lines = wrap_label(r["label"], 12.5, left - 16, max_lines=3)
        # centred in the row (from y0 − 4 to y0 + 46), so three lines stay inside it
        body.append(text_lines(0, y0 + 25 - 7 * (len(lines) - 1), lines, size=12.5,
                                line_height=14))
        for key, dy, color in (("focus", 14, ORG), ("rest", 32, MUTED)):
            share = r[key]
            if share is None or math.isnan(share):
                continue
            lo, hi = r.get(f"{key}_low"), r.get(f"{key}_high")
            cy = y0 + dy
            if lo is not None and hi is not None and not (math.isnan(lo) or math.isnan(hi)):
                body.append(f'<line x1="{x(lo):.1f}" y1="{cy}" x2="{x(hi):.1f}" y2="{cy}" '
                            f'stroke="{color}" stroke-width="2"/>')
                for end in (lo, hi):
                    body.append(f'<line x1="{x(end):.1f}" y1="{cy - 5}" x2="{x(end):.1f}" '
                                f'y2="{cy + 5}" stroke="{color}" stroke-width="2"/>')
            if key == "focus":
                body.append(f'<circle cx="{x(share):.1f}" cy="{cy}" r="6" fill="{ORG}"/>')
            else:
                body.append(f'<rect x="{x(share) - 5.5:.1f}" y="{cy - 5.5}" width="11" '
                            f'height="11" fill="#ffffff" stroke="{MUTED}" stroke-width="2"/>')
            body.append(f'<text x="{right + 10}" y="{cy + 4}" font-size="12" fill="{color}">'
                        f'{escape_text(pct(lang, share))}</text>')
        if i:
            body.append(f'<line x1="0" y1="{y0 - 4}" x2="{width}" y2="{y0 - 4}" '
                        f'stroke="{GRID}" stroke-width="0.5"/>')
    return svg_document(width, height, id_prefix, title, desc, body)


def stage_sector_svg(table: pd.DataFrame, stages: Sequence[tuple[int, str]],
                     labels: dict[object, str], lang: str, *,
                     id_prefix: str = "rs-stages") -> str:
    """100% bars of the stage shares per sector. ``table``: ``sector, stage_level, share, n``;
    ``stages``: (level, name) lowest first; ``labels``: sector key → name."""
    width, left, right = 760.0, 260.0, 750.0
    row_h, top = 32.0, 62.0
    sectors = list(dict.fromkeys(table["sector"]))
    height = top + row_h * len(sectors) + 16
    names = dict(stages)
    title = tr(lang, "Stage distribution by sector")
    parts = []
    body = []
    x = 0.0
    for i, (level, name) in enumerate(stages):  # legend
        fill = STAGE_FILLS[min(i, len(STAGE_FILLS) - 1)]
        body.append(f'<rect x="{x:.1f}" y="14" width="14" height="14" fill="{fill}" '
                    f'stroke="{MUTED}" stroke-width="0.5"/>')
        text = f"{level} {name}"
        body.append(f'<text x="{x + 20:.1f}" y="26" font-size="13">{escape_text(text)}</text>')
        x += 40 + 7.2 * len(text)
    for r, sector in enumerate(sectors):
        rows = table[table["sector"] == sector].sort_values("stage_level")
        y0 = top + r * row_h
        n = int(rows["n"].sum())
        label = f"{labels.get(sector, sector)} (n\u00a0=\u00a0{number(lang, n, 0)})"
        body.append(_row_label(left - 8, y0 + 11, label, left - 16, bold=sector == "all"))
        x = left
        shares = []
        for i, row in enumerate(rows.itertuples(index=False)):
            w = (right - left) * float(row.share)
            fill = STAGE_FILLS[min(i, len(STAGE_FILLS) - 1)]
            body.append(f'<rect x="{x:.1f}" y="{y0}" width="{max(w, 0):.1f}" height="22" '
                        f'fill="{fill}" stroke="#ffffff" stroke-width="0.5"/>')
            if row.share >= 0.06:
                color = "#ffffff" if i >= 2 else INK
                body.append(f'<text x="{x + w / 2:.1f}" y="{y0 + 15.5}" font-size="11.5" '
                            f'text-anchor="middle" fill="{color}">'
                            f'{escape_text(pct(lang, row.share))}</text>')
            shares.append(f"{names.get(int(row.stage_level), row.stage_level)} "
                          f"{pct(lang, row.share)}")
            x += w
        parts.append(f"{labels.get(sector, sector)}: " + ", ".join(shares))
    desc = "; ".join(parts) + "."
    return svg_document(width, height, id_prefix, title, desc, body)


def score_distribution_svg(quantiles: pd.DataFrame, labels: dict[str, str],
                           thresholds: Sequence[tuple[float, str]], lang: str, *,
                           id_prefix: str = "rs-scores") -> str:
    """Box plots of the dimension scores (0–100): whiskers P10–P90, box P25–P75, median.
    ``quantiles``: ``dimension, prob, quantile, n``; ``thresholds``: (min score, stage name)."""
    width, left, right = 760.0, 250.0, 700.0
    row_h, top = 32.0, 44.0
    dims = list(dict.fromkeys(quantiles["dimension"]))
    height = top + row_h * len(dims) + 34

    def x(score: float) -> float:
        return left + (right - left) * min(max(score, 0.0), 100.0) / 100.0

    body = []
    for score, name in thresholds:
        tx = x(score)
        body.append(f'<line x1="{tx:.1f}" y1="{top - 14}" x2="{tx:.1f}" y2="{height - 30}" '
                    f'stroke="{GRID}" stroke-dasharray="4 3"/>')
        body.append(f'<text x="{tx + 3:.1f}" y="{top - 18}" font-size="11" fill="{MUTED}">'
                    f'{escape_text(name)}</text>')
    for tick in range(0, 101, 20):
        body.append(f'<text x="{x(tick):.1f}" y="{height - 12}" font-size="11.5" '
                    f'fill="{MUTED}" text-anchor="middle">{tick}</text>')
    parts = []
    for r, dim in enumerate(dims):
        q = quantiles[quantiles["dimension"] == dim].set_index("prob")["quantile"]
        get = {p: float(q.get(p, math.nan)) for p in (0.1, 0.25, 0.5, 0.75, 0.9)}
        y0 = top + r * row_h
        cy = y0 + 11
        body.append(_row_label(left - 8, cy, labels.get(dim, dim), left - 16,
                               bold=dim == "overall"))
        if any(math.isnan(v) for v in get.values()):
            continue
        body.append(f'<line x1="{x(get[0.1]):.1f}" y1="{cy}" x2="{x(get[0.9]):.1f}" '
                    f'y2="{cy}" stroke="{MUTED}" stroke-width="1.5"/>')
        for p in (0.1, 0.9):
            body.append(f'<line x1="{x(get[p]):.1f}" y1="{cy - 5}" x2="{x(get[p]):.1f}" '
                        f'y2="{cy + 5}" stroke="{MUTED}" stroke-width="1.5"/>')
        body.append(f'<rect x="{x(get[0.25]):.1f}" y="{cy - 8}" '
                    f'width="{max(x(get[0.75]) - x(get[0.25]), 1):.1f}" height="16" '
                    f'fill="{BAR}" fill-opacity="0.45" stroke="{ORG}" stroke-width="1"/>')
        body.append(f'<line x1="{x(get[0.5]):.1f}" y1="{cy - 9}" x2="{x(get[0.5]):.1f}" '
                    f'y2="{cy + 9}" stroke="{ORG}" stroke-width="3"/>')
        body.append(f'<text x="{right + 10}" y="{cy + 4.5}" font-size="12">'
                    f'{escape_text(num(lang, get[0.5]))}</text>')
        parts.append(tr(lang, "{name}: median {median}, middle half {q1}–{q3}, P10–P90 "
                              "{p10}–{p90}", name=labels.get(dim, dim),
                        median=num(lang, get[0.5]), q1=num(lang, get[0.25]),
                        q3=num(lang, get[0.75]), p10=num(lang, get[0.1]),
                        p90=num(lang, get[0.9])))
    title = tr(lang, "Distribution of the dimension scores (0–100)")
    return svg_document(width, height, id_prefix, title, "; ".join(parts) + ".", body)


def _row_label(x: float, cy: float, text: str, width: float, *, bold: bool = False) -> str:
    """A right-aligned row label centred on ``cy``, on two lines when it is long."""
    lines = wrap_label(text, 12.5, width, max_lines=2, em=0.58 if bold else 0.55)
    top = cy + 4.5 - 7.5 * (len(lines) - 1)
    return text_lines(x, top, lines, size=12.5 if len(lines) == 1 else 11.5, anchor="end",
                       weight="600" if bold else None, line_height=14)
