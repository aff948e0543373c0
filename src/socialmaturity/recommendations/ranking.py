"""Next-stage actions, ranked by what matters most for this organization.

For each scored dimension below the top stage, the instrument's recommendations for the
dimension's current stage are candidates, except those whose evidence the organization already
meets. Each is ranked by

    priority = (gap to next stage + gap to peers' top quartile) · separation · boost

- gap to next stage = next stage's min_score − dimension score (points);
- gap to peers' top quartile = max(0, peers' 75th percentile − dimension score);
- separation = share of mature peers who do it − share of less mature peers who do, floored
  at 0.05, so that what tells mature organizations apart counts most;
- boost = 3 when the evidence question is a gate that holds the overall stage back, 2 when the
  dimension is the weakest link that caps it, else 1.

The evidence (shares, ratio, n) is computed from the panel, never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..benchmark.panel import evidence_key
from ..benchmark.peers import PeerGroup, PeerIndex
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument, Recommendation
from ..scoring.answers import Responses
from ..scoring.engine import Scores

MIN_SEPARATION = 0.05


@dataclass(frozen=True)
class EvidenceFigures:
    group: PeerGroup
    n_mature: int
    n_less: int
    share_mature: float | None
    share_less: float | None

    @property
    def ratio(self) -> float | None:
        if not self.share_less or self.share_mature is None:
            return None
        return self.share_mature / self.share_less


@dataclass(frozen=True)
class RankedRecommendation:
    rank: int
    dimension: str
    recommendation: Recommendation
    score: float
    next_stage: str
    gap_next: float
    gap_peers: float
    separation: float
    #: "gate" or "weakest-link" when it addresses what caps the overall stage
    holds_back: str | None
    holds_back_id: str | None
    priority: float
    evidence: EvidenceFigures


def already_meets(inst: Instrument, rec: Recommendation, responses: Responses) -> bool:
    ev = rec.evidence
    value = responses.answers.get(ev.question)
    if value is None or value in (DONT_KNOW, NOT_APPLICABLE):
        return False
    if ev.min_value is not None:
        return float(value) >= ev.min_value  # type: ignore[arg-type]
    chosen = value if isinstance(value, list) else [value]
    return any(k in (ev.favorable or []) for k in chosen)


def rank(inst: Instrument, scores: Scores, responses: Responses, index: PeerIndex,
         group: PeerGroup) -> list[RankedRecommendation]:
    """Every applicable recommendation, most important first."""
    stages = inst.stages
    stats = index.stats(group)
    next_level = scores.level + 1
    blocking_gates = {
        g.condition.question: g.id for g in inst.rules.gates
        if not scores.gates[g.id] and g.condition.question
        and {s.key: s.level for s in stages}[g.stage] == next_level
    }
    weakest = scores.decided_by.rule_id if scores.decided_by.rule == "weakest-link" else None
    found = []
    for dim, ds in zip(inst.dimensions, scores.dimensions, strict=True):
        if ds.score is None or ds.level is None or ds.level >= len(stages):
            continue
        stage_key = stages[ds.level - 1].key
        nxt = stages[ds.level]
        p75 = stats.dimensions[dim.id].quantile(0.75)
        for rec in dim.recommendations:
            if rec.stage != stage_key or already_meets(inst, rec, responses):
                continue
            ek = evidence_key(rec.evidence)
            ev_group, (nm, ym, nl, yl) = index.evidence_group(group, ek)
            figures = EvidenceFigures(ev_group, nm, nl, ym / nm if nm else None,
                                      yl / nl if nl else None)
            separation = max((figures.share_mature or 0) - (figures.share_less or 0),
                             MIN_SEPARATION)
            gap_next = max(nxt.min_score - ds.score, 0.0)
            gap_peers = max((p75 or 0.0) - ds.score, 0.0)
            holds, holds_id, boost = None, None, 1.0
            if rec.evidence.question in blocking_gates:
                holds, holds_id, boost = "gate", blocking_gates[rec.evidence.question], 3.0
            elif weakest == dim.id:
                holds, holds_id, boost = "weakest-link", dim.id, 2.0
            priority = (gap_next + gap_peers) * separation * boost
            found.append((priority, dim.id, ds.score, nxt.key, gap_next, gap_peers, separation,
                          holds, holds_id, rec, figures))
    found.sort(key=lambda t: -t[0])
    return [
        RankedRecommendation(i + 1, d, rec, score, nk, round(gn, 1), round(gp, 1),
                             round(sep, 3), holds, hid, round(p, 3), fig)
        for i, (p, d, score, nk, gn, gp, sep, holds, hid, rec, fig) in enumerate(found)
    ]
