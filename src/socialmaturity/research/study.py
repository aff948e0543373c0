"""The study's headline findings, checked on the data, and the items the stage rules define.

**Rule-defined items** (:func:`rule_defined`). When the groups compared are stages (``mature``,
``stage``, ``stage_level``), an indicator whose question a gate of the instrument asks
(``rules.gates[].condition.question``) is partly or wholly decided by the classification
itself: a gate "strategic needs a VP or C-level sponsor" makes every mature organization
have one. Such a comparison is shown "by definition", never ranked as a finding. The list is
read from the instrument's gates, for any instrument.

**The study's findings** (:data:`CLAIMS`): the published headline numbers of the Hootsuite ×
Altimeter study, each tied to an indicator of the bundled instrument, observed on the data with
its 95% interval, and given a verdict:

- first the precision: an interval wider than :data:`MAX_SHARE_WIDTH` (a share: 25
  percentage points) or :data:`MAX_RATIO_SPAN` (a ratio: its upper end more than 2.5 times
  its lower end) is **too uncertain to say**, whatever it touches: a small sample would
  otherwise "re-create" everything;
- a ratio ("2× as likely"): **re-created** when the interval's lower end is above 1 and its
  upper end reaches the published ratio; **weaker than published** when the lower end is
  above 1 but the upper end stays below the published ratio; **not re-created** when the
  interval reaches 1 or below;
- a share ("75%", "over 80%"): **re-created** when the interval's upper end reaches the
  published share; **weaker than published** when it does not but the share is above one
  half; **not re-created** otherwise.

A claim whose indicator the data does not have is left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from ..errors import Message
from ..i18n.catalog import LANGUAGES, number, percent, tr
from ..instrument.model import Instrument

__all__ = ["Claim", "CLAIMS", "StudyFinding", "study_findings", "rule_defined", "VERDICTS",
           "STAGE_COLUMNS", "MAX_SHARE_WIDTH", "MAX_RATIO_SPAN"]

#: The group columns that are stages: gate questions define their comparisons.
STAGE_COLUMNS = ("mature", "stage", "stage_level")
VERDICTS = ("re-created", "weaker than published", "not re-created", "too uncertain to say")
#: The widest 95% interval of a share (in shares) and the largest ratio of the upper to the
#: lower end of a ratio's that still give a verdict.
MAX_SHARE_WIDTH = 0.25
MAX_RATIO_SPAN = 2.5


@dataclass(frozen=True)
class Claim:
    """A published finding: ``kind`` ``ratio`` (focus ÷ rest) or ``share`` (of ``group``:
    ``all`` or ``focus``) of ``indicator``; ``published`` the number; ``text`` the
    statement (a catalog text, in every language)."""

    id: str
    kind: str
    indicator: str
    group: str
    published: float
    text: Message


CLAIMS: tuple[Claim, ...] = (
    Claim("customer-service", "ratio", "reach-departments=customer-service", "focus", 2.0,
          Message("Mature organizations are twice as likely to use social media in customer "
                  "service.")),
    Claim("hr-recruiting", "ratio", "reach-departments=hr-recruiting", "focus", 2.0,
          Message("Mature organizations are twice as likely to use social media in HR and "
                  "recruiting.")),
    Claim("executive-sponsor", "ratio", "strategy-sponsor:top2", "focus", 5.0,
          Message("Mature organizations are five times as likely to have a primary executive "
                  "sponsor for social media.")),
    Claim("differentiates", "ratio", "outcome-differentiates:top2", "focus", 1.4,
          Message("Mature organizations are 1.4 times as likely to say social media "
                  "differentiates their brand.")),
    Claim("paid-efficiency", "share", "outcome-paid-efficiency:top2", "focus", 0.75,
          Message("75% of mature organizations say social media makes their paid search, TV "
                  "and other advertising more efficient.")),
    Claim("prospects", "share", "outcome-prospects:top2", "all", 0.80,
          Message("Over 80% of organizations say social media reaches potential customers more "
                  "efficiently than their other channels.")),
    Claim("disruption", "share", "outcome-disruption:top2", "all", 2 / 3,
          Message("Over two thirds of organizations say social media prepared them for "
                  "disruption such as COVID-19.")),
    Claim("transformation", "share", "outcome-transformation:top2", "focus", 2 / 3,
          Message("Over two thirds of mature organizations say social media prepared them for "
                  "digital transformation.")),
)


@dataclass
class StudyFinding:
    """A claim observed on the data."""

    claim: Claim
    estimate: float
    ci_low: float
    ci_high: float
    verdict: str
    #: The gate ids whose question the indicator asks (the comparison is then partly
    #: "by definition").
    gates: tuple[str, ...] = ()
    sentences: dict[str, str] = field(default_factory=dict)


def rule_defined(inst: Instrument, infos: list, by: str) -> dict[str, tuple[str, ...]]:
    """Indicator name → the ids of the gates that ask its question, when ``by`` is a stage
    column (empty otherwise)."""
    if by not in STAGE_COLUMNS:
        return {}
    gates: dict[str, list[str]] = {}
    for g in inst.rules.gates:
        if g.condition.question:
            gates.setdefault(g.condition.question, []).append(g.id)
    return {i.name: tuple(gates[i.question]) for i in infos if i.question in gates}


def _verdict(kind: str, published: float, est: float, lo: float, hi: float) -> str:
    if (hi - lo > MAX_SHARE_WIDTH) if kind == "share" else not hi <= MAX_RATIO_SPAN * lo:
        return "too uncertain to say"
    if kind == "ratio":
        if not lo > 1:
            return "not re-created"
        return "re-created" if hi >= published else "weaker than published"
    if hi >= published:
        return "re-created"
    return "weaker than published" if est > 0.5 else "not re-created"


def verdict_text(lang: str, verdict: str) -> str:
    """A verdict in ``lang``."""
    return {"re-created": tr(lang, "re-created"),
            "weaker than published": tr(lang, "weaker than published"),
            "not re-created": tr(lang, "not re-created"),
            "too uncertain to say": tr(lang, "too uncertain to say")}.get(verdict, verdict)


def _text(lang: str, c: Claim, est: float, lo: float, hi: float, verdict: str,
          gates: tuple[str, ...]) -> str:
    fmt = (lambda x: number(lang, x, 1) + "×") if c.kind == "ratio" else partial(percent, lang)
    text = tr(lang, "{claim} Here: {estimate} (95% CI {low}–{high}): {verdict}.",
              claim=c.text.text(lang), estimate=fmt(est), low=fmt(lo),
              high=fmt(hi), verdict=verdict_text(lang, verdict))
    if gates:
        text += " " + tr(lang, "The stage rules ask this question ({gates}), so the "
                               "difference is partly by definition.", gates=", ".join(gates))
    return text


def study_findings(comparisons: pd.DataFrame, shares_all: pd.DataFrame,
                   shares_groups: pd.DataFrame,
                   defined: dict[str, tuple[str, ...]]) -> list[StudyFinding]:
    """Each of :data:`CLAIMS` whose indicator the tables have, with its verdict and its
    sentence in every language. ``shares_groups`` has a ``group`` column (``focus``,
    ``rest``)."""
    comp = comparisons.set_index("indicator")
    alls = shares_all.set_index("indicator")
    focus = shares_groups[shares_groups["group"] == "focus"].set_index("indicator")
    out = []
    for c in CLAIMS:
        table, column = (comp, "ratio") if c.kind == "ratio" \
            else (alls if c.group == "all" else focus, "share")
        if c.indicator not in table.index:
            continue
        est, lo, hi = (float(table.loc[c.indicator, k]) for k in (column, "ci_low", "ci_high"))
        if any(math.isnan(v) for v in (est, lo, hi)):
            verdict = "not re-created"
        else:
            verdict = _verdict(c.kind, c.published, est, lo, hi)
        gates = defined.get(c.indicator, ())
        texts = {lg: _text(lg, c, est, lo, hi, verdict, gates) for lg in LANGUAGES}
        out.append(StudyFinding(c, est, lo, hi, verdict, gates, texts))
    return out
