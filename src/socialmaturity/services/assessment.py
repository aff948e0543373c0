"""Use case: answers in, a complete assessment result out (scores, stage, peers, actions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..benchmark.panel import Panel
from ..benchmark.peers import DEFAULT_MIN_GROUP_SIZE, GroupStats, PeerGroup, PeerIndex
from ..core.settings import DEMO_RESPONDENTS, DEMO_SEED
from ..i18n.catalog import tr
from ..instrument.model import Instrument
from ..recommendations.ranking import RankedRecommendation, rank
from ..recommendations.whatif import path_to_next_stage
from ..reports import result as out
from ..reports.format import rounded
from ..scoring.answers import Responses
from ..scoring.engine import Scores, score_responses
from . import verdict
from .verdict import explain, group_label


def demo_panel(inst: Instrument, seed: int = DEMO_SEED,
               respondents: int = DEMO_RESPONDENTS) -> Panel:
    """The synthetic demo panel, generated from its seed (the same on every machine)."""
    from ..benchmark.demo import generate_columns

    columns = generate_columns(inst, seed=seed, respondents=respondents)
    return checked_panel(inst, columns, f"seed {seed}", synthetic=True, label=f"seed {seed}")


def checked_panel(inst: Instrument, frame, source: str | Path, *, label: str, synthetic: bool,
                  lang: str = "en") -> Panel:
    """A panel scored from a batch-layout table whose every cell is checked as
    ``score --batch`` checks it: an invalid one is an :class:`InputFileError` naming its
    ``source`` line, row and column, never an unanswered question."""
    from .batch import check_table

    enc = check_table(inst, frame, source, lang)
    return Panel.from_encoded(inst, enc, frame, label=label, synthetic=synthetic)


def load_panel(inst: Instrument, path: str | Path, lang: str = "en") -> Panel:
    """A panel from a batch-layout CSV file (see ``score --batch``), checked and scored on
    loading, or from a pre-scored ``.npz`` file made by ``panel build``. A CSV whose
    ``synthetic`` column is 1 on every row (as ``panel generate`` writes) is labelled
    synthetic."""
    if str(path).endswith(".npz"):
        return Panel.load(inst, path)
    from .batch import read_table

    frame = read_table(inst, path, require_questions=False)
    synthetic = "synthetic" in frame.columns and bool(
        (frame["synthetic"].astype(str).str.strip() == "1").all())
    return checked_panel(inst, frame, path, synthetic=synthetic, label=Path(path).name,
                         lang=lang)


def write_demo_panel(inst: Instrument, output: str | Path, seed: int = DEMO_SEED,
                     respondents: int = DEMO_RESPONDENTS):
    """Generate the demo panel into a CSV (or a pre-scored ``.npz``); return its table."""
    from ..benchmark.demo import generate_panel
    from ..files import neutral_frame, write_atomically

    frame = generate_panel(inst, seed=seed, respondents=respondents)
    frame.insert(0, "synthetic", 1)
    if str(output).endswith(".npz"):
        panel = checked_panel(inst, frame, f"seed {seed}", synthetic=True, label=f"seed {seed}")
        save_panel(inst, panel, output)
    else:
        write_atomically(output, lambda f: neutral_frame(frame).to_csv(f, index=False))
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
    #: (group, the groups tried first, language) → :meth:`group_view`
    _views: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def index(self) -> PeerIndex:
        return PeerIndex(self.instrument, self.panel, self.min_group_size)

    def assess(self, responses: Responses, lang: str = "en") -> out.AssessmentResult:
        inst = self.instrument
        scores = score_responses(inst, responses)
        group = self.index.peer_group(responses.profile)
        ranked = rank(inst, scores, responses, self.index, group)
        path = path_to_next_stage(inst, responses, scores)
        return build_result(self, responses, scores, group, ranked, path, lang)

    def group_view(self, group: PeerGroup, lang: str
                   ) -> tuple[GroupStats, out.BenchmarkOut, dict[str, float | None]]:
        """What a result says of its peer group, the same for every organization in it: the
        group's statistics, the benchmark without this organization's percentiles, and each
        dimension's 75th percentile unrounded. Every result of the group shares these objects
        (shallow copies): change a result only after ``model_copy(deep=True)``."""
        key = (group.level, group.key, tuple(tuple(f.items()) for f, _ in group.widened_from),
               lang)
        found = self._views.get(key)
        if found is None:
            if len(self._views) > 2_000:
                self._views.clear()
            found = self._views[key] = self._group_view(group, lang)
        return found

    def _group_view(self, group: PeerGroup, lang: str):
        inst, panel = self.instrument, self.panel
        stats = self.index.stats(group)
        widened_because = None
        if group.widened_from:
            first, n_first = group.widened_from[0]
            widened_because = tr(lang, "Fewer than {min} peer organizations in {first} (n = {n}), "
                                       "so the group was widened to {group}.",
                                 min=group.min_group_size, first=group_label(inst, first, lang),
                                 n=n_first, group=group_label(inst, group.filters, lang))
        dims = {d.id: stats.dimensions[d.id] for d in inst.dimensions}
        bench = out.BenchmarkOut(
            panel=out.PanelOut(label=panel_label(panel, lang), synthetic=panel.synthetic,
                               n=panel.n, respondents=panel.respondents or panel.n,
                               instrument_version=panel.instrument_version),
            peer_group=out.PeerGroupOut(
                filters=group.filters, label=group_label(inst, group.filters, lang), n=group.n,
                min_group_size=group.min_group_size,
                widened_from=[out.Filters(filters=f, label=group_label(inst, f, lang), n=n)
                              for f, n in group.widened_from],
                widened_because=widened_because),
            overall_percentile=None,
            overall_median=rounded(stats.overall.quantile(0.5)),
            overall_top_quartile=rounded(stats.overall.quantile(0.75)),
            overall_histogram=stats.overall.histogram(),
            dimensions=[out.DimensionBenchmark(
                id=d, percentile=None, median=rounded(dist.quantile(0.5)),
                top_quartile=rounded(dist.quantile(0.75)), n=dist.n) for d, dist in dims.items()],
            stage_distribution=[
                out.StageShare(level=s.level, key=s.key, name=inst.text(s.name, lang),
                               min_score=s.min_score, count=stats.stages[s.level],
                               share=round(stats.stages[s.level] / stats.n, 4) if stats.n else 0)
                for s in inst.stages])
        return stats, bench, {d: dist.quantile(0.75) for d, dist in dims.items()}


def panel_label(panel: Panel, lang: str) -> str:
    if panel.synthetic:
        return tr(lang, "Demo benchmark (synthetic): {label}", label=panel.label)
    return panel.label


def build_result(assessor: Assessor, responses: Responses, scores: Scores, group: PeerGroup,
                 ranked: list[RankedRecommendation], path, lang: str) -> out.AssessmentResult:
    inst = assessor.instrument
    stats, bench, p75 = assessor.group_view(group, lang)
    stage = inst.stages[scores.level - 1]
    provisional, answered, asked = verdict.is_provisional(scores)

    def pct(dist, x):
        return None if provisional else verdict.percentile(dist, x)

    dims = [verdict.dimension_result(inst, d, responses, scores, ds, lang)
            for d, ds in zip(inst.dimensions, scores.dimensions, strict=True)]
    bench_dims = [b.model_copy(update={"percentile": pct(stats.dimensions[ds.id], ds.score)})
                  for b, ds in zip(bench.dimensions, scores.dimensions, strict=True)]
    recs = [verdict.recommendation_out(inst, r, responses, p75[r.dimension], lang)
            for r in ranked[:inst.ranking.max_steps]]
    strong = verdict.strengths(dims, bench_dims)
    return out.AssessmentResult(
        language=lang,
        instrument=out.InstrumentRef(
            id=inst.id, version=inst.version, hash=inst.content_hash,
            report_title=inst.text(inst.report_title, lang) if inst.report_title
            else tr(lang, "Maturity report")),
        profile=dict(responses.profile),
        overall=out.Overall(score=scores.overall, stage=out.DecidedStage(
            level=stage.level, key=stage.key, name=inst.text(stage.name, lang),
            decided_by=out.Decision(rule=scores.decided_by.rule, id=scores.decided_by.rule_id,
                                    explanation=explain(inst, scores, lang)))),
        dimensions=dims,
        gates=verdict.gate_results(inst, scores, lang),
        benchmark=bench.model_copy(update={
            "overall_percentile": pct(stats.overall, scores.overall), "dimensions": bench_dims}),
        provisional=provisional, answered=answered, asked=asked,
        strengths=strong,
        no_strengths=None if strong else verdict.no_strengths(dims, bench_dims, lang),
        next_stage=verdict.next_stage(inst, scores, lang),
        meaning=verdict.meaning(inst, scores, path, lang),
        recommendations=recs, steps_offered=len(ranked),
        no_steps=None if recs else verdict.no_steps(inst, scores, lang),
        path_to_next_stage=verdict.path_out(inst, path, lang))


def make_assessor(instrument: str | None = None, panel: str | None = None,
                  min_group_size: int = DEFAULT_MIN_GROUP_SIZE, lang: str = "en") -> Assessor:
    """An assessor over an instrument (bundled id or file) and a panel (CSV, or the demo);
    a panel's problems in ``lang``."""
    from ..instrument.loader import resolve_instrument

    inst = resolve_instrument(instrument)
    chosen = load_panel(inst, panel, lang) if panel else demo_panel(inst)
    return Assessor(inst, chosen, min_group_size)
