"""Evidence for a next step: how much more often mature peer organizations do it.

For a recommendation's evidence (an answer or range of answers to one question), among the
peer organizations that answered the question:

- share mature = yes / organizations at the mature stage or above, share less mature alike;
- ratio = share mature / share less mature, with a 95% confidence interval on the log scale
  (Katz et al. 1978): exp(ln ratio ± 1.96 · √(1/a − 1/n₁ + 1/c − 1/n₂)), a and c the yes
  counts, n₁ and n₂ the group sizes; in R, ``epitools::riskratio.wald`` or statsmodels'
  ``Table2x2.riskratio_confint``.

A ratio is given only when both groups hold at least the instrument's ``min_evidence``
organizations (the peer group is widened field by field until they do) and both shares are
above zero. An item that a stage rule defines (a gate's question) gets no ratio: mature
organizations meet it by definition, so the result says "required for <stage> by the model".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..instrument.model import Evidence, Instrument
from .panel import evidence_key
from .peers import PeerGroup, PeerIndex

Z95 = 1.959963984540054


@dataclass(frozen=True)
class EvidenceFigures:
    group: PeerGroup
    n_mature: int
    yes_mature: int
    n_less: int
    yes_less: int
    #: the key of the stage a gate on this item makes it required for, else None
    by_definition: str | None = None
    #: both groups have at least the minimum number of organizations
    enough: bool = True
    #: the group was widened from the peer group to find enough organizations
    widened: bool = False

    @property
    def share_mature(self) -> float | None:
        return self.yes_mature / self.n_mature if self.n_mature else None

    @property
    def share_less(self) -> float | None:
        return self.yes_less / self.n_less if self.n_less else None

    @property
    def comparable(self) -> bool:
        """A ratio may be shown: enough organizations, not rule-defined, both shares > 0."""
        return (self.enough and self.by_definition is None and self.yes_mature > 0
                and self.yes_less > 0)

    @property
    def ratio(self) -> float | None:
        if not self.comparable:
            return None
        return (self.yes_mature / self.n_mature) / (self.yes_less / self.n_less)

    @property
    def ratio_ci(self) -> tuple[float, float] | None:
        """The 95% confidence interval of the ratio (Katz log method)."""
        ratio = self.ratio
        if ratio is None:
            return None
        se = math.sqrt(1 / self.yes_mature - 1 / self.n_mature + 1 / self.yes_less
                       - 1 / self.n_less)
        return math.exp(math.log(ratio) - Z95 * se), math.exp(math.log(ratio) + Z95 * se)


def evidence_figures(inst: Instrument, index: PeerIndex, group: PeerGroup,
                     ev: Evidence) -> EvidenceFigures:
    """The evidence for ``ev`` among the organizations of ``group`` (widened as needed); made
    once per group and evidence, and kept on the index."""
    ek = evidence_key(ev)
    key = (group.level, group.key, ek)
    found = index.figures.get(key)
    if found is None:
        if len(index.figures) > 100_000:
            index.figures.clear()
        ev_group, (nm, ym, nl, yl) = index.evidence_group(group, ek)
        # the stage a gate on the evidence's question makes it a condition of, if any
        defined = next((g.stage for g in inst.rules.gates if g.condition.question == ev.question),
                       None)
        found = index.figures[key] = EvidenceFigures(
            ev_group, nm, ym, nl, yl, defined, min(nm, nl) >= inst.benchmark.min_evidence,
            ev_group.level < group.level)
    return found
