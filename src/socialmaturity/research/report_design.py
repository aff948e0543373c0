"""Report blocks (used by :func:`~socialmaturity.research.report.report_view`): the kinds of
block, and those about the study's findings and the survey design: the study's headline
findings with their verdicts, the findings grouped by dimension, the comparisons the stage
rules define, the design effects and intra-class correlations, and the method text of the
design. The grouping and the design's sentence serve `research run`'s terminal summary too
(:mod:`socialmaturity.services.research_summary`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..i18n.catalog import number, tr
from ..reports.format import pct
from .study import MAX_RATIO_SPAN, MAX_SHARE_WIDTH, verdict_text

if TYPE_CHECKING:
    from ..services.research_result import ResearchResult

__all__ = ["findings_blocks", "study_blocks", "design_blocks", "design_method", "design_sheets",
           "heading", "paragraph", "bullets", "table", "findings_by_section", "section_label",
           "design_text", "design_name"]


def heading(level: int, text: str) -> dict:
    return {"type": "heading", "level": level, "text": text}


def paragraph(text: str) -> dict:
    return {"type": "paragraph", "text": text}


def bullets(items: list[str]) -> dict:
    return {"type": "list", "ordered": False, "items": items}


def table(head: list[str], rows: list[list[Any]], align: list[str] | None = None, *,
          caption: str | None = None, wide_first: bool = True) -> dict:
    return {"type": "table", "head": head, "rows": [[str(c) for c in r] for r in rows],
            "align": align or ["left"] + ["right"] * (len(head) - 1), "caption": caption,
            "wide_first": wide_first}


def section_label(inst, section: str | None, lang: str) -> str:
    """A dimension's name, "Outcomes", or "Other"."""
    if section == "outcomes":
        return tr(lang, "Outcomes")
    d = inst.index.dimensions.get(section) if section else None
    return inst.text(d.name, lang) if d else tr(lang, "Other")


def findings_by_section(result) -> list[tuple[str | None, list]]:
    """The findings grouped by the indicator's dimension (in the instrument's order, outcomes
    last), ranked within each group as overall."""
    order = [d.id for d in result.instrument.dimensions] + ["outcomes", None]
    groups: dict[str | None, list] = {}
    for f in result.findings:
        groups.setdefault(f.section if f.section in order else None, []).append(f)
    return [(s, groups[s]) for s in order if s in groups]


def design_name(lang: str, key: str) -> str:
    """The name of a design (``simple``, ``clustered``, …) in ``lang``."""
    return {"simple": tr(lang, "simple"), "clustered": tr(lang, "clustered"),
            "stratified": tr(lang, "stratified"),
            "organization": tr(lang, "organization")}.get(key, key)


def design_text(result, lang: str) -> str:
    """One sentence: the design used and why."""
    d = result.design
    if d is None:
        return ""
    facts = {"orgs": number(lang, d.organizations or 0, 0),
             "n": number(lang, d.respondents, 0), "largest": number(lang, d.largest or 0, 0)}
    if d.key == "clustered":
        text = tr(lang, "Design: respondents clustered in organizations ({orgs} organizations, "
                        "{n} respondents, up to {largest} per organization); standard errors, "
                        "intervals and tests count organizations as the sampling units.",
                  **facts)
    elif d.key == "stratified":
        text = tr(lang, "Design: respondents clustered in organizations ({orgs} organizations, "
                        "{n} respondents) within sectors as strata.", **facts)
    elif d.key == "organization":
        text = tr(lang, "Design: organization level, one row per organization ({orgs} "
                        "organizations from {n} respondents).", **facts)
        if d.automatic:
            return text + " " + tr(lang, "Chosen automatically: the data has one row per "
                                         "organization, rolled up from its respondents' "
                                         "answers (--design changes it).")
    else:
        text = tr(lang, "Design: every respondent an independent draw ({n} respondents).",
                  **facts)
    if d.automatic:
        text += " " + (tr(lang, "Chosen automatically because organizations have several "
                                "respondents (--design changes it).")
                       if d.key != "simple" else
                       tr(lang, "Chosen automatically: no organization has several "
                                "respondents (--design changes it)."))
    return text


def study_blocks(result: ResearchResult, lang: str) -> list[dict]:
    """The study's headline findings with their verdicts (the executive summary's core)."""
    if not result.study:
        return []
    return [heading(3, tr(lang, "The study's findings")),
            paragraph(tr(lang, "Each headline number of the published study, observed on these "
                               "data with its 95% interval and a verdict: re-created, weaker than "
                               "published, or not re-created; too uncertain to say when the "
                               "interval is wider than {width} percentage points (a share) or "
                               "its upper end is more than {span} times its lower end (a "
                               "ratio).", width=number(lang, MAX_SHARE_WIDTH * 100, 0),
                         span=number(lang, MAX_RATIO_SPAN, 1))),
            bullets([s.sentences.get(lang, "") for s in result.study])]


def significance_line(result: ResearchResult, lang: str, short: bool = False) -> str:
    """How many comparisons stay significant, in one sentence (``short``: without announcing
    the list by dimension)."""
    if not result.findings:
        return tr(lang, "No comparison stays significant after the Benjamini–Hochberg "
                        "adjustment (false discovery rate {alpha}).", alpha=pct(lang, result.alpha))
    fields = dict(k=number(lang, len(result.findings), 0),
                  m=number(lang, result.ranked_comparisons, 0), alpha=pct(lang, result.alpha))
    if short:
        return tr(lang, "{k} of {m} comparisons stay significant after the Benjamini–Hochberg "
                        "adjustment (false discovery rate {alpha}).", **fields)
    return tr(lang, "{k} of {m} comparisons stay significant after the Benjamini–Hochberg "
                    "adjustment (false discovery rate {alpha}); by dimension, most certain "
                    "first:", **fields)


def findings_blocks(result: ResearchResult, lang: str) -> list[dict]:
    """The findings as one table per dimension (most certain first), then the comparisons the
    stage rules define."""
    out: list[dict] = [paragraph(significance_line(result, lang))]
    head = [tr(lang, "Finding"), tr(lang, "Focus"), tr(lang, "Rest"), tr(lang, "Ratio"),
            tr(lang, "95% CI"), "n"]
    label = result.label
    for section, items in findings_by_section(result):
        out.append(heading(3, section_label(result.instrument, section, lang)))
        out.append(table(head, [[label(f.indicator, lang), pct(lang, f.share_focus),
                                 pct(lang, f.share_rest), number(lang, f.ratio, 1) + "×",
                                 f"{number(lang, f.ci_low, 1)}–{number(lang, f.ci_high, 1)}",
                                 number(lang, f.n_focus + f.n_rest, 0)] for f in items]))
    if result.rule_defined:
        comp = result.comparisons.set_index("indicator")
        items = []
        for name, gates in result.rule_defined.items():
            if name not in comp.index:
                continue
            r = comp.loc[name]
            items.append(tr(lang, "{label}: {focus} against {rest} (stage rule {gates})",
                            label=label(name, lang), focus=pct(lang, r["share_focus"]),
                            rest=pct(lang, r["share_rest"]), gates=", ".join(gates)))
        if items:
            out += [heading(3, tr(lang, "By definition")),
                    paragraph(tr(lang, "The stage rules ask these questions, so the difference "
                                       "between the groups follows partly or wholly from the "
                                       "classification itself; they are not ranked as "
                                       "findings.")),
                    bullets(items)]
    return out


def design_blocks(result: ResearchResult, lang: str, dim_label) -> list[dict]:
    """The intra-class correlations and the design effects of the shares."""
    if result.icc is None and "deff" not in result.shares_all:
        return []
    out = [heading(2, tr(lang, "Design effects"))]
    if result.icc is not None and len(result.icc):
        out.append(table(
            [tr(lang, "Score"), "ICC(1)", tr(lang, "Organizations"), tr(lang, "Respondents"),
             tr(lang, "Mean per organization"), tr(lang, "Design effect of a mean")],
            [[dim_label(r.dimension), number(lang, r.icc, 2), number(lang, r.organizations, 0),
              number(lang, r.respondents, 0), number(lang, r.mean_size, 2),
              number(lang, r.deff_mean, 2)] for r in result.icc.itertuples()],
            caption=tr(lang, "Intra-class correlation of each score within organizations "
                             "(one-way ANOVA estimator for unbalanced groups) and Kish's "
                             "design effect 1 + (n̄ − 1)·ICC it implies for a mean.")))
    deff = result.shares_all.dropna(subset=["deff"])
    if len(deff):
        out.append(paragraph(tr(
            lang, "Design effects of the shares (the variance under the design over that of "
                  "a simple random sample of the same size): median {median}, from {low} to "
                  "{high}; each share's is in the workbook (sheet “Shares”).",
            median=number(lang, float(deff["deff"].median()), 2),
            low=number(lang, float(deff["deff"].min()), 2),
            high=number(lang, float(deff["deff"].max()), 2))))
    return out


def design_method(result: ResearchResult, lang: str) -> str:
    """The method paragraph on the design, its variance estimator and its tests."""
    d = result.design
    text = design_text(result, lang)
    key = d.key if d is not None else "simple"
    if key in ("clustered", "stratified"):
        text += " " + tr(lang, "Estimates follow R's survey package for svydesign(ids = "
                               "~organization_id{strata}, weights = ~w{nest}): shares are "
                               "ratio estimators; their variance is the with-replacement "
                               "linearization over organizations (stratum sums of squared "
                               "deviations of the organizations' totals, times n_h/(n_h − 1)); "
                               "logit intervals and the Rao–Scott test use the design's "
                               "degrees of freedom, organizations minus strata ({df}).",
                         strata=", strata = ~sector" if key == "stratified" else "",
                         nest=", nest = TRUE" if key == "stratified" else "",
                         df=number(lang, (d.organizations or 0) - 1, 0)
                         if key == "clustered" else tr(lang, "per comparison"))
    elif key == "organization":
        text += " " + tr(lang, "Each organization is one row: its scores and stage come from "
                               "its respondents' combined answers through the same scoring "
                               "engine, and an indicator is 1 when at least half of its "
                               "respondents who answered say so.")
    return text


def design_sheets(result: ResearchResult, lang: str) -> dict[str, pd.DataFrame]:
    """Workbook sheets: the ICC table and the study's findings."""
    sheets: dict[str, pd.DataFrame] = {}
    if result.icc is not None:
        sheets[tr(lang, "Intra-class correlation")] = result.icc
    if result.study:
        sheets[tr(lang, "The study's findings")] = pd.DataFrame(
            [{"claim": s.claim.id, "indicator": s.claim.indicator, "kind": s.claim.kind,
              "published": s.claim.published, "estimate": s.estimate, "ci_low": s.ci_low,
              "ci_high": s.ci_high, "verdict": verdict_text(lang, s.verdict),
              "gates": ", ".join(s.gates),
              "sentence": s.sentences.get(lang, "")} for s in result.study])
    return sheets
