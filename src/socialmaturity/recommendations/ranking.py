"""Next steps, each the next rung on one question, ranked by what matters most for this
organization.

Candidates are the instrument's recommendations of every scored dimension below the top stage
that :func:`~.rungs.offered` keeps (below their rung, not on a "not applicable" question, no
rung skipped). Each names the answer change it stands for and carries its effect, found by
re-scoring the answers with that change (:func:`~.whatif.effect`). It is ranked by

    priority = (gap to next stage + gap to peers' top quartile + dimension gain) · separation
               · boost

- gap to next stage = the dimension's next stage's min_score − dimension score (points);
- gap to peers' top quartile = max(0, peers' 75th percentile − dimension score);
- dimension gain = the change in the dimension's (unrounded) score, linear in the item score;
- separation = share of mature peer organizations who do it − share of less mature ones,
  floored at :data:`MIN_SEPARATION`; an item a stage rule defines has no separation of its own
  and counts the floor;
- boost = :attr:`~socialmaturity.instrument.model.Ranking.lifts_overall_stage` when the
  what-if raises the overall stage, :attr:`~...lifts_dimension_stage` when it raises the
  dimension's stage, else 1 (weights from the instrument).

The first :attr:`~...distinct_first` steps come from different dimensions (the best of each),
so the top of the list is a plan, not one dimension's to-do list.

"Holds your stage back" is claimed only when the what-if shows the overall stage rising. The
evidence (shares, ratio, confidence interval, n organizations) is computed from the panel,
never typed in; see :mod:`socialmaturity.benchmark.evidence`.
"""

from __future__ import annotations

from typing import NamedTuple

from ..benchmark.evidence import EvidenceFigures, evidence_figures
from ..benchmark.peers import PeerGroup, PeerIndex
from ..instrument.model import Instrument, Recommendation
from ..scoring.answers import Responses, Value
from ..scoring.engine import Scores, item_score
from .rungs import offered
from .scorecard import Scorecard
from .whatif import Effect, effect

MIN_SEPARATION = 0.05


class RankedRecommendation(NamedTuple):
    rank: int
    dimension: str
    recommendation: Recommendation
    score: float
    next_stage: str
    gap_next: float
    gap_peers: float
    #: the rule the change relieves when the what-if shows the overall stage rising:
    #: "threshold", "gate" or "weakest-link"; else None
    holds_back: str | None
    holds_back_id: str | None
    priority: float
    evidence: EvidenceFigures
    #: the answer the step stands for
    answer: Value
    #: found by re-scoring
    effect: Effect


def rank(inst: Instrument, scores: Scores, responses: Responses, index: PeerIndex,
         group: PeerGroup) -> list[RankedRecommendation]:
    """Every recommendation on offer, most important first, each with its effect found by
    re-scoring."""
    stages = inst.stages
    stats = index.stats(group)
    weights = inst.ranking
    card = Scorecard(inst, responses, scores)
    items = scores.items
    found = []
    for dim, ds in zip(inst.dimensions, scores.dimensions, strict=True):
        if ds.score is None or ds.level is None or ds.level >= len(stages):
            continue
        nxt = stages[ds.level]
        p75 = stats.dimensions[dim.id].quantile(0.75)
        gap_next = max(nxt.min_score - ds.score, 0.0)
        gap_peers = max((p75 or 0.0) - ds.score, 0.0)
        # the dimension's gain is linear in the item score: 100 · w_q · Δs / Σ w over the
        # dimension's items that count
        den = sum(q.weight for q in dim.questions if items[q.id] is not None)
        for rec, answer in offered(inst, dim.recommendations, responses.answers):
            question = rec.evidence.question
            q = inst.index.questions[question]
            dim_gain = 100.0 * q.weight * ((item_score(inst, q, answer) or 0.0)
                                           - (items[question] or 0.0)) / den
            eff = effect(card, question, answer)
            figures = evidence_figures(inst, index, group, rec.evidence)
            separation = MIN_SEPARATION if figures.by_definition else max(
                (figures.share_mature or 0) - (figures.share_less or 0), MIN_SEPARATION)
            holds, holds_id, boost = None, None, 1.0
            if eff.stage_after > eff.stage_before:
                holds, holds_id = _relieved(inst, scores, question, dim.id)
                boost = weights.lifts_overall_stage
            elif (eff.dimension_stage_after or 0) > (eff.dimension_stage_before or 0):
                boost = weights.lifts_dimension_stage
            priority = (gap_next + gap_peers + dim_gain) * separation * boost
            found.append((priority, RankedRecommendation(
                0, dim.id, rec, ds.score, nxt.key, round(gap_next, 1), round(gap_peers, 1), holds,
                holds_id, round(priority, 3), figures, answer, eff)))
    found.sort(key=lambda t: -t[0])
    return [r._replace(rank=i + 1)
            for i, r in enumerate(_spread([r for _, r in found], weights.distinct_first))]


def _spread(found: list[RankedRecommendation], first: int) -> list[RankedRecommendation]:
    """The first ``first`` steps from different dimensions (the best of each, in priority
    order), then the rest in priority order."""
    head: list = []
    seen: set[str] = set()
    for item in found:
        if len(head) < first and item.dimension not in seen:
            head.append(item)
            seen.add(item.dimension)
    return head + [x for x in found if not any(x is h for h in head)]


def _relieved(inst: Instrument, scores: Scores, question: str, dimension: str
              ) -> tuple[str, str | None]:
    """Which rule the change relieves, given that it raises the overall stage."""
    d = scores.decided_by
    if d.rule == "gate":
        gate = next(g for g in inst.rules.gates if g.id == d.rule_id)
        if gate.condition.question == question:
            return "gate", gate.id
    if d.rule == "weakest-link" and d.rule_id == dimension:
        return "weakest-link", dimension
    return "threshold", None
