"""The research report's charts: SVG from the templates
``reports/templates/research_*.svg.j2`` with the palette of :mod:`socialmaturity.reports.svg`
(accessible: ``role="img"``, a title and a description that tells the numbers, readable
without colour):

- the focus and rest shares of the leading findings, each with its 95% interval;
- the stage distribution by sector (100% bars);
- the dimension score distributions (P10–P90 whiskers, P25–P75 box, median).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ..i18n.catalog import number, tr
from ..reports.format import num, pct
from ..reports.svg import INK, View, render, wrap_label
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
    out = []
    for i, r in enumerate(rows):
        y0 = top + i * row_h
        marks = []
        for key, dy in (("focus", 14), ("rest", 32)):
            share = r[key]
            if share is None or math.isnan(share):
                continue
            lo, hi = r.get(f"{key}_low"), r.get(f"{key}_high")
            ci = lo is not None and hi is not None and not (math.isnan(lo) or math.isnan(hi))
            marks.append(View(focus=key == "focus", cy=y0 + dy, x=x(share),
                              lo=x(lo) if ci else None, hi=x(hi) if ci else None,
                              label=pct(lang, share)))
        # the label centred in the row (from y0 − 4 to y0 + 46), so three lines stay inside it
        out.append(View(y0=y0, lines=wrap_label(r["label"], 12.5, left - 16, max_lines=3),
                        marks=marks))
    return render("research_comparison.svg.j2", width=width, height=height, prefix=id_prefix,
                  title=title, desc=desc, left=left, right=right, top=top,
                  ticks=[View(x=x(t), label=pct(lang, t)) for t in (0, 0.25, 0.5, 0.75, 1.0)],
                  focus=_cap(focus_name), rest=_cap(rest_name),
                  lx=left + 30 + 7.2 * len(focus_name),
                  note=tr(lang, "Lines: 95% interval of each share."), rows=out)


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
    legend = []
    x = 0.0
    for i, (level, name) in enumerate(stages):
        text = f"{level} {name}"
        legend.append(View(x=x, fill=STAGE_FILLS[min(i, len(STAGE_FILLS) - 1)], text=text))
        x += 40 + 7.2 * len(text)
    parts, out = [], []
    for r, sector in enumerate(sectors):
        rows = table[table["sector"] == sector].sort_values("stage_level")
        n = int(rows["n"].sum())
        label = f"{labels.get(sector, sector)} (n\u00a0=\u00a0{number(lang, n, 0)})"
        bold = sector == "all"
        x = left
        segments, shares = [], []
        for i, row in enumerate(rows.itertuples(index=False)):
            w = (right - left) * float(row.share)
            segments.append(View(x=x, w=max(w, 0.0), cx=x + w / 2,
                                 fill=STAGE_FILLS[min(i, len(STAGE_FILLS) - 1)],
                                 label=pct(lang, row.share) if row.share >= 0.06 else None,
                                 colour="#ffffff" if i >= 2 else INK))
            shares.append(f"{names.get(int(row.stage_level), row.stage_level)} "
                          f"{pct(lang, row.share)}")
            x += w
        out.append(View(y0=top + r * row_h, lines=_row_lines(label, left - 16, bold), bold=bold,
                        segments=segments))
        parts.append(f"{labels.get(sector, sector)}: " + ", ".join(shares))
    return render("research_stages.svg.j2", width=width, height=height, prefix=id_prefix,
                  title=title, desc="; ".join(parts) + ".", left=left, legend=legend, rows=out)


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

    parts, rows = [], []
    for r, dim in enumerate(dims):
        q = quantiles[quantiles["dimension"] == dim].set_index("prob")["quantile"]
        get = {p: float(q.get(p, math.nan)) for p in (0.1, 0.25, 0.5, 0.75, 0.9)}
        bold = dim == "overall"
        row = View(cy=top + r * row_h + 11, lines=_row_lines(labels.get(dim, dim), left - 16,
                                                             bold), bold=bold, box=None)
        rows.append(row)
        if any(math.isnan(v) for v in get.values()):
            continue
        row["box"] = View(p10=x(get[0.1]), p90=x(get[0.9]), q1=x(get[0.25]),
                          width=max(x(get[0.75]) - x(get[0.25]), 1.0), median=x(get[0.5]),
                          label=num(lang, get[0.5]))
        parts.append(tr(lang, "{name}: median {median}, middle half {q1}–{q3}, P10–P90 "
                              "{p10}–{p90}", name=labels.get(dim, dim),
                        median=num(lang, get[0.5]), q1=num(lang, get[0.25]),
                        q3=num(lang, get[0.75]), p10=num(lang, get[0.1]),
                        p90=num(lang, get[0.9])))
    title = tr(lang, "Distribution of the dimension scores (0–100)")
    return render("research_scores.svg.j2", width=width, height=height, prefix=id_prefix,
                  title=title, desc="; ".join(parts) + ".", left=left, right=right, top=top,
                  thresholds=[View(x=x(score), name=name) for score, name in thresholds],
                  ticks=[View(x=x(t), value=t) for t in range(0, 101, 20)], rows=rows)


def _row_lines(text: str, width: float, bold: bool) -> list[str]:
    """A row label's lines: two at most (bold labels run wider)."""
    return wrap_label(text, 12.5, width, max_lines=2, em=0.58 if bold else 0.55)
