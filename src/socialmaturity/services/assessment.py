"""Use case: answers in, a complete assessment result out (scores, stage, peers, actions)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..benchmark.panel import Panel
from ..benchmark.peers import DEFAULT_MIN_GROUP_SIZE, PeerGroup, PeerIndex
from ..i18n.catalog import number, tr
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument
from ..recommendations.ranking import RankedRecommendation, rank
from ..reports import result as out
from ..scoring.answers import Responses
from ..scoring.engine import Scores, score_responses

DEMO_SEED = 2021
DEMO_RESPONDENTS = 2162


def demo_panel(inst: Instrument, seed: int = DEMO_SEED,
               respondents: int = DEMO_RESPONDENTS) -> Panel:
    """The synthetic demo panel, generated from its seed (the same on every machine)."""
    from ..benchmark.demo import generate_panel

    frame = generate_panel(inst, seed=seed, respondents=respondents)
    return Panel.from_frame(inst, frame, len(frame), synthetic=True, label=f"seed {seed}")


def load_panel(inst: Instrument, path: str | Path) -> Panel:
    """A panel from a batch-layout CSV file (see ``score --batch``), scored on loading, or from
    a pre-scored ``.npz`` file made by ``panel build``. A CSV whose ``synthetic`` column is 1
    on every row (as ``panel generate`` writes) is labelled synthetic."""
    if str(path).endswith(".npz"):
        return Panel.load(inst, path)
    from .batch import read_table

    frame = read_table(inst, path, require_questions=False)
    synthetic = "synthetic" in frame.columns and bool(
        (frame["synthetic"].astype(str).str.strip() == "1").all())
    return Panel.from_frame(inst, frame, len(frame), synthetic=synthetic,
                            label=Path(path).name)


def write_demo_panel(inst: Instrument, output: str | Path, seed: int = DEMO_SEED,
                     respondents: int = DEMO_RESPONDENTS):
    """Generate the demo panel into a CSV (or a pre-scored ``.npz``); return its table."""
    from ..benchmark.demo import generate_panel
    from ..files import write_atomically

    frame = generate_panel(inst, seed=seed, respondents=respondents)
    frame.insert(0, "synthetic", 1)
    if str(output).endswith(".npz"):
        panel = Panel.from_frame(inst, frame, len(frame), synthetic=True, label=f"seed {seed}")
        save_panel(inst, panel, output)
    else:
        write_atomically(output, lambda f: frame.to_csv(f, index=False))
    return frame


def save_panel(inst: Instrument, panel: Panel, output: str | Path) -> None:
    """Save a scored panel as ``.npz``, whole or not at all."""
    from ..errors import InputFileError, Problem
    from ..files import write_atomically

    output = Path(output)
    if output.suffix != ".npz":
        raise InputFileError(Problem(str(output), "a scored panel file ends in .npz"))
    write_atomically(output, lambda f: panel.save(f, inst.content_hash), binary=True)


@dataclass
class Assessor:
    """Scores answers and benchmarks them against one panel."""

    instrument: Instrument
    panel: Panel
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE

    @cached_property
    def index(self) -> PeerIndex:
        return PeerIndex(self.instrument, self.panel, self.min_group_size)

    def assess(self, responses: Responses, lang: str = "en") -> out.AssessmentResult:
        inst = self.instrument
        scores = score_responses(inst, responses)
        group = self.index.peer_group(responses.profile)
        ranked = rank(inst, scores, responses, self.index, group)
        return build_result(self, responses, scores, group, ranked, lang)


def panel_label(panel: Panel, lang: str) -> str:
    if panel.synthetic:
        return tr(lang, "Demo benchmark (synthetic): {label}", label=panel.label)
    return panel.label


def group_label(inst: Instrument, filters: dict[str, str], lang: str) -> str:
    if not filters:
        return tr(lang, "all respondents")
    return " · ".join(inst.option_labels(field, lang)[key] for field, key in filters.items())


def _stage(inst: Instrument, level: int, lang: str) -> out.Stage:
    s = inst.stages[level - 1]
    return out.Stage(level=s.level, key=s.key, name=inst.text(s.name, lang))


def explain(inst: Instrument, scores: Scores, lang: str) -> str:
    """Why the overall stage is what it is, in words."""
    stage = inst.stages[scores.level - 1]
    name = inst.text(stage.name, lang)
    d = scores.decided_by
    if d.rule == "threshold":
        text = tr(lang, "The overall score {score} reaches {stage} (from {min}).",
                  score=number(lang, scores.overall), stage=name,
                  min=number(lang, stage.min_score, 0))
        if scores.level < len(inst.stages):
            nxt = inst.stages[scores.level]
            text += " " + tr(lang, "{stage} starts at {min}.", stage=inst.text(nxt.name, lang),
                             min=number(lang, nxt.min_score, 0))
        return text
    reached = inst.text(inst.stages[scores.threshold_level - 1].name, lang)
    if d.rule == "gate":
        gate = next(g for g in inst.rules.gates if g.id == d.rule_id)
        return tr(lang, "The overall score {score} would reach {reached}, but a rule is not met: "
                        "{gate} So the stage is {stage}.", score=number(lang, scores.overall),
                  reached=reached, gate=inst.text(gate.text, lang), stage=name)
    dim = inst.index.dimensions[d.rule_id or ""]
    ds = next(x for x in scores.dimensions if x.id == dim.id)
    return tr(lang, "The overall score {score} would reach {reached}, but the weakest dimension, "
                    "{dimension}, is {dim_stage}, and the overall stage can be at most {above} "
                    "above the weakest dimension. So the stage is {stage}.",
              score=number(lang, scores.overall), reached=reached,
              dimension=inst.text(dim.name, lang),
              dim_stage=inst.text(inst.stages[(ds.level or 1) - 1].name, lang),
              above=inst.rules.weakest_link.max_above if inst.rules.weakest_link else 0,
              stage=name)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{round(100 * x):d}"


def evidence_statement(inst: Instrument, r: RankedRecommendation, lang: str) -> str:
    ev = r.evidence
    phrase = inst.text(r.recommendation.evidence.phrase, lang)
    fields = dict(group=group_label(inst, ev.group.filters, lang), phrase=phrase,
                  pm=_pct(ev.share_mature), pl=_pct(ev.share_less),
                  n=number(lang, ev.group.n, 0))
    if ev.ratio is not None:
        return tr(lang, "Mature organizations ({group}) are {ratio}× as likely as less mature "
                        "ones to {phrase} ({pm}% vs {pl}%, n = {n}).",
                  ratio=number(lang, ev.ratio), **fields)
    return tr(lang, "In {group}, {pm}% of mature organizations {phrase}, against {pl}% of less "
                    "mature ones (n = {n}).", **fields)


def why(inst: Instrument, r: RankedRecommendation, p75: float | None, lang: str) -> str:
    dim = inst.index.dimensions[r.dimension]
    nxt = inst.index.stages[r.next_stage]
    text = tr(lang, "{dimension} scores {score}: {gap} points below {stage} ({min})",
              dimension=inst.text(dim.name, lang), score=number(lang, r.score),
              gap=number(lang, r.gap_next), stage=inst.text(nxt.name, lang),
              min=number(lang, nxt.min_score, 0))
    if r.gap_peers > 0 and p75 is not None:
        text += tr(lang, " and {gap} below your peers' top quartile ({p75})",
                   gap=number(lang, r.gap_peers), p75=number(lang, p75))
    text += "."
    if r.holds_back == "gate":
        gate = next(g for g in inst.rules.gates if g.id == r.holds_back_id)
        text += " " + tr(lang, "It addresses the rule that holds your overall stage back: {gate}",
                         gate=inst.text(gate.text, lang))
    elif r.holds_back == "weakest-link":
        text += " " + tr(lang, "This is your weakest dimension, which caps your overall stage.")
    if r.separation > 0.05:
        text += " " + tr(lang, "It is among the practices that most separate mature from less "
                               "mature organizations ({points} percentage points).",
                         points=round(100 * r.separation))
    return text


def build_result(assessor: Assessor, responses: Responses, scores: Scores, group: PeerGroup,
                 ranked: list[RankedRecommendation], lang: str) -> out.AssessmentResult:
    inst = assessor.instrument
    stats = assessor.index.stats(group)
    stage = inst.stages[scores.level - 1]
    dims = []
    bench_dims = []
    for d, ds in zip(inst.dimensions, scores.dimensions, strict=True):
        level_stage = inst.stages[ds.level - 1] if ds.level else None
        dims.append(out.DimensionResult(
            id=d.id, name=inst.text(d.name, lang), description=inst.text(d.description, lang),
            score=ds.score,
            stage=_stage(inst, ds.level, lang) if ds.level else None,
            stage_description=inst.text(d.stage_descriptions.get(level_stage.key), lang)
            if level_stage else None,
            answered=ds.answered, asked=ds.asked,
            questions=[question_answer(inst, q, responses, scores, lang) for q in d.questions]))
        dist = stats.dimensions[d.id]
        bench_dims.append(out.DimensionBenchmark(
            id=d.id, percentile=_round(dist.percentile(ds.score) if ds.score is not None
                                       else None),
            median=_round(dist.quantile(0.5)), top_quartile=_round(dist.quantile(0.75)),
            n=dist.n))
    widened_because = None
    if group.widened_from:
        first, n_first = group.widened_from[0]
        widened_because = tr(lang, "Fewer than {min} peers in {first} (n = {n}), so the group "
                                   "was widened to {group}.", min=group.min_group_size,
                             first=group_label(inst, first, lang), n=n_first,
                             group=group_label(inst, group.filters, lang))
    recs = []
    for r in ranked:
        rec = r.recommendation
        ev = r.evidence
        recs.append(out.RecommendationOut(
            rank=r.rank, id=rec.id, dimension=r.dimension,
            dimension_name=inst.text(inst.index.dimensions[r.dimension].name, lang),
            title=inst.text(rec.title, lang), action=inst.text(rec.action, lang),
            owner=inst.text(rec.owner, lang),
            why=why(inst, r, stats.dimensions[r.dimension].quantile(0.75), lang),
            priority=r.priority, gap_to_next_stage=r.gap_next, gap_to_peer_top_quartile=r.gap_peers,
            evidence=out.EvidenceOut(
                statement=evidence_statement(inst, r, lang), group=ev.group.filters,
                group_label=group_label(inst, ev.group.filters, lang), n=ev.group.n,
                n_mature=ev.n_mature, n_less_mature=ev.n_less,
                share_mature=_round(ev.share_mature, 4), share_less_mature=_round(ev.share_less, 4),
                ratio=_round(ev.ratio, 2))))
    panel = assessor.panel
    return out.AssessmentResult(
        language=lang,
        instrument=out.InstrumentRef(id=inst.id, version=inst.version, hash=inst.content_hash),
        profile=dict(responses.profile),
        overall=out.Overall(score=scores.overall, stage=out.DecidedStage(
            level=stage.level, key=stage.key, name=inst.text(stage.name, lang),
            decided_by=out.Decision(rule=scores.decided_by.rule, id=scores.decided_by.rule_id,
                                    explanation=explain(inst, scores, lang)))),
        dimensions=dims,
        gates=[out.GateResult(id=g.id, stage=g.stage, met=scores.gates[g.id],
                              text=inst.text(g.text, lang)) for g in inst.rules.gates],
        benchmark=out.BenchmarkOut(
            panel=out.PanelOut(label=panel_label(panel, lang), synthetic=panel.synthetic,
                               n=panel.n, instrument_version=panel.instrument_version),
            peer_group=out.PeerGroupOut(
                filters=group.filters, label=group_label(inst, group.filters, lang), n=group.n,
                min_group_size=group.min_group_size,
                widened_from=[out.Filters(filters=f, n=n) for f, n in group.widened_from],
                widened_because=widened_because),
            overall_percentile=_round(stats.overall.percentile(scores.overall)),
            overall_median=_round(stats.overall.quantile(0.5)),
            overall_top_quartile=_round(stats.overall.quantile(0.75)),
            overall_histogram=stats.overall.histogram(),
            dimensions=bench_dims,
            stage_distribution=[
                out.StageShare(level=s.level, key=s.key, name=inst.text(s.name, lang),
                               min_score=s.min_score, count=stats.stages[s.level],
                               share=round(stats.stages[s.level] / stats.n, 4) if stats.n else 0)
                for s in inst.stages]),
        recommendations=recs)


def answer_label(inst: Instrument, qid: str, value, lang: str) -> str | None:
    """An answer in words: option labels, a number with its unit, or the special answers."""
    if value is None:
        return None
    if value in (DONT_KNOW, NOT_APPLICABLE):
        return inst.text(inst.special_labels[value], lang)
    q = inst.index.questions[qid]
    if q.type == "numeric":
        return f"{number(lang, float(value), 0)} {inst.text(q.unit, lang)}".strip()
    if q.type == "text":
        return str(value)
    labels = inst.option_labels(qid, lang)
    keys = value if isinstance(value, list) else [value]
    return "; ".join(labels[k] for k in keys)


def question_answer(inst: Instrument, q, responses: Responses, scores: Scores,
                    lang: str) -> out.QuestionAnswer:
    value = responses.answers.get(q.id)
    # model_construct: every field is computed here, from validated answers (the result's
    # schema test checks the output)
    return out.QuestionAnswer.model_construct(
        id=q.id, text=inst.text(q.text, lang), answer=value,
        answer_label=answer_label(inst, q.id, value, lang),
        item_score=_round(scores.items.get(q.id), 3))


def _round(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def make_assessor(instrument: str | None = None, panel: str | None = None,
                  min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> Assessor:
    """An assessor over an instrument (bundled id or file) and a panel (CSV, or the demo)."""
    from ..instrument.loader import resolve_instrument

    inst = resolve_instrument(instrument)
    chosen = load_panel(inst, panel) if panel else demo_panel(inst)
    return Assessor(inst, chosen, min_group_size)
