"""The parts of a result that speak about this organization, each computed from its answers:
what each dimension already does and what its next stage asks, the strengths, the next steps
with their what-if effect and evidence, and the path to the next stage.

**A question's rung for a stage** is the lowest answer whose item score reaches the stage's
``min_score`` (as a share of 100): on a five-option scale, the third option for Coordinated,
the fourth for Strategic, the fifth for Transformative. An answer at or above the next stage's
rung is something the organization "already does"; one below it is what "the next stage asks",
with the rung named. So no text can contradict an answer.
"""

from __future__ import annotations

import math

from ..benchmark.evidence import EvidenceFigures
from ..i18n.catalog import ntr, number, percent, tr
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument, Question
from ..recommendations.ranking import RankedRecommendation
from ..recommendations.rungs import answer_key
from ..recommendations.whatif import Step
from ..reports import result as out
from ..scoring.answers import Responses, Value
from ..scoring.encode import is_percent
from ..scoring.engine import EPSILON, Scores, item_score

#: Below this share of scored questions answered, a result is provisional.
PROVISIONAL_BELOW = 0.8


def answer_label(inst: Instrument, qid: str, value, lang: str) -> str | None:
    """An answer in words: option labels, a number with its unit, or the special answers."""
    if value is None:
        return None
    if value in (DONT_KNOW, NOT_APPLICABLE):
        return inst.text(inst.special_labels[value], lang)
    q = inst.index.questions[qid]
    if q.type == "numeric":  # as given; a percentage as the language writes one
        if is_percent(q):
            return percent(lang, float(value) / 100, None)
        return f"{number(lang, float(value), None)} {inst.text(q.unit, lang)}".strip()
    if q.type == "text":
        return str(value)
    labels = inst.option_labels(qid, lang)
    keys = value if isinstance(value, list) else [value]
    return "; ".join(labels[k] for k in keys)


def stage_rung(inst: Instrument, q: Question, value: Value | None, min_score: float
               ) -> Value | None:
    """The answer nearest to ``value`` that reaches ``min_score`` (0–100) on question ``q``
    (for a multi-select: the current options plus the fewest added, in option order); None
    when the question cannot reach it."""
    need = min_score / 100.0 - EPSILON
    if q.type == "single":
        cache = inst.index.__dict__.setdefault("_stage_rungs", {})
        if (q.id, min_score) not in cache:
            ranked = sorted(inst.index.options[q.id], key=lambda o: o.points or 0.0)
            cache[q.id, min_score] = next((o.key for o in ranked
                                           if item_score(inst, q, o.key) >= need), None)  # type: ignore[operator]
        return cache[q.id, min_score]
    if q.type == "multi":
        chosen = [k for k in value] if isinstance(value, list) else []
        keys = inst.index.option_keys(q.id)
        for o in inst.index.options[q.id]:
            if item_score(inst, q, [k for k in keys if k in chosen]) >= need:  # type: ignore[operator]
                break
            if not o.exclusive and o.key not in chosen and (o.points or 0.0) > 0:
                chosen.append(o.key)
        answer = [k for k in keys if k in chosen
                  and not any(o.key == k and o.exclusive for o in inst.index.options[q.id])]
        return answer if item_score(inst, q, answer) >= need else None  # type: ignore[operator]
    lo, hi = q.score_range  # type: ignore[misc]
    target = lo + (hi - lo) * min_score / 100.0
    return float(math.ceil(target - EPSILON) if hi >= lo else math.floor(target + EPSILON))


def _line(inst: Instrument, q: Question, value: Value | None, min_score: float, done: bool,
          lang: str) -> out.AnswerLine:
    """One line of "already" or "next stage asks" (made once per combination)."""
    key = (q.id, tuple(value) if isinstance(value, list) else value, min_score, done, lang)
    def make():
        target = None if done else answer_label(inst, q.id,
                                                stage_rung(inst, q, value, min_score), lang)
        return out.AnswerLine.model_construct(
            question=q.id, text=inst.text(q.text, lang),
            answer_label=answer_label(inst, q.id, value, lang), target_label=target)
    return inst.index.kept("_answer_lines", key, make)


def dimension_result(inst: Instrument, d, responses: Responses, scores: Scores, ds,
                     lang: str) -> out.DimensionResult:
    """One dimension as the result shows it: what it already does and what the next stage (or
    the top one) asks, each answered question against that stage's rung. It depends on the
    answers to its questions, its stage (which the gates may cap) and the language only, so it
    is made once per combination."""
    answers = responses.answers
    key = (d.id, tuple(answer_key(answers.get(q.id)) for q in d.questions), ds.level, lang)
    def make():
        already, asks = [], []
        ref = inst.stages[min(ds.level or 0, len(inst.stages) - 1)]
        for q in d.questions:
            value, item = answers.get(q.id), scores.items.get(q.id)
            if ds.level is None or item is None:  # no stage, or not applicable
                continue
            done = item * 100.0 >= ref.min_score - EPSILON and value not in (None, DONT_KNOW)
            (already if done else asks).append(_line(inst, q, value, ref.min_score, done, lang))
        return out.DimensionResult.model_construct(
            id=d.id, name=inst.text(d.name, lang), description=inst.text(d.description, lang),
            score=ds.score, stage=stage_out(inst, ds.level, lang),
            already=already, next_stage_asks=asks, answered=ds.answered, asked=ds.asked,
            questions=[question_answer(inst, q, answers.get(q.id), scores, lang)
                       for q in d.questions])
    return inst.index.kept("_dimension_results", key, make, 5_000)  # about 8 MB


def question_answer(inst: Instrument, q: Question, value: Value | None, scores: Scores,
                    lang: str) -> out.QuestionAnswer:
    """One question and its answer (made once per combination)."""
    key = (q.id, answer_key(value), lang)
    def make():
        item = scores.items.get(q.id)
        return out.QuestionAnswer.model_construct(
            id=q.id, text=inst.text(q.text, lang), answer=value,
            answer_label=answer_label(inst, q.id, value, lang),
            item_score=None if item is None else round(item, 3))
    return inst.index.kept("_question_answers", key, make)


def gate_results(inst: Instrument, scores: Scores, lang: str) -> list[out.GateResult]:
    key = (tuple(scores.gates.items()), lang)
    return inst.index.kept("_gate_results", key, lambda: [
        out.GateResult(id=g.id, stage=g.stage, met=scores.gates[g.id],
                       text=inst.text(g.text, lang)) for g in inst.rules.gates])


def is_provisional(scores: Scores) -> tuple[bool, int, int]:
    answered = sum(d.answered for d in scores.dimensions)
    asked = sum(d.asked for d in scores.dimensions)
    return answered < PROVISIONAL_BELOW * asked, answered, asked


def percentile(dist, x: float | None) -> float | None:
    """A percentile as every output shows it: whole percent, rounded down, so "higher than
    {p}% of your peers" is never rounded up (99.6 is 99; 100 only above every peer)."""
    p = None if x is None else dist.percentile(x)
    return None if p is None else float(math.floor(p + 1e-9))


def strengths(dims: list[out.DimensionResult], bench: list[out.DimensionBenchmark],
              top: int = 3, answers: int = 2) -> list[out.Strength]:
    """The strengths: at most ``top`` dimensions scoring above their peers' median, the
    highest percentile first (then the furthest above the median); each with its
    highest-scoring answers (real answers only, ties in question order)."""
    pairs = [(d, b) for d, b in zip(dims, bench, strict=True)
             if d.score is not None and b.median is not None and d.score > b.median]
    pairs.sort(key=lambda p: (-(p[1].percentile if p[1].percentile is not None else -1),
                              p[1].median - p[0].score))
    out_ = []
    for d, b in pairs[:top]:
        scored = [q for q in d.questions if q.item_score is not None and q.item_score > 0]
        scored.sort(key=lambda q: -(q.item_score or 0.0))
        best = [out.AnswerLine(question=q.id, text=q.text, answer_label=q.answer_label)
                for q in scored[:answers]]
        out_.append(out.Strength(dimension=d.id, name=d.name, score=d.score,
                                 percentile=b.percentile, best=best))
    return out_


def no_strengths(dims: list[out.DimensionResult], bench: list[out.DimensionBenchmark],
                 lang: str) -> str:
    """Why no dimension is named a strength: none scores above its peers' median; the
    closest is named with its score and that median."""
    gaps = [(b.median - d.score, d, b) for d, b in zip(dims, bench, strict=True)
            if d.score is not None and b.median is not None]
    if not gaps:
        return tr(lang, "No dimension can be compared with peers, so none is named a strength.")
    _, d, b = min(gaps, key=lambda g: g[0])
    return tr(lang, "No dimension scores above your peers' median yet, so none is named a "
                    "strength. Closest: {dimension}, {score} against a median of {median}.",
              dimension=d.name, score=number(lang, d.score), median=number(lang, b.median))


def no_steps(inst: Instrument, scores: Scores, lang: str) -> str:
    """Why there is no next step: every dimension is at the top stage, or else every
    recommendation is met or not applicable (then the dimensions below the top are named)."""
    top = inst.stages[-1]
    below = [inst.text(inst.index.dimensions[d.id].name, lang) for d in scores.dimensions
             if d.level is not None and d.level < top.level]
    if not below:
        return tr(lang, "No recommendations: every dimension is at its highest stage.")
    return tr(lang, "No recommendations: your answers already meet each one, or its question "
                    "does not apply. Not yet at {stage}: {names}.", stage=inst.text(top.name, lang),
              names=", ".join(below))


def stage_key(inst: Instrument, level: int) -> str:
    return inst.stages[level - 1].key


def stage_name(inst: Instrument, level: int, lang: str) -> str:
    return inst.text(inst.stages[level - 1].name, lang)


def stage_out(inst: Instrument, level: int | None, lang: str) -> out.Stage | None:
    """A stage as a result holds it (level, key, name); None for no stage."""
    return out.Stage(level=level, key=stage_key(inst, level),
                     name=stage_name(inst, level, lang)) if level else None


def path_out(inst: Instrument, steps: list[Step], lang: str) -> list[out.PathStep]:
    changes = [_change(inst, s.question, s.answer, None, lang) for s in steps]
    return [out.PathStep(
        question=s.question, answer=s.answer, question_text=c.question_text,
        answer_label=c.answer_label, dimension=inst.index.dimension_of[s.question],
        overall_after=s.overall_after, stage_after=stage_key(inst, s.stage_after))
        for s, c in zip(steps, changes, strict=True)]


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{round(100 * x):d}"


def group_label(inst: Instrument, filters: dict[str, str], lang: str) -> str:
    if not filters:
        return tr(lang, "all organizations in the benchmark")
    key = (tuple(filters.items()), lang)
    return inst.index.kept("_group_labels", key, lambda: " · ".join(
        inst.option_labels(field, lang)[k] for field, k in filters.items()))


def evidence_statement(inst: Instrument, rec, ev: EvidenceFigures, lang: str) -> str:
    """The evidence in a sentence."""
    phrase = inst.text(rec.evidence.phrase, lang)
    fields = dict(group=group_label(inst, ev.group.filters, lang), phrase=phrase,
                  pm=_pct(ev.share_mature), pl=_pct(ev.share_less), nm=ev.n_mature,
                  nl=ev.n_less)
    if ev.by_definition is not None:
        return tr(lang, "Required for {stage} by the model: every organization at that stage "
                        "meets it by definition, so no ratio is shown.",
                  stage=inst.text(inst.index.stages[ev.by_definition].name, lang))
    if not ev.enough:
        return tr(lang, "Too few organizations to compare ({nm} mature and {nl} less mature in "
                        "{group}; at least {min} of each are needed), so no ratio is shown.",
                  min=inst.benchmark.min_evidence, **fields)
    widened = (" " + tr(lang, "(The peer group was widened to find enough organizations.)")
               if ev.widened else "")
    ci = ev.ratio_ci
    if ev.ratio is not None and ci is not None:
        return tr(lang, "Mature organizations ({group}) are {ratio}× as likely as less mature "
                        "ones to {phrase} (95% CI {low}–{high}; {pm}% of {nm} against {pl}% "
                        "of {nl} organizations).", ratio=number(lang, ev.ratio),
                  low=number(lang, ci[0]), high=number(lang, ci[1]), **fields) + widened
    return tr(lang, "In {group}, {pm}% of {nm} mature organizations {phrase}, against {pl}% of "
                    "{nl} less mature ones.", **fields) + widened


def why(inst: Instrument, r: RankedRecommendation, p75: float | None, lang: str) -> str:
    """Why this step, in words: the dimension's gaps, then the what-if."""
    dim_name = inst.text(inst.index.dimensions[r.dimension].name, lang)
    e = r.effect
    text = _gaps(inst, r, p75, lang) + tr(
        lang, "Moving up to this answer raises {dimension} from {d0} to {d1} and your overall "
              "score from {o0} to {o1}.", dimension=dim_name,
        d0=number(lang, e.dimension_before or 0.0), d1=number(lang, e.dimension_after or 0.0),
        o0=number(lang, e.overall_before), o1=number(lang, e.overall_after))
    if e.stage_after > e.stage_before:
        text += " " + tr(lang, "On its own, it lifts your overall stage to {stage}.",
                         stage=stage_name(inst, e.stage_after, lang))
        if r.holds_back == "gate":
            gate = next(g for g in inst.rules.gates if g.id == r.holds_back_id)
            text += " " + tr(lang, "It meets the rule that holds your stage back: {gate}",
                             gate=inst.text(gate.text, lang))
        elif r.holds_back == "weakest-link":
            text += " " + tr(lang, "{dimension} is your weakest dimension, which caps your "
                                   "overall stage.", dimension=dim_name)
    return text


def _gaps(inst: Instrument, r: RankedRecommendation, p75: float | None, lang: str) -> str:
    """The dimension's gaps in words (made once per combination)."""
    key = (r.dimension, r.score, r.gap_next, r.gap_peers, p75, r.next_stage, lang)
    def make():
        nxt = inst.index.stages[r.next_stage]
        found = tr(lang, "{dimension} scores {score}: {gap} points below {stage} ({min})",
                   dimension=inst.text(inst.index.dimensions[r.dimension].name, lang),
                   score=number(lang, r.score), gap=number(lang, r.gap_next),
                   stage=inst.text(nxt.name, lang), min=number(lang, nxt.min_score, 0))
        if r.gap_peers > 0 and p75 is not None:
            found += tr(lang, " and {gap} below your peers' top quartile ({p75})",
                        gap=number(lang, r.gap_peers), p75=number(lang, p75))
        return found + ". "
    return inst.index.kept("_gap_sentences", key, make, 10_000)


def explain(inst: Instrument, scores: Scores, lang: str) -> str:
    """Why the overall stage is what it is, in words."""
    stage = inst.stages[scores.level - 1]
    said = dict(score=number(lang, scores.overall), stage=inst.text(stage.name, lang))
    d = scores.decided_by
    if d.rule == "threshold":
        text = tr(lang, "The overall score {score} reaches {stage} (from {min}).",
                  min=number(lang, stage.min_score, 0), **said)
        if scores.level < len(inst.stages):
            nxt = inst.stages[scores.level]
            text += " " + tr(lang, "{stage} starts at {min}.", stage=inst.text(nxt.name, lang),
                             min=number(lang, nxt.min_score, 0))
        return text
    said["reached"] = stage_name(inst, scores.threshold_level, lang)
    if d.rule == "gate":
        gate = next(g for g in inst.rules.gates if g.id == d.rule_id)
        return tr(lang, "The overall score {score} would reach {reached}, but a rule is not met: "
                        "{gate} So the stage is {stage}.", gate=inst.text(gate.text, lang), **said)
    ds = next(x for x in scores.dimensions if x.id == d.rule_id)
    return tr(lang, "The overall score {score} would reach {reached}, but the weakest dimension, "
                    "{dimension}, is {dim_stage}, and the overall stage can be at most {above} "
                    "above the weakest dimension. So the stage is {stage}.",
              dimension=inst.text(inst.index.dimensions[ds.id].name, lang),
              dim_stage=stage_name(inst, ds.level or 1, lang),
              above=inst.rules.weakest_link.max_above if inst.rules.weakest_link else 0, **said)


def next_stage(inst: Instrument, scores: Scores, lang: str) -> out.NextStage | None:
    """The next stage's conditions for the whole organization, each checked: its score
    threshold, its gates and the weakest link."""
    if scores.level >= len(inst.stages):
        return None
    nxt = inst.stages[scores.level]
    conditions = [out.Condition(
        text=tr(lang, "An overall score of at least {min} (now {score})",
                min=number(lang, nxt.min_score, 0), score=number(lang, scores.overall)),
        met=scores.overall >= nxt.min_score - EPSILON)]
    conditions += [out.Condition(text=inst.text(g.text, lang), met=scores.gates[g.id])
                   for g in inst.rules.gates if inst.index.stages[g.stage].level <= nxt.level]
    wl = inst.rules.weakest_link
    if wl is not None and nxt.level - wl.max_above > 1:
        floor = inst.stages[nxt.level - wl.max_above - 1]
        low = [d for d in scores.dimensions if d.level is not None and d.level < floor.level]
        names = ", ".join(inst.text(inst.index.dimensions[d.id].name, lang) for d in low)
        conditions.append(out.Condition(
            text=tr(lang, "Every dimension at least {stage}", stage=inst.text(floor.name, lang))
            + (tr(lang, " (not yet: {names})", names=names) if low else ""),
            met=not low))
    return out.NextStage(level=nxt.level, key=nxt.key, name=inst.text(nxt.name, lang),
                         conditions=conditions)


def meaning(inst: Instrument, scores: Scores, steps: list[Step], lang: str) -> list[str]:
    """What the stage means for this organization, in sentences computed from its scores:
    the rule that decided it, how many dimensions are at the stage, which lag, and how far
    the next stage is."""
    dims = [d for d in scores.dimensions if d.level is not None]
    behind = [d for d in dims if d.level < scores.level]
    ahead = [d for d in dims if d.level > scores.level]
    lines = [explain(inst, scores, lang),
             tr(lang, "{n} of {total} dimensions are at this stage or higher.",
                n=len(dims) - len(behind), total=len(dims))]
    name = {d.id: inst.text(d.name, lang) for d in inst.dimensions}
    if ahead:
        lines.append(tr(lang, "Ahead: {names}.", names=", ".join(name[d.id] for d in ahead)))
    if behind:
        lines.append(tr(lang, "Behind: {names}.", names=", ".join(name[d.id] for d in behind)))
    if steps:
        lines.append(ntr(lang, "{n} answer change, one rung, reaches {stage}.",
                         "{n} answer changes, one rung each, reach {stage}.", len(steps),
                         stage=stage_name(inst, steps[-1].stage_after, lang)))
    return lines


def recommendation_out(inst: Instrument, r: RankedRecommendation, responses: Responses,
                       p75: float | None, lang: str) -> out.RecommendationOut:
    """One next step as the result shows it, from the ranking and the what-if.

    The parts made once per combination are built with ``model_construct``: every field is
    computed from validated answers, and the result's schema test checks the output."""
    rec, e = r.recommendation, r.effect
    question = rec.evidence.question
    return out.RecommendationOut.model_construct(
        rank=r.rank, id=rec.id, dimension=r.dimension,
        dimension_name=inst.text(inst.index.dimensions[r.dimension].name, lang),
        title=inst.text(rec.title, lang), action=inst.text(rec.action, lang),
        owner=inst.text(rec.owner, lang), why=why(inst, r, p75, lang),
        priority=r.priority, gap_to_next_stage=r.gap_next, gap_to_peer_top_quartile=r.gap_peers,
        change=_change(inst, question, r.answer, responses.answers.get(question), lang),
        effect=out.Effect.model_construct(
            overall_before=e.overall_before, overall_after=e.overall_after,
            stage_before=stage_key(inst, e.stage_before),
            stage_after=stage_key(inst, e.stage_after),
            dimension_before=e.dimension_before, dimension_after=e.dimension_after),
        lifts_stage=e.stage_after > e.stage_before,
        evidence=evidence_out(inst, rec, r.evidence, lang))


def _change(inst: Instrument, question: str, answer: Value, current: Value | None, lang: str
            ) -> out.Change:
    """An answer change in words (made once per combination)."""
    key = (question, answer_key(answer), answer_key(current), lang)
    def make():
        return out.Change(
            question=question, answer=answer,
            question_text=inst.text(inst.index.questions[question].text, lang),
            answer_label=answer_label(inst, question, answer, lang) or "",
            current_label=answer_label(inst, question, current, lang))
    return inst.index.kept("_changes", key, make)


def evidence_out(inst: Instrument, rec, ev: EvidenceFigures, lang: str) -> out.EvidenceOut:
    """The evidence as the result shows it (made once per combination)."""
    key = (rec.id, ev.group.level, ev.group.key, ev.group.n, ev.n_mature, ev.yes_mature,
           ev.n_less, ev.yes_less, ev.widened, lang)
    def make():
        ci = ev.ratio_ci
        return out.EvidenceOut(
            statement=evidence_statement(inst, rec, ev, lang), group=ev.group.filters,
            group_label=group_label(inst, ev.group.filters, lang), n=ev.group.n,
            n_mature=ev.n_mature, n_less_mature=ev.n_less,
            share_mature=None if ev.share_mature is None else round(ev.share_mature, 4),
            share_less_mature=None if ev.share_less is None else round(ev.share_less, 4),
            ratio=None if ev.ratio is None else round(ev.ratio, 2),
            ratio_ci=[round(ci[0], 2), round(ci[1], 2)] if ci else None,
            by_definition=ev.by_definition, widened=ev.widened)
    return inst.index.kept("_evidence_out", key, make, 10_000)  # about 15 MB
