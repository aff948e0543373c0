"""Use case: the research workbench, from a survey export (or the demo panel) to the report.

:func:`run` composes the research layer in the order of the study: import → clean → weight
→ classify with the scoring engine → indicators → compare focus with rest, overall and per
sector → describe (shares, stage distribution by sector, dimension score quantiles) →
reliability per dimension → findings, and returns every table in one :class:`ResearchResult`,
which :func:`~socialmaturity.research.report.write_report` renders to HTML, PDF and XLSX.
:func:`run_demo` runs it on the synthetic demo panel and checks the study's findings
(``socialmaturity.benchmark.calibration.TARGETS``).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.settings import DEMO_SEED
from ..errors import Message, Problem, SocialMaturityError
from ..i18n.catalog import LANGUAGES, number, tr
from ..instrument.model import Instrument
from .research_files import WeightingSpec
from .research_result import (
    ImportSummary,
    ResearchResult,
    RunOptions,
    WeightingSummary,
)

#: The probabilities of the dimension score distributions in the report.
PROBS = (0.1, 0.25, 0.5, 0.75, 0.9)
WEIGHT_COLUMN = "weight"
FOCUS_GROUP = "_focus_group"


def group_labels(by: str, focus: object, mature: bool) -> tuple[Message, Message]:
    """How sentences and charts name the focus and rest groups (translated when shown)."""
    if mature:
        return Message("Mature organizations"), Message("less mature ones")
    return (Message("Respondents with {column} = {value}", column=by, value=focus),
            Message("the other respondents"))


def focus_value(frame: pd.DataFrame, by: str, focus: object) -> object:
    """The focus value in the type of the ``by`` column: ``"true"`` → True for a bool column,
    ``"3"`` → 3 for a number column."""
    from ..research.checks import ResearchInputError, require_columns, where

    require_columns(frame, [by], "by column")
    series = frame[by]
    if not isinstance(focus, str):
        return focus
    text = focus.strip()
    if pd.api.types.is_bool_dtype(series.dtype) or (
            series.dtype == object and series.dropna().map(type).eq(bool).all()
            and series.notna().any()):
        table = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
        if text.lower() not in table:
            raise ResearchInputError(Problem(where(by), "holds true/false; the focus value "
                                                        "{focus!r} is neither", focus=focus))
        return table[text.lower()]
    if pd.api.types.is_numeric_dtype(series.dtype):
        try:
            number = float(text)
        except ValueError:
            raise ResearchInputError(Problem(where(by), "holds numbers; the focus value "
                                                        "{focus!r} is not one",
                                             focus=focus)) from None
        return int(number) if number.is_integer() else number
    return text


def uses_instrument(frame: pd.DataFrame, columns: tuple[str | None, ...],
                    indicators: list[str] | None) -> bool:
    """Whether :func:`prepare` needs the instrument for these ``columns`` and ``indicators``:
    not when the table has every one of them and no indicator is named as an instrument's
    (``question=option``, ``question:top2``: their labels come from the instrument)."""
    from ..research.indicators import TOP2_SUFFIX

    return indicators is None or any(c and c not in frame.columns for c in columns) or any(
        c not in frame.columns or "=" in c or c.endswith(TOP2_SUFFIX) for c in indicators)


def prepare(frame: pd.DataFrame, inst: Instrument | None, *, columns: tuple[str, ...] = (),
            indicators: list[str] | None = None, want_indicators: bool = False
            ) -> tuple[pd.DataFrame, list[str], list]:
    """Make a table ready for an analysis command (``inst`` None: the table has all it needs,
    see :func:`uses_instrument`).

    - ``columns`` the command needs (``--by``, ``--value``) that are scores or stages
      (``mature``, ``stage``, ``overall_score``, ``strategy_score``, …) and not in the table
      are computed by :func:`~socialmaturity.research.classify.classify` when the table has
      the instrument's answers;
    - ``indicators``: the named 0/1 columns; a name that is not a column but an instrument
      indicator (``reach-departments=sales``, ``outcome-cpa:top2``) is computed from the
      answers; with ``want_indicators`` and no names, every instrument indicator.

    Returns the table, the indicator names and their :class:`~socialmaturity.research.
    indicators.IndicatorInfo` (instrument indicators only).
    """
    if inst is None:
        return frame, list(indicators or []), []
    from ..research.checks import ResearchInputError, where
    from ..research.classify import SCORE_COLUMNS, classify
    from ..research.indicators import describe_indicators, instrument_indicators

    computed = set(SCORE_COLUMNS) | {f"{d.id}_score" for d in inst.dimensions}
    wanted = [c for c in columns if c and c not in frame.columns]
    if wanted:
        if all(c in computed for c in wanted) and all(q.id in frame.columns
                                                      for q in inst.scored_questions):
            frame = classify(frame, inst)
        else:
            valid = ", ".join(repr(str(c)) for c in list(frame.columns)[:20])
            hint = Message(" (scores and stages are computed when the table has every scored "
                           "question of the instrument)") if any(c in computed for c in wanted) \
                else ""
            raise ResearchInputError([Problem(where(c), "unknown column{hint}; the data has: "
                                              "{valid}", hint=hint, valid=valid) for c in wanted])
    known = {i.name: i for i in describe_indicators(inst)}
    if indicators is None and not want_indicators:
        return frame, [], []
    if indicators is None:
        if not any(q in frame.columns for q in {i.question for i in known.values()}):
            raise ResearchInputError(Problem("--indicators", "give the 0/1 indicator columns "
                                             "(the data has no answers to instrument questions "
                                             "to make them from)"))
        ind, infos = instrument_indicators(frame, inst)
        infos = [i for i in infos if ind[i.name].notna().any()]
        names = [i.name for i in infos]
        frame = pd.concat([frame.drop(columns=[c for c in names if c in frame.columns]),
                           ind[names]], axis=1)
        return frame, names, infos
    options: dict[str, list[str]] = {}  # multi-select question → its indicator options
    for name in known:
        question, eq, option = name.partition("=")
        if eq:
            options.setdefault(question, []).append(option)
    wrong = [c for c in indicators if c not in frame.columns and c not in known
             and c.partition("=")[0] in options]
    if wrong:
        raise ResearchInputError([Problem(
            "--indicators", "{value!r}: {option!r} is not an option of {question}; valid: "
            "{valid}", value=c, option=c.partition("=")[2], question=c.partition("=")[0],
            valid=", ".join(options[c.partition("=")[0]])) for c in wrong])
    from_answers = [c for c in indicators if c not in frame.columns and c in known]
    if from_answers:
        qids = list(dict.fromkeys(known[c].question for c in from_answers))
        ind, _ = instrument_indicators(frame, inst, questions=qids)
        absent = [c for c in from_answers if c not in ind.columns]
        if absent:
            raise ResearchInputError([Problem(where(c), "an instrument indicator, but the "
                                              "data has no column {column!r} to make it from",
                                              column=known[c].question) for c in absent])
        frame = pd.concat([frame, ind[from_answers]], axis=1)
    infos = [known[c] for c in indicators if c in known]
    return frame, list(indicators), infos


# --- the pipeline ------------------------------------------------------------------------------


def _clock(timings: dict[str, float], name: str, start: float) -> float:
    now = time.perf_counter()
    timings[name] = now - start
    return now


def weigh(frame: pd.DataFrame, spec: WeightingSpec | None, weights: str | None
          ) -> tuple[pd.DataFrame, str | None, WeightingSummary | None]:
    """Add the weight column by ``spec`` (or check the given ``weights`` column)."""
    from ..research.checks import ResearchInputError, check_weights, require_columns
    from ..research.weighting import design_effect, effective_n, poststratify, rake, value_text

    if spec is None and weights is None:
        return frame, None, None
    if spec is None:
        require_columns(frame, [weights], "weights column")  # type: ignore[list-item]
        w = check_weights(frame[weights], weights)  # type: ignore[arg-type]
        return frame, weights, WeightingSummary("column", str(weights), len(w),
                                                design_effect(w), effective_n(w),
                                                float(w.min()), float(w.max()))
    frame = frame.copy()
    if spec.method == "rake":
        try:
            fit = rake(frame, spec.margins, trim=spec.trim, max_iter=spec.max_iter)
        except ResearchInputError as exc:
            raise spec.placed(exc) from None
        w = fit.weights.to_numpy()
        extra = {"trim": spec.trim, "iterations": fit.iterations, "converged": fit.converged,
                 "max_error": fit.max_error}
        targets = spec.margins
    else:
        series = poststratify(frame, list(spec.cells), spec.targets)
        w = series.to_numpy()
        extra = {}
        key = frame[list(spec.cells)].map(value_text).agg("\x1f".join, axis=1)
        frame["_cell"] = key
        targets = {" × ".join(spec.cells): {"\x1f".join(k): v
                                            for k, v in spec.targets.items()}}
    frame[WEIGHT_COLUMN] = w
    rows = []
    for margin, values in targets.items():
        column = frame["_cell"] if margin not in frame.columns else frame[margin]
        text = column.map(value_text)
        total = sum(values.values())
        for value, target in values.items():
            hit = (text == value).to_numpy()
            rows.append({"margin": margin, "value": value.replace("\x1f", " × "),
                         "target": target / total if total else np.nan,
                         "unweighted": float(hit.mean()),
                         "weighted": float(w[hit].sum() / w.sum())})
    frame = frame.drop(columns=["_cell"], errors="ignore")
    summary = WeightingSummary(spec.method, WEIGHT_COLUMN, len(w), design_effect(w),
                               effective_n(w), float(w.min()), float(w.max()),
                               targets=pd.DataFrame(rows), **extra)
    return frame, WEIGHT_COLUMN, summary


def run(source: str | Path | None = None, inst: Instrument | None = None, *,
        frame: pd.DataFrame | None = None, options: RunOptions | None = None) -> ResearchResult:
    """Run the research pipeline on a survey export (``source``, with ``options.mapping``) or
    on a tidy table (``frame``, the batch-CSV layout), as :class:`RunOptions` say.

    ``inst`` is the instrument; default: the mapping's, else the bundled one.
    """
    from ..instrument.loader import resolve_instrument
    from ..research.checks import ResearchInputError

    o = options or RunOptions()
    if o.lang not in LANGUAGES:
        raise SocialMaturityError(Problem("--lang", "{value!r}; valid: {valid}", value=o.lang,
                                          valid=", ".join(LANGUAGES)))
    if (source is None) == (frame is None):
        raise SocialMaturityError(Problem("", "give an export (source) or a tidy table (frame), "
                                              "not both"))
    timings: dict[str, float] = {}
    t = time.perf_counter()
    import_summary = None
    if source is not None:
        frame, inst, import_summary = _import(source, inst, o)
        t = _clock(timings, "import", t)
    inst = inst or resolve_instrument(None)
    if frame is None or len(frame) == 0:
        raise ResearchInputError(Problem("data", "no respondents: the table has no rows"))
    cleaning = None
    if o.clean_data:
        from ..research.cleaning import CleaningRules, clean

        frame, cleaning = clean(frame, inst, o.rules or CleaningRules())
        if len(frame) == 0:
            raise ResearchInputError(Problem("cleaning", "every response was dropped; relax "
                                                         "the cleaning rules"))
        t = _clock(timings, "clean", t)
    frame, wcol, weighting = weigh(frame, o.margins, o.weights)
    t = _clock(timings, "weight", t)
    result = _analyse(frame, inst, o, wcol, timings, t)
    result.source = o.source_label or str(source or "data")
    result.import_summary, result.cleaning, result.weighting = import_summary, cleaning, weighting
    return result


def _import(source: str | Path, inst: Instrument | None, o: RunOptions
            ) -> tuple[pd.DataFrame, Instrument, ImportSummary]:
    """An export read by its mapping, with what the import did."""
    from ..instrument.loader import resolve_instrument
    from ..intake.importing import read_export
    from ..research.mapping import load_mapping

    mapping = load_mapping(o.mapping) if isinstance(o.mapping, str | Path) else o.mapping
    if inst is None:
        inst = resolve_instrument(getattr(mapping, "instrument", None))
    imported = read_export(source, layout=o.layout, mapping=mapping, inst=inst,
                           progress=o.progress)
    frame = imported.frame
    summary = ImportSummary(str(source), imported.layout, imported.file_format,
                            imported.encoding, len(frame), imported.recodes_frame(),
                            imported.dropped_columns, imported.warnings, imported.column_map)
    return frame, inst, summary


def _analyse(frame: pd.DataFrame, inst: Instrument, o: RunOptions, wcol: str | None,
             timings: dict[str, float], t: float) -> ResearchResult:
    """Classify, compare, describe and find, on the cleaned and weighted table."""
    from ..research.classify import classify, roll_up
    from ..research.compare import compare
    from ..research.describe import shares
    from ..research.findings import findings
    from ..research.indicators import instrument_indicators
    from ..research.organizations import to_organizations
    from ..research.study import rule_defined, study_findings
    from .research_design import choose_design, icc_table

    data = classify(frame, inst)
    organizations = roll_up(frame, inst) if "organization_id" in frame.columns else None
    t = _clock(timings, "classify", t)

    ind, infos = instrument_indicators(data, inst)
    # Indicators that nobody answered say nothing: leave them out.
    infos = [i for i in infos if ind[i.name].notna().any()]
    data = pd.concat([data.drop(columns=[c for c in ind.columns if c in data.columns]),
                      ind[[i.name for i in infos]]], axis=1)
    names = [i.name for i in infos]
    by, alpha, by_group = o.by, o.alpha, o.by_group
    chosen = choose_design(data, o.design)
    icc = icc_table(data if o.respondents is None else classify(o.respondents, inst), inst)
    if chosen.level == "organization" and not chosen.rolled:
        keep = [c for c in (by, by_group, "sector", "size", "region", "synthetic") if c]
        data = to_organizations(data, inst, names, weights=wcol, keep=keep)
    # every estimate with the same weights, design and confidence level
    how = {"weights": wcol, "alpha": alpha, "cluster": chosen.cluster, "strata": chosen.strata}
    focus = focus_value(data, by, o.focus)
    mature = by == "mature" and focus is True
    focus_label, rest_label = group_labels(by, focus, mature)
    comparisons = compare(data, by, focus, names, **how)
    if by_group is not None and by_group not in data.columns:
        by_group = None
    by_sector = compare(data, by, focus, names, by_group=by_group, **how) if by_group else None
    t = _clock(timings, "compare", t)

    in_by = data[by].notna()
    is_focus = (data[by] == focus) | (data[by].astype(str) == str(focus))
    data[FOCUS_GROUP] = np.where(in_by, np.where(is_focus, "focus", "rest"), None)
    shares_all = shares(data, names, **how)
    shares_groups = shares(data, names, by=FOCUS_GROUP, **how).rename(
        columns={FOCUS_GROUP: "group"})
    described = _describe(data, frame, inst, how)
    t = _clock(timings, "describe", t)

    defined = rule_defined(inst, infos, by)
    found = findings(comparisons, infos, o.lang, focus_label=focus_label,
                     rest_label=rest_label, alpha=alpha, exclude=defined)
    headlines = _headlines(infos, shares_all, shares_groups, focus_label, rest_label,
                           organizations=chosen.level == "organization")
    _clock(timings, "findings", t)
    synthetic = o.synthetic
    if synthetic is None:
        synthetic = "synthetic" in data.columns and bool(
            pd.to_numeric(data["synthetic"], errors="coerce").eq(1).all())
    return ResearchResult(
        instrument=inst, lang=o.lang, source="", synthetic=bool(synthetic), data=data,
        infos=infos, by=by, focus=focus, focus_label=focus_label, rest_label=rest_label,
        alpha=alpha, weights=wcol, comparisons=comparisons, by_group=by_group,
        comparisons_by_group=by_sector, shares_all=shares_all, shares_groups=shares_groups,
        findings=found, headlines=headlines, **described, organizations=organizations,
        timings=timings, design=chosen, icc=icc, rule_defined=defined,
        study=study_findings(comparisons, shares_all, shares_groups, defined) if mature else [])


def _describe(data: pd.DataFrame, frame: pd.DataFrame, inst: Instrument, how: dict[str, Any]
              ) -> dict[str, pd.DataFrame]:
    """The stage distribution by sector, the score quantiles and the reliability."""
    from ..research.describe import quantiles
    from ..research.reliability import reliability_by_dimension

    score_columns = [f"{d.id}_score" for d in inst.dimensions] + ["overall_score"]
    score_quantiles = pd.concat([quantiles(data, c, probs=PROBS, **how)
                                 .assign(dimension=c.removesuffix("_score"))
                                 for c in score_columns], ignore_index=True)
    return {"stage_by_sector": _stage_by_sector(data, inst, how["weights"]),
            "score_quantiles": score_quantiles[["dimension", "prob", "quantile", "ci_low",
                                                "ci_high", "n"]],
            "reliability": reliability_by_dimension(frame, inst)}


def _headlines(infos: list, shares_all: pd.DataFrame, shares_groups: pd.DataFrame,
               focus_label: Message, rest_label: Message, organizations: bool
               ) -> list[tuple[str, dict[str, str]]]:
    """A sentence in every language for each outcome and department indicator."""
    from ..research.findings import headline

    all_rows = shares_all.set_index("indicator")
    groups = shares_groups.pivot(index="indicator", columns="group", values="share")
    headlines = []
    for info in infos:
        if info.section != "outcomes" and info.kind != "option":
            continue
        row = all_rows.loc[info.name]
        texts = {lg: headline(lg, info.phrase(lg), share=float(row["share"]), n=int(row["n"]),
                              share_focus=_get(groups, info.name, "focus"),
                              share_rest=_get(groups, info.name, "rest"),
                              focus_label=focus_label, rest_label=rest_label,
                              organizations=organizations)
                 for lg in LANGUAGES}
        headlines.append((info.name, texts))
    return headlines


def _get(table: pd.DataFrame, row: str, column: str) -> float | None:
    try:
        value = table.loc[row, column]
    except KeyError:
        return None
    return None if pd.isna(value) else float(value)


def _stage_by_sector(data: pd.DataFrame, inst: Instrument, weights: str | None
                     ) -> pd.DataFrame:
    """Weighted stage shares per sector (when there is a sector column) and for all."""
    w = data[weights].to_numpy(dtype=float) if weights else np.ones(len(data))
    levels = data["stage_level"].to_numpy()
    rows = []
    groups: list[tuple[str, np.ndarray]] = []
    if "sector" in data.columns:
        sectors = data["sector"].astype(object)
        order = (inst.index.option_keys("sector") if "sector" in inst.index.questions
                 else sorted(sectors.dropna().astype(str).unique()))
        for key in order:
            hit = (sectors == key).to_numpy()
            if hit.any():
                groups.append((key, hit))
    groups.append(("all", np.ones(len(data), dtype=bool)))
    for key, hit in groups:
        total = w[hit].sum()
        for s in inst.stages:
            sel = hit & (levels == s.level)
            rows.append({"sector": key, "stage_level": s.level, "stage": s.key,
                         "n": int(sel.sum()), "share": float(w[sel].sum() / total)})
    return pd.DataFrame(rows, columns=["sector", "stage_level", "stage", "n", "share"])


def run_demo(seed: int = DEMO_SEED, respondents: int | None = None, *,
             inst: Instrument | None = None, options: RunOptions | None = None
             ) -> ResearchResult:
    """:func:`run` on the synthetic demo panel (``benchmark.demo.generate_panel``), with the
    study's findings checked on its organizations (``benchmark.calibration.calibration_report``):
    ``result.calibration``."""
    from ..benchmark.calibration import calibration_report
    from ..benchmark.demo import DEFAULT_RESPONDENTS, generate_panel, organizations
    from ..instrument.loader import resolve_instrument

    inst = inst or resolve_instrument(None)
    options = options or RunOptions()
    lang = options.lang
    t = time.perf_counter()
    panel = generate_panel(inst, seed, respondents or DEFAULT_RESPONDENTS)
    # the study's sentences are about organizations: one row per organization, its
    # respondents' answers combined by the roll-up rule (scoring.rollup)
    orgs = organizations(inst, panel)
    took = time.perf_counter() - t
    label = tr(lang, "Synthetic demo panel (seed {seed}, {n} organizations from {m} "
                     "respondents)", seed=seed,
               n=number(lang, len(orgs), 0), m=number(lang, len(panel), 0))
    result = run(frame=orgs, inst=inst, options=replace(
        options, source_label=label, synthetic=True, respondents=panel))
    result.timings = {"generate": took, **result.timings}
    if inst.benchmark.calibrated_to_study and result.by == "mature":
        result.calibration = calibration_report(inst, panel)
    return result


__all__ = ["ResearchResult", "ImportSummary", "WeightingSummary", "RunOptions", "run",
           "run_demo", "focus_value", "prepare", "group_labels"]
