"""Use case: a team round in, the organization's result and its team section out.

The organization's result is the normal one (:meth:`~.assessment.Assessor.assess` on the
round's rolled-up answers); the team section adds the department breakdown, agreement,
disagreements, progress since an earlier round and the way to the targets, with every label
in the result's language. The web layer and the command line call :func:`assess_round`.
"""

from __future__ import annotations

from ..i18n.catalog import ntr, tr
from ..instrument.model import Instrument
from ..reports import team as out
from ..reports.format import rounded
from ..reports.result import Effect
from ..scoring.encode import MULTI_SEPARATOR
from ..scoring.engine import score_responses
from ..teams.gaps import OTHER, Gaps, perception_gaps
from ..teams.progress import Target, progress, target_progress
from ..teams.round import DEPARTMENT, ORGANIZATION_FIELDS, Round
from .assessment import Assessor
from .verdict import answer_label, stage_key, stage_out


def department_label(inst: Instrument, key: str, pooled: tuple[str, ...] | list[str],
                     lang: str) -> str:
    """A department's label; the pooled group names what it holds."""
    labels = inst.option_labels(DEPARTMENT, lang)
    if key == OTHER and [p for p in pooled if p != OTHER]:
        return tr(lang, "Other (pooled: {departments})",
                  departments=", ".join(labels.get(p, p) for p in pooled))
    return labels.get(key) or tr(lang, "Other departments")


def assess_round(assessor: Assessor, rnd: Round, lang: str, k: int,
                 previous: Round | None = None, targets: list[Target] | None = None
                 ) -> out.TeamResult:
    """The organization's result for ``rnd`` and its team section."""
    inst = assessor.instrument
    result = assessor.assess(rnd.organization, lang)
    gaps = perception_gaps(rnd, k)
    moved = progress(inst, previous.organization, rnd.organization) if previous else None
    goals = []
    if targets:
        now = moved.after if moved else score_responses(inst, rnd.organization)
        goals = target_progress(targets, now, moved.before if moved else None)
    departments = _departments(inst, gaps, lang)
    below = _below_departments(result, departments, gaps)
    team = out.TeamOut(
        round=rnd.label, respondents=rnd.n,
        respondents_by_department=_counts(inst, gaps, lang), min_group=k,
        departments=departments, not_shown=_not_shown(inst, gaps, lang),
        below_departments=[d.id for d in below], below_note=_below_note(result, below, lang),
        agreement=_agreement(inst, gaps, lang),
        disagreements=_disagreements(inst, gaps, lang),
        progress=_progress(inst, moved, previous, lang) if moved and previous else None,
        targets=_targets(inst, goals, lang))
    return out.TeamResult(result, team)


def _counts(inst: Instrument, gaps: Gaps, lang: str) -> list[out.DepartmentCount]:
    where = {key: g.key for g in gaps.grouping.shown for key in (g.pooled or (g.key,))}
    return [out.DepartmentCount(department=key, label=department_label(inst, key, (), lang),
                                n=n, shown_in=where.get(key))
            for key, n in gaps.grouping.counts.items()]


def _departments(inst: Instrument, gaps: Gaps, lang: str) -> list[out.DepartmentOut]:
    cells = {d.id: gaps.scores.dimension(d.id) for d in inst.dimensions}
    return [out.DepartmentOut(
        department=g.key, label=department_label(inst, g.key, g.pooled, lang), n=g.n,
        pooled=list(g.pooled),
        dimensions=[out.DimensionScore(id=d.id, score=cells[d.id][i]) for d in inst.dimensions])
        for i, g in enumerate(gaps.grouping.shown)]


def _below_departments(result, departments: list[out.DepartmentOut], gaps: Gaps) -> list:
    """The result's dimensions whose score, as shown, is below that of every department shown,
    when the departments shown hold every respondent and are at least two."""
    if gaps.grouping.left_out is not None or len(departments) < 2:
        return []
    below = []
    for i, d in enumerate(result.dimensions):
        cells = [dep.dimensions[i].score for dep in departments]
        if d.score is not None and None not in cells and d.score < min(cells):
            below.append(d)
    return below


def _below_note(result, below: list, lang: str) -> str | None:
    """Why the organization can score below every department, naming where it does."""
    if not below:
        return None
    where = tr(lang, "On every dimension") if len(below) == len(result.dimensions) \
        else ", ".join(d.name for d in below)
    return tr(lang, "{dimensions}: the organization scores below every department. Each of its "
                    "answers is the one most of all respondents reach on that question; where "
                    "departments are strong on different questions, it takes the lower answer "
                    "on each.", dimensions=where)


def _not_shown(inst: Instrument, gaps: Gaps, lang: str) -> out.NotShown | None:
    left = gaps.grouping.left_out
    if left is None:
        return None
    labels = inst.option_labels(DEPARTMENT, lang)
    return out.NotShown(n=left.n, departments=list(left.pooled), reason=ntr(
        lang, "{n} respondent ({departments}) is in a department of fewer than {k}: they count "
              "in the organization's result but in no department figure.",
        "{n} respondents ({departments}) are in departments of fewer than {k}, and together "
        "still fewer than {k}: they count in the organization's result but in no department "
        "figure.", left.n, k=gaps.grouping.k,
        departments=", ".join(labels.get(p, p) for p in left.pooled)))


def _agreement(inst: Instrument, gaps: Gaps, lang: str) -> list[out.AgreementOut]:
    names = {d.id: inst.text(d.name, lang) for d in inst.dimensions}
    return [out.AgreementOut(dimension=a.dimension, name=names[a.dimension], n=a.n,
                             sd=rounded(a.sd), agreement=rounded(a.index, 3),
                             spread=rounded(a.spread))
            for a in gaps.agreement]


def _disagreements(inst: Instrument, gaps: Gaps, lang: str) -> list[out.DisagreementOut]:
    shown = {g.key: g for g in gaps.grouping.shown}
    items = []
    for d in gaps.disagreements:
        dim = inst.index.dimension_of[d.question]
        items.append(out.DisagreementOut(
            question=d.question, text=inst.text(inst.index.questions[d.question].text, lang),
            dimension=dim, dimension_name=inst.text(inst.index.dimensions[dim].name, lang),
            spread=round(d.spread, 1), sd=rounded(d.sd),
            departments=[out.DepartmentAnswers(
                department=g.key, label=department_label(inst, g.key, shown[g.key].pooled, lang),
                n=g.n, answer=g.answer, answer_label=answer_label(inst, d.question, g.answer,
                                                                  lang),
                item_score=rounded(g.item_score),
                answers=[out.AnswerCountOut(answer=c.answer, count=c.count, label=answer_label(
                    inst, d.question, c.answer, lang) or tr(lang, "not answered"))
                         for c in g.counts])
                for g in d.groups]))
    return items


def _progress(inst: Instrument, moved, previous: Round, lang: str) -> out.ProgressOut:
    def row(id_: str, name: str, b, bl, a, al) -> out.DimensionProgress:
        return out.DimensionProgress(
            id=id_, name=name, before=out.RoundScore(score=b, stage=stage_out(inst, bl, lang)),
            after=out.RoundScore(score=a, stage=stage_out(inst, al, lang)),
            change=None if a is None or b is None else round(a - b, 1))

    names = {d.id: inst.text(d.name, lang) for d in inst.dimensions}
    moves = []
    for m in moved.moves:
        e = m.effect
        moves.append(out.MoveOut(
            question=m.question, text=inst.text(inst.index.questions[m.question].text, lang),
            dimension=e.dimension, before=m.before,
            before_label=answer_label(inst, m.question, m.before, lang), after=m.after,
            after_label=answer_label(inst, m.question, m.after, lang),
            effect=Effect(overall_before=e.overall_before, overall_after=e.overall_after,
                          stage_before=stage_key(inst, e.stage_before),
                          stage_after=stage_key(inst, e.stage_after),
                          dimension_before=e.dimension_before,
                          dimension_after=e.dimension_after)))
    b, a = moved.before, moved.after
    return out.ProgressOut(
        previous_round=previous.label, previous_respondents=previous.n,
        overall=row("overall", tr(lang, "Overall"), b.overall, b.level, a.overall, a.level),
        dimensions=[row(c.dimension, names[c.dimension], c.before, c.before_level, c.after,
                        c.after_level) for c in moved.dimensions],
        moves=moves)


def _targets(inst: Instrument, found, lang: str) -> list[out.TargetOut]:
    names = {d.id: inst.text(d.name, lang) for d in inst.dimensions}
    return [out.TargetOut(
        dimension=t.target.dimension, name=names[t.target.dimension],
        target_stage=stage_out(inst, t.target.stage, lang), target_score=t.target.score,
        score=t.score, stage=stage_out(inst, t.level, lang), met=t.met, gap=t.gap,
        previous_score=t.previous_score, previous_gap=t.previous_gap) for t in found]


# -- the workbook ------------------------------------------------------------------------------


def _cell(value) -> object:
    """An answer as a batch-layout cell: the key, ``;``-joined keys, the number."""
    return MULTI_SEPARATOR.join(value) if isinstance(value, list) else value


def team_sheets(inst: Instrument, rnd: Round, found: out.TeamResult) -> dict:
    """The round as tables (pandas), one per sheet: the respondents' answers (the batch CSV
    layout: profile fields and question ids as columns), their own scores, the roll-up (the
    organization's and each department's answers) and the heatmap.

    A respondent's rows name only the group they are shown in (their department when it has
    at least k respondents, else ``other``; empty when even the pooled group is smaller) and,
    of the profile, only the organization's fields (not the respondent's role): what the
    invited respondents are told the facilitator and viewers see, so that one person of a
    small department cannot be picked out."""
    import numpy as np
    import pandas as pd

    lang, team = found.result.language, found.team
    gaps = perception_gaps(rnd, team.min_group)
    own = gaps.scores.respondents()
    questions = inst.scored_questions
    shown_as = {i: g.key for g in gaps.grouping.shown for i in g.members}
    groups = [shown_as.get(i, "") for i in range(rnd.n)]
    kept = (*ORGANIZATION_FIELDS, *inst.benchmark.peer_group)
    answers = pd.DataFrame([{tr(lang, "file"): r.source,
                             **{k: v for k, v in r.responses.profile.items() if k in kept},
                             DEPARTMENT: group,
                             **{q.id: _cell(r.responses.answers.get(q.id)) for q in questions}}
                            for r, group in zip(rnd.respondents, groups, strict=True)])
    scores = pd.DataFrame({tr(lang, "file"): [r.source for r in rnd.respondents],
                           DEPARTMENT: groups,
                           tr(lang, "overall"): own.overall,
                           tr(lang, "stage"): [stage_key(inst, int(x)) for x in own.level]})
    for d in inst.dimensions:
        scores[d.id] = np.where(np.isnan(own.dimensions[d.id]), None, own.dimensions[d.id])
    heads = [f"{d.label} (n = {d.n})" for d in team.departments]
    organization = f"{tr(lang, 'Organization')} (n = {rnd.n})"
    item = {x.id: x.item_score for d in found.result.dimensions for x in d.questions}
    rows = []
    for q in questions:
        value = rnd.organization.answers.get(q.id)
        row = {tr(lang, "question"): q.id, tr(lang, "text"): inst.text(q.text, lang),
               tr(lang, "dimension"): inst.index.dimension_of[q.id],
               organization: answer_label(inst, q.id, value, lang),
               tr(lang, "item score"): item[q.id]}
        for g, head in enumerate(heads):
            row[head] = answer_label(inst, q.id, gaps.scores.answers[g].get(q.id), lang)
        rows.append(row)
    heat = pd.DataFrame([{tr(lang, "dimension"): d.id, tr(lang, "name"): d.name,
                          **{head: dep.dimensions[i].score
                             for head, dep in zip(heads, team.departments, strict=True)},
                          organization: d.score, tr(lang, "spread"): a.spread,
                          tr(lang, "agreement"): a.agreement}
                         for i, (d, a) in enumerate(zip(found.result.dimensions, team.agreement,
                                                        strict=True))])
    return {tr(lang, "Respondents"): answers, tr(lang, "Scores"): scores,
            tr(lang, "Roll-up"): pd.DataFrame(rows), tr(lang, "Heatmap"): heat}


def write_team_xlsx(path, inst: Instrument, rnd: Round, found: out.TeamResult) -> None:
    """The round's workbook, written whole or not at all (text cells are never formulas)."""
    from ..files import write_bytes_atomically
    from ..research.workbook import xlsx_bytes

    write_bytes_atomically(path, xlsx_bytes(team_sheets(inst, rnd, found)))
