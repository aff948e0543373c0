"""The research report: HTML, PDF and XLSX from one :class:`ResearchResult`.

:func:`report_view` turns the result into a list of *blocks* (heading, paragraph, notice,
list, table, figure, page break) with every text in the report's language and every number
written the way that language writes it. The HTML page (self-contained: CSS embedded, charts
as inline SVG, no external address) and the PDF (Typst, ``typst/research.typ``, with the
Inter fonts shipped in the package, as :mod:`socialmaturity.reports.pdf`) print the same
blocks; the workbook has one sheet per table.

The charts are SVG written here, with the helpers and palette of
:mod:`socialmaturity.reports.charts` (accessible: ``role="img"``, a title and a description
that tells the numbers, readable without colour):

- the focus and rest shares of the leading findings, each with its 95% interval;
- the stage distribution by sector (100% bars);
- the dimension score distributions (P10–P90 whiskers, P25–P75 box, median).

:func:`write_report` renders everything in memory first and then moves each file in place
(temporary file + rename), so an error leaves no partial output.
"""

from __future__ import annotations

import html
import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from ..reports.format import alt_text, num, p_value, pct, ratio
from .classify import MATURE_LEVEL
from .findings import lower_first
from .report_design import (
    design_blocks,
    design_method,
    design_sheets,
    findings_blocks,
    significance_line,
    study_blocks,
)

if TYPE_CHECKING:
    from ..services.research import ResearchResult

__all__ = ["write_report", "report_view", "render_html", "render_pdf", "render_xlsx",
           "comparison_svg", "stage_sector_svg", "score_distribution_svg", "FILE_STEM"]

FILE_STEM = "research-report"
#: Findings shown in the comparison chart.
CHART_ROWS = 12
#: Fills of the stages, lightest (first stage) to darkest; text on the last two is white.
STAGE_FILLS = ("#e8edf5", "#b7c6e4", "#5b7fc7", "#1d3f8a", "#0f2557", "#081633")

_local = threading.local()


# --- small formats --------------------------------------------------------------------------


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sector_label(result: ResearchResult, key: object, lang: str) -> str:
    if key == "all":
        return tr(lang, "All sectors")
    inst = result.instrument
    if "sector" in inst.index.questions:
        for o in inst.index.options["sector"]:
            if o.key == key:
                return inst.text(o.label, lang)
    return str(key)


def _dimension_label(result: ResearchResult, key: str, lang: str) -> str:
    d = result.instrument.index.dimensions.get(key)
    return result.instrument.text(d.name, lang) if d else tr(lang, "Overall")


# --- charts ---------------------------------------------------------------------------------


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


# --- the view: blocks -----------------------------------------------------------------------


def _table(head: list[str], rows: list[list[Any]], align: list[str] | None = None, *,
           caption: str | None = None, wide_first: bool = True) -> dict:
    return {"type": "table", "head": head, "rows": [[str(c) for c in r] for r in rows],
            "align": align or ["left"] + ["right"] * (len(head) - 1), "caption": caption,
            "wide_first": wide_first}


def _figure(svg: str, caption: str | None = None) -> dict:
    return {"type": "figure", "svg": svg, "alt": alt_text(svg), "caption": caption}


def _info_map(result: ResearchResult) -> dict:
    return {i.name: i for i in result.infos}


def _label(result: ResearchResult, indicator: str, lang: str) -> str:
    info = _info_map(result).get(indicator)
    return info.label(lang) if info else indicator


def report_view(result: ResearchResult, lang: str | None = None) -> dict:
    """Everything the report prints, as JSON-ready data: ``title``, ``lang``, ``footer``,
    ``page`` and ``blocks`` (see the module docstring)."""
    lang = lang or result.lang
    inst = result.instrument
    focus = result.focus_label.get(lang) or next(iter(result.focus_label.values()))
    rest = result.rest_label.get(lang) or next(iter(result.rest_label.values()))
    title = tr(lang, "Research report: {title}", title=inst.text(inst.title, lang))
    data = result.data
    n = len(data)
    blocks: list[dict] = [{"type": "heading", "level": 1, "text": title}]
    if result.synthetic:
        blocks.append({"type": "notice", "text": tr(
            lang, "Synthetic data: the respondents in this report are generated by the demo "
                  "panel model, not real organizations.")})
    facts = [[tr(lang, "Data"), result.source],
             [tr(lang, "Respondents analysed"), number(lang, n, 0)]]
    if result.organizations is not None:
        facts.append([tr(lang, "Organizations"), number(lang, len(result.organizations), 0)])
    if "mature" in data.columns:
        facts.append([tr(lang, "Mature (stage {level} or higher)", level=MATURE_LEVEL),
                      pct(lang, float(data["mature"].mean()), 1)])
    facts.append([tr(lang, "Comparison"), tr(lang, "{focus} against {rest}", focus=focus,
                                               rest=rest)])
    facts.append([tr(lang, "Weights"), tr(lang, "none (unweighted)") if not result.weights
                  else tr(lang, "column {column}, design effect {deff}, effective n {neff}",
                          column=result.weights,
                          deff=num(lang, result.weighting.design_effect, 2)
                          if result.weighting else "–",
                          neff=num(lang, result.weighting.effective_n, 0)
                          if result.weighting else "–")])
    if result.design is not None:
        from ..services.research_summary import design_name

        facts.append([tr(lang, "Design"), design_name(lang, result.design.key)])
    facts.append([tr(lang, "Instrument"), f"{inst.id} {inst.version}"])
    # the executive summary: the data, the study's findings, how many hold, the leading chart
    blocks.append({"type": "heading", "level": 2, "text": tr(lang, "Executive summary")})
    blocks.append(_table([tr(lang, "Summary"), ""], facts, ["left", "left"], wide_first=False))
    blocks += study_blocks(result, lang)
    groups = result.shares_groups.set_index(["group", "indicator"])
    chosen = [f.indicator for f in result.findings[:CHART_ROWS]] or list(
        result.comparisons.sort_values("p_value")["indicator"][:CHART_ROWS])
    rows = []
    for ind in chosen:
        row = {"label": _label(result, ind, lang)}
        for g in ("focus", "rest"):
            if (g, ind) in groups.index:
                s = groups.loc[(g, ind)]
                row |= {g: float(s["share"]), f"{g}_low": float(s["ci_low"]),
                        f"{g}_high": float(s["ci_high"])}
            else:
                row |= {g: math.nan}
        rows.append(row)
    blocks.append({"type": "heading", "level": 3, "text": tr(lang, "The leading findings")})
    blocks.append({"type": "paragraph", "text": significance_line(result, lang, short=True)[
        "text"] + " " + tr(
        lang, "The share of {focus} (dots) and of {rest} (squares) with each indicator, with "
              "the 95% interval of each share.", focus=lower_first(focus), rest=rest)})
    blocks.append(_figure(comparison_svg(rows, lang, focus, rest)))

    # charts
    blocks.append({"type": "heading", "level": 2, "text": tr(lang, "Charts")})
    blocks.append({"type": "heading", "level": 3, "text": tr(lang, "Stage distribution by "
                                                                   "sector")})
    stages = [(s.level, inst.text(s.name, lang)) for s in inst.stages]
    sector_names = {k: _sector_label(result, k, lang)
                    for k in dict.fromkeys(result.stage_by_sector["sector"])}
    blocks.append(_figure(stage_sector_svg(result.stage_by_sector, stages, sector_names, lang),
                          tr(lang, "Share of respondents at each stage, per sector{weighted}.",
                             weighted=tr(lang, " (weighted)") if result.weights else "")))
    blocks.append({"type": "heading", "level": 3, "text": tr(lang, "Dimension scores")})
    dim_names = {d: _dimension_label(result, d, lang)
                 for d in dict.fromkeys(result.score_quantiles["dimension"])}
    thresholds = [(s.min_score, inst.text(s.name, lang)) for s in inst.stages if s.min_score > 0]
    blocks.append(_figure(score_distribution_svg(result.score_quantiles, dim_names, thresholds,
                                                 lang),
                          tr(lang, "Whiskers from P10 to P90, box from P25 to P75, thick line "
                                   "at the median; dashed lines: where each stage starts.")))

    # findings, as tables by dimension
    blocks.append({"type": "pagebreak"})
    blocks.append({"type": "heading", "level": 2, "text": tr(lang, "Findings")})
    blocks += findings_blocks(result, lang, lambda name: _label(result, name, lang),
                              lambda head, rows: _table(head, rows, ["left"] + ["right"] * 5))
    if result.calibration:
        blocks.append({"type": "heading", "level": 3,
                       "text": tr(lang, "Demo panel calibration")})
        blocks.append({"type": "paragraph", "text": tr(
            lang, "Each published finding of the study, observed on the respondents analysed, "
                  "against the demo panel's target and tolerance.")})
        cal = [[c.name, num(lang, c.target, 2), num(lang, c.observed, 3),
                "± " + num(lang, c.tolerance, 3), tr(lang, "yes") if c.ok else tr(lang, "no")]
               for c in result.calibration]
        blocks.append(_table([tr(lang, "Finding"), tr(lang, "Target"), tr(lang, "Observed"),
                              tr(lang, "Tolerance"), tr(lang, "Within")], cal))
    if result.headlines:
        blocks.append({"type": "heading", "level": 3, "text": tr(lang, "Shares")})
        blocks.append({"type": "list", "ordered": False,
                       "items": [texts.get(lang, "") for _, texts in result.headlines]})

    # tables
    blocks.append({"type": "pagebreak"})
    blocks.append({"type": "heading", "level": 2, "text": tr(lang, "Reliability")})
    rel = result.reliability
    blocks.append(_table(
        [tr(lang, "Dimension"), "k", "n", "α", tr(lang, "95% CI"), tr(lang, "Standardized α"),
         "ω"],
        [[dim_names.get(r.scale, r.scale), str(int(r.k)), number(lang, r.n, 0),
          num(lang, r.alpha, 2), f"{num(lang, r.ci_low, 2)}–{num(lang, r.ci_high, 2)}",
          num(lang, r.std_alpha, 2), num(lang, r.omega, 2)] for r in rel.itertuples()],
        caption=tr(lang, "Cronbach's alpha of each dimension's item scores, with Feldt's 95% "
                         "interval; ω: McDonald's omega total.")))
    blocks += design_blocks(result, lang, _table, lambda d: _dimension_label(result, d, lang))
    blocks.append({"type": "heading", "level": 2, "text": tr(lang, "All comparisons")})
    comp = result.comparisons.sort_values(["p_adjusted", "p_value"], kind="stable")
    blocks.append(_table(
        [tr(lang, "Indicator"), tr(lang, "n focus"), tr(lang, "n rest"), tr(lang, "Focus"),
         tr(lang, "Rest"), tr(lang, "Ratio"), tr(lang, "95% CI"), tr(lang, "p (adjusted)"),
         tr(lang, "Test")],
        [[_label(result, r.indicator, lang) + (" " + tr(lang, "(by definition)")
                                                 if r.indicator in result.rule_defined
                                                 else ""), number(lang, r.n_focus, 0),
          number(lang, r.n_rest, 0), pct(lang, r.share_focus), pct(lang, r.share_rest),
          ratio(lang, r.ratio), f"{num(lang, r.ci_low, 2)}–{num(lang, r.ci_high, 2)}",
          p_value(lang, r.p_adjusted), r.test] for r in comp.itertuples()],
        caption=tr(lang, "Focus: {focus}; rest: {rest}.", focus=focus, rest=rest)))
    blocks.append({"type": "pagebreak"})
    blocks += _method(result, lang)
    return {"title": title, "lang": lang, "blocks": blocks,
            "footer": title + (" · " + tr(lang, "synthetic data") if result.synthetic else ""),
            "page": tr(lang, "Page {page} of {total}")}


def _method(result: ResearchResult, lang: str) -> list[dict]:
    inst = result.instrument
    out: list[dict] = [{"type": "heading", "level": 2, "text": tr(lang, "Method")}]

    def para(text: str) -> None:
        out.append({"type": "paragraph", "text": text})

    def head(text: str) -> None:
        out.append({"type": "heading", "level": 3, "text": text})

    head(tr(lang, "Import"))
    imp = result.import_summary
    if imp is None:
        para(tr(lang, "The data were read as a tidy table ({source}); there was no import "
                      "step.", source=result.source))
    else:
        para(tr(lang, "The export {source} ({format}, {layout} layout) held {rows} responses. "
                      "{recodes} answer values were recoded on import (workbook sheet "
                      "“Import recodes”); {dropped} columns were left out.",
                source=imp.source, format=imp.file_format.upper(), layout=imp.layout,
                rows=number(lang, imp.rows, 0),
                recodes=number(lang, int(imp.recodes["count"].sum())
                               if len(imp.recodes) else 0, 0),
                dropped=number(lang, len(imp.dropped_columns), 0)))
        if imp.warnings:
            out.append({"type": "list", "ordered": False, "items": list(imp.warnings)})
    head(tr(lang, "Cleaning"))
    if result.cleaning is None:
        para(tr(lang, "No cleaning rules were applied."))
    else:
        lines = result.cleaning.summary(lang).split("\n")
        para(lines[0])
        items = [line.removeprefix("- ") for line in lines[1:]]
        if items:
            out.append({"type": "list", "ordered": False, "items": items})
    head(tr(lang, "Weighting"))
    w = result.weighting
    if w is None:
        para(tr(lang, "The analysis is unweighted: every respondent counts once, so Kish's "
                      "design effect is 1 and the effective sample size is the {n} respondents.",
                n=number(lang, len(result.data), 0)))
    else:
        if w.method == "rake":
            text = tr(lang, "Weights were made by raking (iterative proportional fitting) to "
                            "the target shares of {margins}: {iterations} iterations, largest "
                            "remaining difference {error}.",
                      margins=", ".join(dict.fromkeys(w.targets["margin"]))
                      if w.targets is not None else "–",
                      iterations=number(lang, w.iterations or 0, 0),
                      error=num(lang, w.max_error, 4))
            if w.trim:
                text += " " + tr(lang, "Weights were trimmed to {low}–{high} × the mean "
                                       "weight.", low=num(lang, w.trim[0], 2),
                                 high=num(lang, w.trim[1], 2))
        elif w.method == "poststratify":
            text = tr(lang, "Weights were made by post-stratification: each cell of {cells} "
                            "has its target share.",
                      cells=", ".join(dict.fromkeys(w.targets["margin"]))
                      if w.targets is not None else "–")
        else:
            text = tr(lang, "The weights are the column {column} of the data.",
                      column=w.column)
        para(text + " " + tr(lang, "Kish's design effect of the weights is {deff}, so the "
                                   "effective sample size is {neff} of {n} respondents "
                                   "(weights from {low} to {high}, mean 1).",
                             deff=num(lang, w.design_effect, 2), neff=num(lang, w.effective_n, 0),
                             n=number(lang, w.n, 0), low=num(lang, w.min_weight, 2),
                             high=num(lang, w.max_weight, 2)))
    head(tr(lang, "Classification"))
    mature_stage = next((inst.text(s.name, lang) for s in inst.stages
                         if s.level == MATURE_LEVEL), str(MATURE_LEVEL))
    para(tr(lang, "Every respondent was scored by the product's own scoring engine with the "
                  "instrument {id} {version} ({hash}): dimension and overall scores from 0 "
                  "to 100, then the stage from the score thresholds, the gates and the "
                  "weakest-link rule. Mature means stage {level} ({stage}) or higher.",
            id=inst.id, version=inst.version, hash=inst.content_hash[:19] + "…",
            level=MATURE_LEVEL, stage=mature_stage))
    if result.organizations is not None:
        para(tr(lang, "Respondents who share an organization id roll up to it ({n} "
                      "organizations): their answers are combined per question (a single "
                      "choice: the highest rung at least half of them reach; a multi-select: "
                      "the options at least half of them chose) and the combined answers are "
                      "scored by the same engine, so scores, gates and stage follow the same "
                      "rules.",
                n=number(lang, len(result.organizations), 0)))
    head(tr(lang, "Indicators"))
    para(tr(lang, "Each option of a multi-select question is an indicator (chosen or not). "
                  "Each single-choice question and each outcome statement is an indicator of "
                  "its top-2 box: one of the two answers with the most points (for the "
                  "statements: agree or strongly agree). “Don't know” counts as 0; an "
                  "unanswered or “not applicable” question leaves the respondent out of that "
                  "indicator only."))
    head(tr(lang, "Design"))
    para(design_method(result, lang))
    head(tr(lang, "Tests"))
    if result.design is not None and result.design.key in ("clustered", "stratified"):
        para(tr(lang, "The 95% interval of each ratio uses the delta method on the log scale "
                      "with the covariance of the two shares; the test is the Rao–Scott "
                      "adjusted chi-square (F form). Comparisons whose question a stage rule "
                      "asks are shown by definition and not ranked."))
    elif result.weights:
        para(tr(lang, "Weighted estimates follow R's survey package for the design "
                      "svydesign(ids = ~1, weights = ~w): shares are ratio estimators with "
                      "with-replacement Taylor linearization; groups and missing answers are "
                      "domains, so the variance keeps the full-sample n. The 95% interval of "
                      "the ratio uses the delta method on the log scale; the test is the "
                      "Rao–Scott adjusted chi-square (F form)."))
    else:
        para(tr(lang, "Each indicator compares the share of {focus} with the share of {rest} "
                      "as a ratio (“× as likely”) with Katz's 95% log interval. The test is "
                      "Pearson's chi-square without continuity correction, or Fisher's exact "
                      "test when an expected count is below 5.", focus=lower_first(
                          result.focus_label.get(lang, "")), rest=result.rest_label.get(lang, "")))
    para(tr(lang, "The p-values are adjusted with the Benjamini–Hochberg procedure over the "
                  "{m} indicators. A finding is a comparison whose adjusted p-value is below "
                  "{alpha}; findings are ranked by adjusted p-value, then by the size of the "
                  "ratio. In the charts, each share has its 95% logit interval (t with n − 1 "
                  "degrees of freedom).", m=number(lang, len(result.comparisons), 0),
            alpha=num(lang, result.alpha, 2)))
    if result.by_group:
        para(tr(lang, "The same comparison was made within each value of {column}; the "
                      "workbook has it (sheet “Comparisons by group”), adjusted within each "
                      "group.", column=result.by_group))
    para(tr(lang, "Score distributions are weighted quantiles, the inverse of the weighted "
                  "empirical distribution function. Reliability is Cronbach's alpha of each "
                  "dimension's item scores (0–1) from pairwise-complete covariances, as "
                  "psych::alpha computes it, with Feldt's 95% interval and McDonald's omega "
                  "total; “don't know”, “not applicable” and unanswered are missing there."))
    return out


# --- renderers ------------------------------------------------------------------------------


CSS = """
body{font-family:Inter,'Helvetica Neue',Arial,sans-serif;color:#1f2937;margin:0;
 background:#fff;line-height:1.5}
main{max-width:60rem;margin:0 auto;padding:2rem 1.25rem 4rem}
h1{font-size:1.9rem;margin:0 0 1rem}h2{font-size:1.35rem;margin:2.5rem 0 .75rem;
 border-bottom:1px solid #d1d5db;padding-bottom:.25rem}h3{font-size:1.1rem;margin:1.5rem 0 .5rem}
.notice{background:#fff7ed;border-left:4px solid #9a3412;color:#9a3412;font-weight:600;
 padding:.6rem .9rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0 .25rem;font-size:.9rem}
th{text-align:left;color:#4b5563;font-weight:600;border-bottom:2px solid #1f2937;
 padding:.3rem .4rem}td{border-bottom:1px solid #d1d5db;padding:.3rem .4rem;vertical-align:top}
td.r,th.r{text-align:right;white-space:nowrap}figure{margin:1.5rem 0}
figure svg{width:100%;height:auto}figcaption,.caption{color:#4b5563;font-size:.85rem}
ol li,ul li{margin:.25rem 0}
"""


def render_html(view: dict) -> str:
    """The report as one self-contained HTML page."""
    def e(text: object) -> str:
        return html.escape(str(text), quote=False)

    out = [f'<!doctype html><html lang="{html.escape(view["lang"])}"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">'
           f'<title>{e(view["title"])}</title><style>{CSS}</style></head><body><main>']
    for b in view["blocks"]:
        kind = b["type"]
        if kind == "heading":
            out.append(f'<h{b["level"]}>{e(b["text"])}</h{b["level"]}>')
        elif kind == "paragraph":
            out.append(f"<p>{e(b['text'])}</p>")
        elif kind == "notice":
            out.append(f'<p class="notice" role="note">{e(b["text"])}</p>')
        elif kind == "list":
            tag = "ol" if b["ordered"] else "ul"
            out.append(f"<{tag}>" + "".join(f"<li>{e(i)}</li>" for i in b["items"])
                       + f"</{tag}>")
        elif kind == "table":
            cls = ['' if a == "left" else ' class="r"' for a in b["align"]]
            head = "".join(f'<th scope="col"{c}>{e(h)}</th>' for h, c in zip(b["head"], cls,
                                                                               strict=True))
            rows = "".join("<tr>" + "".join(f"<td{c}>{e(v)}</td>" for v, c in zip(r, cls,
                                                                                  strict=True))
                           + "</tr>" for r in b["rows"])
            cap = f'<p class="caption">{e(b["caption"])}</p>' if b["caption"] else ""
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
                       + cap)
        elif kind == "figure":
            cap = f"<figcaption>{e(b['caption'])}</figcaption>" if b["caption"] else ""
            out.append(f"<figure>{b['svg']}{cap}</figure>")
    out.append("</main></body></html>")
    return "\n".join(out)


def render_pdf(view: dict) -> bytes:
    """The report as PDF bytes (A4), typeset by Typst with the shipped Inter fonts."""
    from ..reports.typst_compiler import compile_pdf, template_path

    return compile_pdf(template_path("socialmaturity.research", "research.typ"), view)


def workbook_sheets(result: ResearchResult, lang: str | None = None) -> dict[str, pd.DataFrame]:
    """The tables of the workbook, sheet name → table (sheet names in ``lang``)."""
    from ..research.findings import findings_frame

    lang = lang or result.lang
    labels = _info_map(result)
    comparisons = result.comparisons.copy()
    comparisons.insert(1, "label", [labels[i].label(lang) if i in labels else i
                                    for i in comparisons["indicator"]])
    imp = result.import_summary
    recodes = imp.recodes if imp is not None else pd.DataFrame(
        columns=["column", "from_value", "to_value", "count", "reason"])
    cleaning = result.cleaning.to_frame() if result.cleaning is not None else pd.DataFrame(
        columns=["rule", "enabled", "applied", "criterion", "rows_before", "dropped",
                 "rows_after", "respondent_ids", "note"])
    weights = result.weighting.table() if result.weighting is not None else pd.DataFrame(
        [("method", "none (unweighted)"), ("n", len(result.data))], columns=["measure", "value"])
    sheets = {
        tr(lang, "Import recodes"): recodes,
        tr(lang, "Cleaning"): cleaning,
        tr(lang, "Weights"): weights,
    }
    if result.weighting is not None and result.weighting.targets is not None:
        sheets[tr(lang, "Weighting targets")] = result.weighting.targets
    sheets |= {
        tr(lang, "Stages by sector"): result.stage_by_sector,
        tr(lang, "Dimension scores"): result.score_quantiles,
        tr(lang, "Comparisons"): comparisons,
    }
    if result.comparisons_by_group is not None:
        sheets[tr(lang, "Comparisons by group")] = result.comparisons_by_group
    sheets[tr(lang, "Shares")] = pd.concat(
        [result.shares_all.assign(group="all"), result.shares_groups], ignore_index=True)
    sheets[tr(lang, "Findings")] = findings_frame(result.findings, lang)
    sheets[tr(lang, "Reliability")] = result.reliability
    sheets |= design_sheets(result, lang)
    if result.calibration:
        sheets[tr(lang, "Study targets")] = pd.DataFrame(
            [c._asdict() for c in result.calibration])
    return sheets


def render_xlsx(result: ResearchResult, lang: str | None = None) -> bytes:
    """The workbook: one sheet per table (openpyxl)."""
    from .workbook import xlsx_bytes

    return xlsx_bytes(workbook_sheets(result, lang))


def write_report(result: ResearchResult, out_dir: str | Path, lang: str | None = None, *,
                 formats: Sequence[str] = ("html", "pdf", "xlsx")) -> list[Path]:
    """Write ``research-report.html``, ``.pdf`` and ``.xlsx`` into ``out_dir`` (created when
    missing) and return their paths.

    Everything is rendered in memory first; each file is then written to a temporary file and
    renamed into place. On an error nothing is left behind: files already moved in place by
    this call are removed again, and a folder this call created is removed when empty.
    """
    from .. import files

    lang = lang or result.lang
    view = report_view(result, lang)
    rendered: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "html":
            rendered[fmt] = render_html(view).encode("utf-8")
        elif fmt == "pdf":
            rendered[fmt] = render_pdf(view)
        elif fmt == "xlsx":
            rendered[fmt] = render_xlsx(result, lang)
        else:
            raise ValueError(f"unknown report format {fmt!r}; valid: html, pdf, xlsx")
    folder = Path(out_dir)
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for fmt, data in rendered.items():
            written.append(files.write_bytes_atomically(folder / f"{FILE_STEM}.{fmt}", data))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if created:
            try:
                folder.rmdir()
            except OSError:
                pass
        raise
    return written
