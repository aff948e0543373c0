"""Cleaning: drop the responses an analysis should not count, and report which and why.

:func:`clean` applies these rules to the tidy table, in this order; each can be switched off
in :class:`CleaningRules`, and each is counted in the :class:`CleaningReport`:

1. **incomplete**: fewer than ``min_completion`` (default 0.5) of the instrument's scored
   questions answered. "Don't know" and "not applicable" count as answers: the respondent gave
   them. Questions without a column count as unanswered.
2. **unfinished** (``require_finished``, off by default): ``progress`` under 100, where the
   export has a ``progress`` column.
3. **duplicate-id**: the same ``respondent_id`` as an earlier row; the first row is kept.
4. **duplicate-answers**: the same answers to every scored question as an earlier row (a
   multi-select compares as a set, a number as a number); the first row is kept.
5. **speeders**: ``duration_seconds`` under ``speeder_fraction`` (default 1/3) of the median
   duration of the rows still in after rules 1–4. Rows without a duration are kept.
6. **straight-liners**: the same option on every answered question, at least
   ``straightline_min_items`` (default 8) of them, of a *run*: consecutive single-choice
   questions (scored and outcome questions, in the instrument's order) that share an answer set
   (the same option keys), ``straightline_min_items`` long or longer. In the bundled instrument
   that is the block of eleven agree/disagree outcome statements.

Why this order: incomplete responses go first, so that a respondent who gave up and started
again keeps the complete attempt under rule 3, and two empty rows are called incomplete, not
duplicates. Speeders are measured against the median of the responses that are otherwise kept.

Why this definition of straight-lining: straight-lining is giving the same answer down a grid of
statements that share an answer scale, whatever they say. The alternative, "the same relative
position on 90% of the scored questions", does not fit a maturity instrument: its options are
ordered from least to most mature, so an organization that is mature (or just starting) on
every dimension answers at the same end throughout, and that rule flags it (about 3% of the demo
panel, nearly all of them at the extremes of maturity) for being consistent.

Equivalent in R, roughly: ``dplyr::filter()`` with ``duplicated()``, ``rowMeans(!is.na(...))``,
and ``careless::longstring()`` for straight-lining.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import Message, Problem, SocialMaturityError
from ..i18n.catalog import number, percent, tr
from ..instrument.model import Instrument, Question
from ..scoring.encode import ANSWERED, MISSING
from .checks import encoded_answers

RULES = ("incomplete", "unfinished", "duplicate-id", "duplicate-answers", "speeders",
         "straight-liners")
#: The columns of :meth:`CleaningReport.to_frame`.
REPORT_COLUMNS = ("rule", "enabled", "applied", "criterion", "rows_before", "dropped",
                  "rows_after", "respondent_ids", "note")
MAX_LISTED = 20


class CleaningError(SocialMaturityError):
    """Cleaning rules with impossible settings, or a table whose answers do not fit the
    instrument."""


@dataclass(frozen=True)
class CleaningRules:
    """Which rules :func:`clean` applies, and their thresholds (see the module docstring)."""

    incomplete: bool = True
    min_completion: float = 0.5
    require_finished: bool = False
    duplicate_ids: bool = True
    duplicate_answers: bool = True
    speeders: bool = True
    speeder_fraction: float = 1 / 3
    straightliners: bool = True
    straightline_min_items: int = 8

    def problems(self) -> list[Problem]:
        out = []
        if not 0 <= self.min_completion <= 1:
            out.append(Problem("min_completion", "{value} is not a share; valid: 0 to 1 (0.5 = "
                                                 "half the questions)",
                               value=f"{self.min_completion:g}"))
        if not 0 < self.speeder_fraction <= 1:
            out.append(Problem("speeder_fraction", "{value} is not a fraction of the median; "
                                                   "valid: above 0, at most 1",
                               value=f"{self.speeder_fraction:g}"))
        if self.straightline_min_items < 2:
            out.append(Problem("straightline_min_items", "{value} is too few; valid: 2 or more",
                               value=self.straightline_min_items))
        return out

    def enabled(self, rule: str) -> bool:
        return {"incomplete": self.incomplete, "unfinished": self.require_finished,
                "duplicate-id": self.duplicate_ids, "duplicate-answers": self.duplicate_answers,
                "speeders": self.speeders, "straight-liners": self.straightliners}[rule]


@dataclass(frozen=True)
class RuleResult:
    """What one rule did: how many rows it looked at and dropped, and whose.

    ``applied`` is False when the rule was switched off or the table lacks what it needs
    (``note`` says what: ``no duration_seconds column``); ``value`` is the threshold it used
    (the completion share, the speeder cut-off in seconds, the run length).
    """

    rule: str
    enabled: bool
    applied: bool
    rows_before: int
    respondent_ids: tuple[str, ...] = ()
    value: float | None = None
    #: The median duration (speeders) or the number of scored questions (incomplete).
    basis: float | None = None
    note: str = ""

    @property
    def dropped(self) -> int:
        return len(self.respondent_ids)


@dataclass
class CleaningReport:
    """The rules in the order applied, with the rows each dropped."""

    rules: CleaningRules
    rows_in: int
    rows_out: int
    results: list[RuleResult] = field(default_factory=list)

    @property
    def dropped(self) -> int:
        return self.rows_in - self.rows_out

    def result(self, rule: str) -> RuleResult:
        return next(r for r in self.results if r.rule == rule)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per rule, in the order applied: ``rule``, ``enabled``, ``applied``,
        ``criterion`` (in ``lang``), ``rows_before``, ``dropped``, ``rows_after``,
        ``respondent_ids`` (joined by ``;``), ``note``."""
        return pd.DataFrame([(r.rule, r.enabled, r.applied, _criterion(r, lang), r.rows_before,
                              r.dropped, r.rows_before - r.dropped, ";".join(r.respondent_ids),
                              r.note) for r in self.results], columns=list(REPORT_COLUMNS))

    def dropped_frame(self) -> pd.DataFrame:
        """One row per dropped respondent: ``respondent_id``, ``rule``."""
        return pd.DataFrame([{"respondent_id": i, "rule": r.rule} for r in self.results
                             for i in r.respondent_ids], columns=["respondent_id", "rule"])

    def summary(self, lang: str = "en") -> str:
        """The report in plain language (``en`` or ``nl``), for the method appendix."""
        share = percent(lang, self.rows_out / self.rows_in, 1) if self.rows_in \
            else "–"
        lines = [tr(lang, "Cleaning kept {kept} of {total} responses ({share}).",
                    kept=number(lang, self.rows_out, 0), total=number(lang, self.rows_in, 0),
                    share=share)]
        applied = [r for r in self.results if r.applied]
        if any(r.dropped for r in applied):
            lines.append(tr(lang, "Dropped, in the order the rules were applied:"))
            lines.extend(f"- {_criterion(r, lang)}" for r in applied)
        elif applied:
            lines.append(tr(lang, "No response was dropped."))
        off = [_rule_name(r.rule, lang) for r in self.results if not r.enabled]
        if off:
            lines.append(tr(lang, "Switched off: {rules}.", rules=", ".join(off)))
        for r in self.results:
            if r.enabled and not r.applied:
                lines.append(tr(lang, "Not applied ({rule}): the data have no {column} column.",
                                rule=_rule_name(r.rule, lang), column=r.note))
        return "\n".join(lines)


def _rule_name(rule: str, lang: str) -> str:
    names = {
        "incomplete": tr(lang, "incomplete responses"),
        "unfinished": tr(lang, "unfinished responses"),
        "duplicate-id": tr(lang, "duplicate respondent ids"),
        "duplicate-answers": tr(lang, "duplicate answers"),
        "speeders": tr(lang, "speeders"),
        "straight-liners": tr(lang, "straight-liners"),
    }
    return names[rule]


def _criterion(r: RuleResult, lang: str) -> str:
    n = number(lang, r.dropped, 0)
    if not r.enabled:
        return tr(lang, "switched off")
    if not r.applied:
        return tr(lang, "not applied: the data have no {column} column", column=r.note)
    if r.rule == "speeders" and (r.basis is None or r.value is None):
        return tr(lang, "{n} speeders: no response has a duration", n=n)
    if r.rule == "incomplete":
        return tr(lang, "{n} incomplete: fewer than {share} of the {items} scored questions "
                        "answered", n=n, share=percent(lang, r.value or 0),
                  items=number(lang, r.basis or 0, 0))
    if r.rule == "unfinished":
        return tr(lang, "{n} unfinished: progress under 100%", n=n)
    if r.rule == "duplicate-id":
        return tr(lang, "{n} with the respondent id of an earlier response (the first was "
                        "kept)", n=n)
    if r.rule == "duplicate-answers":
        return tr(lang, "{n} with the same answers to every scored question as an earlier "
                        "response (the first was kept)", n=n)
    if r.rule == "speeders":
        return tr(lang, "{n} speeders: under {cutoff} s, {fraction} of the median duration of "
                        "{median} s", n=n, cutoff=number(lang, r.value, 0),
                  fraction=percent(lang, r.value / r.basis) if r.basis else "–",
                  median=number(lang, r.basis, 0))
    return tr(lang, "{n} straight-liners: the same answer to each of at least {items} "
                    "consecutive questions with the same answer options", n=n,
              items=number(lang, r.value or 0, 0))


def _straightline_runs(inst: Instrument, min_items: int) -> list[list[Question]]:
    """Runs of consecutive single-choice questions sharing an answer set, long enough."""
    runs: list[list[Question]] = []
    current: list[Question] = []
    keys: tuple[str, ...] | None = None
    for q in [*inst.scored_questions, *inst.outcomes]:
        these = tuple(inst.index.option_keys(q.id)) if q.type == "single" else None
        if these is not None and these == keys:
            current.append(q)
            continue
        if len(current) >= min_items:
            runs.append(current)
        current, keys = ([q], these) if these is not None else ([], None)
    if len(current) >= min_items:
        runs.append(current)
    return runs


def _encode(inst: Instrument, frame: pd.DataFrame, questions: list[Question]):
    return encoded_answers(inst, frame, questions,
                           lambda row, column: Message("row {row}, column {column!r}",
                                                       row=f"{row + 1:,}", column=column),
                           limit=MAX_LISTED, error=CleaningError)


def _duplicate_answers(enc, scored: list[Question], rows: np.ndarray) -> np.ndarray:
    """The rows (among ``rows``) whose answers repeat an earlier row's exactly."""
    signature = pd.DataFrame({f"{q.id}/{part}": getattr(enc.columns[q.id], part)
                              for q in scored for part in ("status", "value")})
    dupes = np.zeros(len(rows), dtype=bool)
    at = np.flatnonzero(rows)
    if len(at):
        dupes[at] = signature.iloc[at].duplicated(keep="first").to_numpy()
    return dupes


def _speeders(frame: pd.DataFrame, keep: np.ndarray, fraction: float
              ) -> tuple[np.ndarray, float | None, float | None]:
    """The rows faster than ``fraction`` of the kept rows' median duration, the cutoff and
    the median."""
    duration = pd.to_numeric(frame["duration_seconds"], errors="coerce").to_numpy(float)
    timed = keep & np.isfinite(duration)
    median = float(np.median(duration[timed])) if timed.any() else None
    cutoff = fraction * median if median is not None else None
    slow = np.zeros(len(frame), dtype=bool) if cutoff is None else \
        np.isfinite(duration) & (duration < cutoff)
    return slow, cutoff, median


def _straightliners(inst: Instrument, frame: pd.DataFrame, rules: CleaningRules) -> np.ndarray:
    """The rows that give one answer to every item of a run of at least the minimum."""
    runs = _straightline_runs(inst, rules.straightline_min_items)
    lined = np.zeros(len(frame), dtype=bool)
    if runs and rules.straightliners:
        run_enc = _encode(inst, frame, [q for run in runs for q in run])
        for run in runs:
            status = np.stack([run_enc.columns[q.id].status for q in run], axis=1)
            value = np.stack([run_enc.columns[q.id].value for q in run], axis=1)
            given = status == ANSWERED
            count = given.sum(axis=1)
            first = np.where(given, value, -1).max(axis=1)
            same = np.where(given, value == first[:, None], True).all(axis=1)
            lined |= (count >= rules.straightline_min_items) & same
    return lined


def clean(frame: pd.DataFrame, inst: Instrument, rules: CleaningRules = CleaningRules()
          ) -> tuple[pd.DataFrame, CleaningReport]:
    """Drop incomplete, unfinished, duplicate, speeding and straight-lining responses.

    Parameters
    ----------
    frame
        The tidy table (:func:`~socialmaturity.intake.importing.read_export`'s ``frame``, or
        a batch CSV read with pandas).
    inst
        The instrument whose scored (and outcome) questions the rules look at.
    rules
        Which rules, with which thresholds (see the module docstring).

    Returns
    -------
    (DataFrame, CleaningReport)
        The rows kept (the input's index and columns unchanged) and the report: per rule, in
        the order applied, the rows it dropped and their ``respondent_id`` (the row's index
        when the table has none).

    Raises
    ------
    CleaningError
        Impossible settings, or answers that do not fit the instrument.
    """
    problems = rules.problems()
    if problems:
        raise CleaningError(problems)
    n = len(frame)
    ids = (frame["respondent_id"].astype(str).to_numpy() if "respondent_id" in frame
           else frame.index.astype(str).to_numpy())
    scored = inst.scored_questions
    enc = _encode(inst, frame, scored)
    keep = np.ones(n, dtype=bool)
    report = CleaningReport(rules, n, n)

    def apply(rule: str, drop: np.ndarray | None, note: str = "", value: float | None = None,
              basis: float | None = None) -> None:
        before = int(keep.sum())
        if not rules.enabled(rule) or drop is None:
            report.results.append(RuleResult(rule, rules.enabled(rule), False, before,
                                             note=note if rules.enabled(rule) else ""))
            return
        hit = drop & keep
        keep[hit] = False
        report.results.append(RuleResult(rule, True, True, before, tuple(ids[hit]), value,
                                         basis))

    answered = np.zeros(n, dtype=np.int64)
    for q in scored:
        answered += enc.columns[q.id].status != MISSING
    share = answered / len(scored) if scored else np.ones(n)
    apply("incomplete", share < rules.min_completion - 1e-12 if rules.incomplete else None,
          value=rules.min_completion, basis=len(scored))

    if "progress" in frame:
        progress = pd.to_numeric(frame["progress"], errors="coerce").to_numpy(dtype=float)
        apply("unfinished", np.nan_to_num(progress, nan=100.0) < 100.0)
    else:
        apply("unfinished", None, note="progress")

    if "respondent_id" in frame:
        apply("duplicate-id", pd.Series(ids).where(keep).duplicated(keep="first").to_numpy()
              & keep)
    else:
        apply("duplicate-id", None, note="respondent_id")

    apply("duplicate-answers", _duplicate_answers(enc, scored, keep & (answered > 0)))

    if "duration_seconds" in frame:
        slow, cutoff, median = _speeders(frame, keep, rules.speeder_fraction)
        apply("speeders", slow, value=cutoff, basis=median)
    else:
        apply("speeders", None, note="duration_seconds")

    apply("straight-liners", _straightliners(inst, frame, rules),
          value=rules.straightline_min_items)
    report.rows_out = int(keep.sum())
    return frame.loc[keep], report


__all__ = ["RULES", "CleaningError", "CleaningReport", "CleaningRules", "RuleResult", "clean"]
