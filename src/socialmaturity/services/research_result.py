"""What a research run is given and what it gives back: :class:`RunOptions` (how to analyse)
and :class:`ResearchResult` (every table), with the summaries of the import and the weights
that the report's method appendix tells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import Message
from ..i18n.catalog import number, tr
from ..instrument.model import Instrument
from .research_files import WeightingSpec

__all__ = ["RunOptions", "ResearchResult", "ImportSummary", "WeightingSummary"]


@dataclass(frozen=True, kw_only=True)
class RunOptions:
    """How :func:`~socialmaturity.services.research.run` reads and analyses the data."""

    #: With an export: its mapping (object or YAML path) and layout
    #: (:func:`~socialmaturity.intake.importing.read_export`).
    mapping: Any = None
    layout: str | None = None
    #: Cleaning rules (:class:`~socialmaturity.research.cleaning.CleaningRules`, default rules
    #: when None); ``clean_data=False`` skips cleaning.
    rules: Any = None
    clean_data: bool = True
    #: Weighting targets (:func:`~socialmaturity.services.research_files.load_margins`), or an
    #: existing weight column; neither: unweighted.
    margins: WeightingSpec | None = None
    weights: str | None = None
    #: The comparison: rows with ``by == focus`` against the rest (default: mature against less
    #: mature, after classification); also within each value of ``by_group`` (None: not).
    by: str = "mature"
    focus: object = True
    by_group: str | None = "sector"
    #: The report's language; the false discovery rate for the findings.
    lang: str = "en"
    alpha: float = 0.05
    #: ``auto``, ``simple``, ``clustered``, ``stratified`` or ``organization``
    #: (:mod:`~socialmaturity.services.research_design`).
    design: str = "auto"
    #: With a table of organizations (rolled up before): the respondents it was rolled up
    #: from, for the intra-class correlations.
    respondents: pd.DataFrame | None = None
    #: What the report calls the data (default: the file name); whether it is generated
    #: (default: when every row says so in a ``synthetic`` column).
    source_label: str | None = None
    synthetic: bool | None = None
    #: Called with the number of rows read, as an export is imported.
    progress: Callable[[int], None] | None = None


@dataclass
class ImportSummary:
    """What the import did, for the method appendix."""

    source: str
    layout: str
    file_format: str
    encoding: str | None
    rows: int
    recodes: pd.DataFrame
    dropped_columns: list[str]
    warnings: list[str]
    column_map: dict[str, str]


@dataclass
class WeightingSummary:
    """How the weights were made and what they cost."""

    #: ``rake``, ``poststratify`` or ``column`` (given in the data).
    method: str
    column: str
    n: int
    design_effect: float
    effective_n: float
    min_weight: float
    max_weight: float
    trim: tuple[float, float] | None = None
    iterations: int | None = None
    converged: bool | None = None
    max_error: float | None = None
    #: ``margin, value, target, unweighted, weighted`` (shares), for raking and
    #: post-stratification.
    targets: pd.DataFrame | None = None

    def method_text(self, lang: str) -> str:
        """How the weights were made, in ``lang``."""
        return {"rake": tr(lang, "raking"), "poststratify": tr(lang, "post-stratification"),
                "column": tr(lang, "given in the data")}.get(self.method, self.method)

    def table(self, lang: str = "en") -> pd.DataFrame:
        """``measure, value``: the method, the column, n, the design effect and the rest, the
        measures named in ``lang``."""
        rows = [(tr(lang, "method"), self.method_text(lang)),
                (tr(lang, "weight column"), self.column), ("n", self.n),
                (tr(lang, "design effect (Kish)"), self.design_effect),
                (tr(lang, "effective n"), self.effective_n),
                (tr(lang, "smallest weight"), self.min_weight),
                (tr(lang, "largest weight"), self.max_weight)]
        if self.trim:
            rows.append((tr(lang, "trim bounds (× mean)"),
                         f"{number(lang, self.trim[0], 2)}–{number(lang, self.trim[1], 2)}"))
        if self.iterations is not None:
            rows += [(tr(lang, "iterations"), self.iterations),
                     (tr(lang, "converged"), tr(lang, "yes") if self.converged else tr(lang, "no")),
                     (tr(lang, "largest margin error"), self.max_error)]
        return pd.DataFrame(rows, columns=["measure", "value"])


@dataclass
class ResearchResult:
    """Every table of a research run; :func:`~socialmaturity.research.report.write_report`
    renders it."""

    instrument: Instrument
    lang: str
    source: str
    synthetic: bool
    #: The respondents analysed: the tidy answers, scores and stages, indicators, weight.
    data: pd.DataFrame
    infos: list
    by: str
    focus: object
    #: How sentences and charts name the two groups (catalog texts: ``.text(lang)``).
    focus_label: Message
    rest_label: Message
    alpha: float
    weights: str | None
    #: compare() of focus against rest, and per ``by_group`` value.
    comparisons: pd.DataFrame
    by_group: str | None
    comparisons_by_group: pd.DataFrame | None
    #: shares() of each indicator among all respondents, and in the focus and rest groups
    #: (column ``group``: ``focus`` / ``rest``).
    shares_all: pd.DataFrame
    shares_groups: pd.DataFrame
    findings: list
    #: (indicator, {lang: sentence}) for the outcome and department indicators.
    headlines: list[tuple[str, dict[str, str]]]
    #: ``sector, stage_level, stage, n, share`` (weighted shares), sectors then ``all``.
    stage_by_sector: pd.DataFrame
    #: ``dimension, prob, quantile, n`` of each dimension score and the overall score.
    score_quantiles: pd.DataFrame
    reliability: pd.DataFrame
    organizations: pd.DataFrame | None = None
    import_summary: ImportSummary | None = None
    cleaning: Any = None
    weighting: WeightingSummary | None = None
    #: The demo panel's calibration rows (``benchmark.calibration.calibration_report``).
    calibration: list | None = None
    timings: dict[str, float] = field(default_factory=dict)
    #: The survey design used (:func:`~socialmaturity.services.research_design.choose_design`).
    design: Any = None
    #: ICC(1) of the scores within organizations (``research_design.icc_table``), or None.
    icc: pd.DataFrame | None = None
    #: Indicator → the gates that ask its question: comparisons "by definition".
    rule_defined: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The study's headline findings with verdicts (``research.study.study_findings``).
    study: list = field(default_factory=list)

    def label(self, indicator: str, lang: str) -> str:
        """How tables and charts name an indicator: its label, else its column name."""
        info = next((i for i in self.infos if i.name == indicator), None)
        return info.label(lang) if info else indicator

    @property
    def per_organization(self) -> bool:
        """Each row of :attr:`data` is an organization (the organization-level design)."""
        return self.design is not None and self.design.level == "organization"

    def mature_share(self) -> float:
        """The share of the rows of :attr:`data` that are mature, weighted by
        :attr:`weights` when there are weights (NaN without a ``mature`` column)."""
        if "mature" not in self.data.columns:
            return float("nan")
        mature = pd.to_numeric(self.data["mature"], errors="coerce")
        ok = mature.notna()
        w = self.data[self.weights].astype(float) if self.weights else pd.Series(1.0, mature.index)
        return float((mature[ok] * w[ok]).sum() / w[ok].sum()) if ok.any() else float("nan")

    @property
    def ranked_comparisons(self) -> int:
        """The comparisons that may be findings: those no stage rule defines."""
        return sum(i not in self.rule_defined for i in self.comparisons["indicator"])
