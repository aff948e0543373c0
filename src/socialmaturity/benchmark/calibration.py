"""The study's findings the demo panel is calibrated to (:data:`TARGETS`, MODEL.md §1), as
checks on the organizations of a panel, and :func:`calibration_report`, which runs them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..instrument.model import Instrument
from ..scoring.encode import MULTI_SEPARATOR
from .demo import mature_flags, organizations
from .demo_model import AGREE

Observe = Callable[[pd.DataFrame, np.ndarray], float]


def _hits(panel: pd.DataFrame, question: str, keys: Sequence[str]) -> np.ndarray:
    """True where the answer is one of ``keys`` (for a multi-select: includes one of them)."""
    codes, uniques = pd.factorize(pd.Series(panel[question], dtype=object))
    wanted = set(keys)
    table = np.array([bool(wanted & {p.strip() for p in str(u).split(MULTI_SEPARATOR)})
                      for u in uniques] + [False])
    return table[codes]


def _share(question: str, keys: Sequence[str], of: str = "all") -> Observe:
    """The share of organizations whose answer is one of ``keys``: among ``all``, the
    ``mature`` or the ``less`` mature ones; or the mature share's ``ratio`` to the less mature
    one (infinite over none) or its ``difference``."""
    def observe(panel: pd.DataFrame, mature: np.ndarray) -> float:
        hits = _hits(panel, question, keys)
        every, more, less = (float(hits[rows].mean()) if rows.any() else float("nan")
                             for rows in (np.ones(len(hits), bool), mature, ~mature))
        if of == "ratio":
            return more / less if less > 0 else float("inf")
        return {"all": every, "mature": more, "less": less, "difference": more - less}[of]
    return observe


@dataclass(frozen=True)
class Target:
    """A finding of the study the demo panel reproduces: ``observe(panel, mature)`` should lie
    within ``tolerance`` of ``target`` (absolute, or a fraction of the target when
    ``relative``)."""

    name: str
    description: str
    target: float
    tolerance: float
    relative: bool
    observe: Observe

    @property
    def half_width(self) -> float:
        """The tolerance in the units of the observed value."""
        return self.tolerance * abs(self.target) if self.relative else self.tolerance

    def holds(self, observed: float) -> bool:
        return bool(abs(observed - self.target) <= self.half_width + 1e-12)


_CS, _HR = "customer-service", "hr-recruiting"
_SPONSOR = ("vice-president", "c-level")
#: The top two options of listening-join-conversations.
_JOIN_TOP = ("often", "always")

_BEYOND = ("one-other", "several-others", "all-audiences")

#: The study's findings (MODEL.md §1) as checks on the organizations of a panel of the bundled
#: instrument and their mature flags. Tolerances are 3–5 seed-to-seed standard deviations at
#: 2,162 rows (measured over 200 seeds); targets stated as bounds ("over 80%") sit so that the
#: whole band keeps the finding. See docs/demo-panel.md.
TARGETS: tuple[Target, ...] = (
    Target("mature-share", "share of organizations at stage 3 or 4 (about 40% strategic)",
           0.40, 0.05, False, lambda panel, mature: float(np.mean(mature))),
    Target("customer-service-ratio", "mature ÷ less mature: customer service uses social (more "
           "than twice as likely)", 2.2, 0.15, True, _share("reach-departments", [_CS], "ratio")),
    Target("hr-recruiting-ratio", "mature ÷ less mature: HR and recruiting use social (about "
           "twice as likely)", 2.0, 0.15, True, _share("reach-departments", [_HR], "ratio")),
    Target("executive-sponsor-ratio", "mature ÷ less mature: a primary sponsor on the executive "
           "board or reporting directly to it (five times as likely; from the latent maturity, no "
           "rule asks for it)", 5.0, 0.20, True, _share("strategy-sponsor", _SPONSOR, "ratio")),
    Target("differentiates-ratio", "mature ÷ less mature: agree social differentiates the brand "
           "(1.4 times as likely)",
           1.4, 0.10, True, _share("outcome-differentiates", AGREE, "ratio")),
    Target("paid-efficiency-mature", "mature agreeing social improves paid search, TV and other "
           "advertising (75%)",
           0.75, 0.05, False, _share("outcome-paid-efficiency", AGREE, "mature")),
    Target("prospects-overall", "all agreeing social reaches prospects more efficiently (over 80%)",
           0.84, 0.035, False, _share("outcome-prospects", AGREE)),
    Target("transformation-mature", "mature agreeing social prepared them for digital "
           "transformation (more than two thirds)",
           0.72, 0.05, False, _share("outcome-transformation", AGREE, "mature")),
    Target("disruption-overall", "all agreeing social prepared them for disruption (COVID-19) "
           "(more than two thirds)", 0.72, 0.05, False, _share("outcome-disruption", AGREE)),
    Target("disruption-mature-lead", "mature minus less mature agreeing social prepared them for "
           "disruption (mature best prepared)",
           0.16, 0.08, False, _share("outcome-disruption", AGREE, "difference")),
    Target("relationships-mature", "mature agreeing social built strong relationships (the vast "
           "majority)", 0.88, 0.05, False, _share("outcome-relationships", AGREE, "mature")),
    Target("relationships-less", "less mature agreeing social built strong relationships (fewer "
           "than half)", 0.44, 0.05, False, _share("outcome-relationships", AGREE, "less")),
    Target("partners-mature", "mature agreeing social improved how they find and keep partners "
           "(two thirds)", 0.67, 0.05, False, _share("outcome-partners", AGREE, "mature")),
    Target("brand-health-mature", "mature agreeing social improved brand relevance and sentiment "
           "(nearly every)", 0.94, 0.04, False, _share("outcome-brand-health", AGREE, "mature")),
    Target("beyond-customers-overall", "all with goals for audiences beyond customers (only about "
           "half)", 0.50, 0.05, False, _share("audiences-goals", _BEYOND)),
    Target("beyond-customers-mature", "mature with goals for audiences beyond customers (most)",
           0.75, 0.06, False, _share("audiences-goals", _BEYOND, "mature")),
    Target("marketing-overall", "all whose marketing team uses social (nearly every)",
           0.97, 0.02, False, _share("reach-departments", ["marketing"])),
    Target("pr-overall", "all whose PR/communications team uses social (nearly two thirds)",
           0.65, 0.05, False, _share("reach-departments", ["pr-communications"])),
    Target("listening-join-ratio", "mature ÷ less mature: join the conversations they listen to, "
           "top two answers (many times more likely: at least 3)",
           4.2, 1.2, False, _share("listening-join-conversations", _JOIN_TOP, "ratio")),
)


class CalibrationRow(NamedTuple):
    name: str
    target: float
    observed: float
    #: Allowed distance from the target, in the units of the observed value.
    tolerance: float
    ok: bool


def calibration_report(inst: Instrument, panel: pd.DataFrame,
                       mature: np.ndarray | None = None) -> list[CalibrationRow]:
    """Each of :data:`TARGETS` observed on ``panel`` (classified by the batch engine unless
    ``mature`` flags are given). The targets name questions of the bundled instrument."""
    orgs = organizations(inst, panel)
    if mature is None:
        mature = mature_flags(inst, orgs)
    rows = []
    for t in TARGETS:
        observed = t.observe(orgs, mature)
        rows.append(CalibrationRow(t.name, t.target, observed, t.half_width, t.holds(observed)))
    return rows
