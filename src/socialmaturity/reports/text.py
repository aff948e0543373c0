"""The assessment result as text for a terminal (rich renderables)."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..i18n.catalog import ntr, number, tr
from .format import num, stacked
from .result import AssessmentResult

TOP_RECOMMENDATIONS = 5


def render_result(r: AssessmentResult, *, all_recommendations: bool = False) -> Group:
    lang = r.language
    b = r.benchmark
    parts: list = []
    head = Text()
    head.append(tr(lang, "Overall: {score}/100 · stage {level} of {total}, {stage}",
                   score=num(lang, r.overall.score), level=r.overall.stage.level,
                   total=len(b.stage_distribution),
                   stage=r.overall.stage.name), style="bold")
    head.append("\n" + tr(lang, "Why: {explanation}",
                          explanation=r.overall.stage.decided_by.explanation))
    if r.provisional:
        head.append("\n" + tr(lang, "Provisional: {answered} of {asked} questions answered. "
                                    "Answer at least 80% for a percentile among peers.",
                              answered=r.answered, asked=r.asked), style="yellow")
    if b.overall_percentile is not None:
        head.append("\n" + tr(lang, "Percentile among peers: {p} (peer median {median}, top "
                                    "quartile from {q3}; {group}, n = {n})",
                              p=num(lang, b.overall_percentile, 0),
                              median=num(lang, b.overall_median),
                              q3=num(lang, b.overall_top_quartile), group=b.peer_group.label,
                              n=number(lang, b.peer_group.n, 0)))
    parts.append(Panel(head, title=tr(lang, "Social maturity result"), expand=False))
    if b.peer_group.widened_because:
        parts.append(Text(b.peer_group.widened_because, style="yellow"))
    if b.panel.synthetic:
        parts.append(Text(tr(lang, "Benchmark: {label}: not real data.", label=b.panel.label),
                          style="yellow"))

    # six columns fit 80 (a pipe's width): how many were answered goes with the name, when
    # not all were
    table = Table(title=tr(lang, "Dimensions"), title_justify="left")
    for column, justify in ((tr(lang, "Dimension"), "left"), (tr(lang, "Score"), "right"),
                            (tr(lang, "Stage"), "left"), (tr(lang, "Percentile"), "right"),
                            (stacked(tr(lang, "Peer median")), "right"),
                            (stacked(tr(lang, "Top quartile")), "right")):
        table.add_column(column, justify=justify)
    for d, bd in zip(r.dimensions, b.dimensions, strict=True):
        name = d.name if d.answered == d.asked else d.name + " " + tr(
            lang, "({answered} of {asked} answered)", answered=d.answered, asked=d.asked)
        table.add_row(name, num(lang, d.score), d.stage.name if d.stage else "–",
                      num(lang, bd.percentile, 0), num(lang, bd.median), num(lang, bd.top_quartile))
    parts.append(table)

    strong = Text(tr(lang, "Strengths") + "\n", style="bold underline")
    if r.no_strengths:
        strong.append(r.no_strengths + "\n")
    for st in r.strengths:
        strong.append(f"• {st.name}", style="bold")
        strong.append(" " + tr(lang, "({score}; percentile {p})", score=num(lang, st.score),
                               p=num(lang, st.percentile, 0)) + "\n")
        for line in st.best:
            strong.append(f"    {line.text} {line.answer_label}\n", style="dim")
    parts.append(strong)

    stages = Table(title=tr(lang, "Stages of your peers ({group}, n = {n})",
                            group=b.peer_group.label, n=number(lang, b.peer_group.n, 0)),
                   title_justify="left")
    stages.add_column(tr(lang, "Stage"))
    stages.add_column(tr(lang, "Peers"), justify="right")
    stages.add_column("%", justify="right")
    for s in b.stage_distribution:
        stages.add_row(f"{s.level}. {s.name}", str(s.count), num(lang, 100 * s.share, 0))
    parts.append(stages)

    parts += _steps(r, all_recommendations)
    parts.append(Text(tr(lang, "Instrument {id} {version} ({hash})", id=r.instrument.id,
                         version=r.instrument.version, hash=r.instrument.hash[:19]),
                      style="dim"))
    return Group(*parts)


def _steps(r: AssessmentResult, all_recommendations: bool) -> list:
    """The next steps, most important first, and the shortest path to the next stage."""
    lang = r.language
    b = r.benchmark
    parts: list = []
    recs = r.recommendations if all_recommendations else \
        r.recommendations[:TOP_RECOMMENDATIONS]
    parts.append(Text(tr(lang, "Next steps, most important first"), style="bold underline"))
    if r.no_steps:
        parts.append(Text(r.no_steps))
    for rec in recs:
        effect = tr(lang, "Effect: overall {o0} → {o1}", o0=num(lang, rec.effect.overall_before),
                    o1=num(lang, rec.effect.overall_after))
        if rec.lifts_stage:
            effect += " · " + tr(lang, "lifts your stage")
        parts.append(Text.assemble(
            (f"{rec.rank}. {rec.title}", "bold"),
            (f"  ({rec.dimension_name} · {rec.owner})\n", "dim"), rec.action + "\n",
            tr(lang, "Change: {question} “{current}” → “{answer}”",
               question=rec.change.question_text,
               current=rec.change.current_label or tr(lang, "not answered"),
               answer=rec.change.answer_label) + "\n", (effect + "\n", "green"),
            (tr(lang, "Why: {why}", why=rec.why) + "\n", "italic"),
            (tr(lang, "Evidence: {statement}", statement=rec.evidence.statement), "cyan")))
    if not all_recommendations and len(r.recommendations) > len(recs):
        more = len(r.recommendations) - len(recs)
        parts.append(Text(ntr(lang, "{n} more recommendation in the JSON result (--format json).",
                              "{n} more recommendations in the JSON result (--format json).",
                              more), style="dim"))
    if r.path_to_next_stage:
        last = r.path_to_next_stage[-1]
        path = Text(ntr(lang, "Shortest path to {stage}: {n} answer change",
                        "Shortest path to {stage}: {n} answer changes",
                        len(r.path_to_next_stage),
                        stage=next(s.name for s in b.stage_distribution
                                   if s.key == last.stage_after)) + "\n", style="bold underline")
        for i, step in enumerate(r.path_to_next_stage, 1):
            path.append(f"{i}. {step.question_text} → {step.answer_label} ", style="")
            path.append(tr(lang, "(overall {score})", score=num(lang, step.overall_after)) + "\n",
                        style="dim")
        parts.append(path)
    return parts
