"""The method appendix of the research report: how the data were imported, cleaned,
weighted, classified, turned into indicators and tested, in the report's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import text as text_in
from ..i18n.catalog import ntr, number, tr
from ..reports.format import num
from .classify import MATURE_LEVEL
from .findings import lower_first
from .report_design import bullets, design_method, heading, paragraph

if TYPE_CHECKING:
    from ..services.research_result import ResearchResult

__all__ = ["method_blocks"]


def method_blocks(result: ResearchResult, lang: str) -> list[dict]:
    """The appendix as report blocks: a heading, then one section per step."""
    out = [heading(2, tr(lang, "Method"))]
    for section in (_import, _cleaning, _weighting, _classification):
        out += section(result, lang)
    out += [heading(3, tr(lang, "Indicators")), paragraph(tr(
        lang, "Each option of a multi-select question is an indicator (chosen or not). Each "
              "single-choice question and each outcome statement is an indicator of its top-2 "
              "box: one of the two answers with the most points (for the statements: agree or "
              "strongly agree). “Don't know” counts as 0; an unanswered or “not applicable” "
              "question leaves the respondent out of that indicator only.")),
            heading(3, tr(lang, "Design")), paragraph(design_method(result, lang))]
    return out + _tests(result, lang)


def _import(result: ResearchResult, lang: str) -> list[dict]:
    out = [heading(3, tr(lang, "Import"))]
    imp = result.import_summary
    if imp is None:
        return out + [paragraph(tr(lang, "The data were read as a tidy table ({source}); there "
                                         "was no import step.", source=result.source))]
    out.append(paragraph(tr(
        lang, "The export {source} ({format}, {layout} layout) held {rows} responses. {recodes} "
              "answer values were recoded on import (workbook sheet “Import recodes”); "
              "{dropped} columns were left out.",
        source=imp.source, format=imp.file_format.upper(), layout=imp.layout,
        rows=number(lang, imp.rows, 0),
        recodes=number(lang, int(imp.recodes["count"].sum()) if len(imp.recodes) else 0, 0),
        dropped=number(lang, len(imp.dropped_columns), 0))))
    if imp.warnings:
        out.append(bullets([text_in(w, lang) for w in imp.warnings]))
    return out


def _cleaning(result: ResearchResult, lang: str) -> list[dict]:
    out = [heading(3, tr(lang, "Cleaning"))]
    if result.cleaning is None:
        return out + [paragraph(tr(lang, "No cleaning rules were applied."))]
    first, *rest = result.cleaning.summary(lang).split("\n")
    out.append(paragraph(first))
    if rest:
        out.append(bullets([line.removeprefix("- ") for line in rest]))
    return out


def _weighting(result: ResearchResult, lang: str) -> list[dict]:
    out = [heading(3, tr(lang, "Weighting"))]
    w = result.weighting
    if w is None:
        n = len(result.data)
        return out + [paragraph(
            ntr(lang, "The analysis is unweighted: every organization counts once, so Kish's "
                      "design effect is 1 and the effective sample size is the {n} "
                      "organization.",
                "The analysis is unweighted: every organization counts once, so Kish's "
                "design effect is 1 and the effective sample size is the {n} organizations.", n)
            if result.per_organization else
            ntr(lang, "The analysis is unweighted: every respondent counts once, so Kish's "
                      "design effect is 1 and the effective sample size is the {n} respondent.",
                "The analysis is unweighted: every respondent counts once, so Kish's design "
                "effect is 1 and the effective sample size is the {n} respondents.", n))]
    margins = ", ".join(dict.fromkeys(w.targets["margin"])) if w.targets is not None else "–"
    if w.method == "rake":
        text = tr(lang, "Weights were made by raking (iterative proportional fitting) to the "
                        "target shares of {margins}: {iterations} iterations, largest remaining "
                        "difference {error}.", margins=margins,
                  iterations=number(lang, w.iterations or 0, 0), error=num(lang, w.max_error, 4))
        if w.trim:
            text += " " + tr(lang, "Weights were trimmed to {low}–{high} × the mean weight.",
                             low=num(lang, w.trim[0], 2), high=num(lang, w.trim[1], 2))
    elif w.method == "poststratify":
        text = tr(lang, "Weights were made by post-stratification: each cell of {cells} has its "
                        "target share.", cells=margins)
    else:
        text = tr(lang, "The weights are the column {column} of the data.", column=w.column)
    facts = {"deff": num(lang, w.design_effect, 2), "neff": num(lang, w.effective_n, 0),
             "low": num(lang, w.min_weight, 2), "high": num(lang, w.max_weight, 2)}
    return out + [paragraph(text + " " + (
        ntr(lang, "Kish's design effect of the weights is {deff}, so the effective sample size "
                  "is {neff} of {n} organization (weights from {low} to {high}, mean 1).",
            "Kish's design effect of the weights is {deff}, so the effective sample size is "
            "{neff} of {n} organizations (weights from {low} to {high}, mean 1).", w.n, **facts)
        if result.design is not None and result.design.rolled else
        ntr(lang, "Kish's design effect of the weights is {deff}, so the effective sample size "
                  "is {neff} of {n} respondent (weights from {low} to {high}, mean 1).",
            "Kish's design effect of the weights is {deff}, so the effective sample size is "
            "{neff} of {n} respondents (weights from {low} to {high}, mean 1).", w.n, **facts)))]


def _classification(result: ResearchResult, lang: str) -> list[dict]:
    inst = result.instrument
    mature_stage = next((inst.text(s.name, lang) for s in inst.stages
                         if s.level == MATURE_LEVEL), str(MATURE_LEVEL))
    out = [heading(3, tr(lang, "Classification")), paragraph(tr(
        lang, "Every respondent was scored by the product's own scoring engine with the "
              "instrument {id} {version} ({hash}): dimension and overall scores from 0 to 100, "
              "then the stage from the score thresholds, the gates and the weakest-link rule. "
              "Mature means stage {level} ({stage}) or higher.",
        id=inst.id, version=inst.version, hash=inst.content_hash[:19] + "…",
        level=MATURE_LEVEL, stage=mature_stage))]
    if result.organizations is not None:
        out.append(paragraph(tr(
            lang, "Respondents who share an organization id roll up to it ({n} organizations): "
                  "their answers are combined per question (a single choice: the highest rung "
                  "more than half of them reach; a multi-select: the options at least half of "
                  "them chose) and the combined answers are scored by the same engine, so "
                  "scores, gates and stage follow the same rules.",
            n=number(lang, len(result.organizations), 0))))
    return out


def _tests(result: ResearchResult, lang: str) -> list[dict]:
    if result.design is not None and result.design.key in ("clustered", "stratified"):
        texts = [tr(lang, "The 95% interval of each ratio uses the delta method on the log scale "
                          "with the covariance of the two shares; the test is the Rao–Scott "
                          "adjusted chi-square (F form). Comparisons whose question a stage rule "
                          "asks are shown by definition and not ranked.")]
    elif result.weights:
        texts = [tr(lang, "Weighted estimates follow R's survey package for the design "
                          "svydesign(ids = ~1, weights = ~w): shares are ratio estimators with "
                          "with-replacement Taylor linearization; groups and missing answers are "
                          "domains, so the variance keeps the full-sample n. The 95% interval of "
                          "the ratio uses the delta method on the log scale; the test is the "
                          "Rao–Scott adjusted chi-square (F form).")]
    else:
        texts = [tr(lang, "Each indicator compares the share of {focus} with the share of {rest} "
                          "as a ratio (“× as likely”) with Katz's 95% log interval. The test is "
                          "Pearson's chi-square without continuity correction, or Fisher's exact "
                          "test when an expected count is below 5.", focus=lower_first(
                              result.focus_label.text(lang)), rest=result.rest_label.text(lang))]
    texts.append(tr(lang, "The p-values are adjusted with the Benjamini–Hochberg procedure over "
                          "the {m} indicators. A finding is a comparison whose adjusted p-value "
                          "is below {alpha}; findings are ranked by adjusted p-value, then by the "
                          "size of the ratio. In the charts, each share has its 95% logit "
                          "interval (t with n − 1 degrees of freedom).",
                    m=number(lang, len(result.comparisons), 0), alpha=num(lang, result.alpha, 2)))
    if result.by_group:
        texts.append(tr(lang, "The same comparison was made within each value of {column}; the "
                              "workbook has it (sheet “Comparisons by group”), adjusted within "
                              "each group.", column=result.by_group))
    texts.append(tr(lang, "Score distributions are weighted quantiles, the inverse of the "
                          "weighted empirical distribution function. Reliability is Cronbach's "
                          "alpha of each dimension's item scores (0–1) from pairwise-complete "
                          "covariances, as psych::alpha computes it, with Feldt's 95% interval "
                          "and McDonald's omega total; “don't know”, “not applicable” and "
                          "unanswered are missing there."))
    return [heading(3, tr(lang, "Tests")), *map(paragraph, texts)]
