"""The assessment result as a PDF report for a board, typeset by Typst.

One template (``typst/report.typ``) lays out the pages; this module hands it a *view*: every
text already in the result's language and every number already written the way that language
writes it, as JSON (``data.json``, see :mod:`.typst_compiler`). User text (the organization's
name, labels) is therefore data for the template, never markup: ``<script>``, ``#``, ``*`` or
``$`` print as themselves.

It is typeset through :mod:`.typst_compiler`, the one Typst helper (shipped fonts, a bounded
pool of reused compilers).
"""

from __future__ import annotations

import datetime as dt

from ..i18n.catalog import date as date_text
from ..i18n.catalog import number, tr
from .charts import distribution_svg, radar_svg, stage_ladder_svg
from .format import alt_text, num
from .pdf_charts import pdf_chart
from .result import AssessmentResult
from .team import TeamResult
from .team_pdf import team_view
from .typst_compiler import compile_pdf, template_path

TOP_RECOMMENDATIONS = 3


def render_pdf(result: AssessmentResult, *, organization: str | None = None,
               date: dt.date | None = None,
               title: str | None = None) -> bytes:
    """The report as PDF bytes (A4), in ``result.language``.

    ``organization`` is printed on the cover and in the PDF's title; without it, the profile's
    ``organization`` answer is used when there is one. ``date`` is the report's date (today
    by default). ``title`` replaces the
    report's title (the instrument's ``report_title``, carried by the result).
    """
    view = report_view(result, organization=organization, date=date, title=title)
    return compile_pdf(template_path("socialmaturity.reports", "report.typ"), view)


def render_team_pdf(found: TeamResult, *, organization: str | None = None,
                    date: dt.date | None = None) -> bytes:
    """A team round's report as PDF bytes (A4), in the result's language: the organization's
    report (as :func:`render_pdf`) with the team section (the department × dimension heatmap,
    agreement, the largest disagreements, progress since the previous round and to the
    targets where the round has them). ``organization`` and ``date`` as for
    :func:`render_pdf`."""
    view = report_view(found.result, organization=organization, date=date)
    view["team"] = team_view(found)
    return compile_pdf(template_path("socialmaturity.reports", "report.typ"), view)


# -- the view: everything the template prints --------------------------------------------------


def _date(lang: str, day: dt.date) -> str:
    """27 November 2026 / 27 november 2026 (CLDR month names)."""
    return date_text(lang, day, "d MMMM y")


def _dot_plot_intro(lang: str) -> str:
    return tr(lang, "Your score on each dimension (solid line and dot), against the peer "
                    "median (dashed) and the start of the peers' top quartile (dotted). Further "
                    "right is more mature.")


def _labels(lang: str) -> dict[str, str]:
    return {
        "overall_stage": tr(lang, "Overall stage"),
        "score": tr(lang, "Score"),
        "stage": tr(lang, "Stage"),
        "percentile": tr(lang, "Percentile"),
        "of_100": tr(lang, "out of 100"),
        "summary": tr(lang, "Summary"),
        "why_stage": tr(lang, "Why this stage"),
        "peers": tr(lang, "Compared with peers"),
        "conditions": tr(lang, "Conditions for higher stages"),
        "charts": tr(lang, "Where you stand"),
        "ladder_intro": tr(lang, "The stages of maturity, from the first to the last, and the "
                                 "share of your peers at each."),
        "distribution_intro": tr(lang, "How your overall score compares with the overall scores "
                                       "of your peers."),
        "radar": tr(lang, "Dimensions at a glance"),
        "radar_intro": tr(lang, "Your score on each dimension (solid line), against the peer "
                                "median (dashed) and the start of the peers' top quartile "
                                "(dotted). Further out is more mature."),
        "dimension": tr(lang, "Dimension"),
        "dimensions": tr(lang, "Dimensions in detail"),
        "question": tr(lang, "Question"),
        "answer": tr(lang, "Answer"),
        "item_score": tr(lang, "Points (0–100)"),
        "recommendations": tr(lang, "Recommendations, most important first"),
        "recommendations_intro": tr(lang, "Each step is the next rung on one question. Its "
                                          "effect is found by scoring your answers with that "
                                          "change. Ranked by how far the dimension is from its "
                                          "next stage and from the peers' top quartile, by the "
                                          "step's effect and by how strongly the practice sets "
                                          "mature organizations apart."),
        "owner": tr(lang, "Owner"),
        "method": tr(lang, "Method"),
        "how_computed": tr(lang, "How scores and stages are computed"),
        "benchmark_data": tr(lang, "Benchmark and peer group"),
        "page": tr(lang, "Page {page} of {total}"),
        "executive_summary": tr(lang, "Executive summary"),
        "what_it_means": tr(lang, "What it means"),
        "strengths": tr(lang, "Strengths"),
        "priorities": tr(lang, "Priorities"),
        "board_ask": tr(lang, "What we ask of the board"),
        "effect": tr(lang, "Effect"),
        "change": tr(lang, "Answer change"),
        "step": tr(lang, "Step"),
        "next_asks": tr(lang, "What the next stage asks"),
        "path": tr(lang, "The shortest path to the next stage"),
        "path_intro": tr(lang, "The fewest answer changes, one rung each, that together reach "
                               "the next stage, found by scoring your answers with each change. "
                               "The score after each change is shown."),
        "more_steps": tr(lang, "The ten most important steps are shown; the web page and the "
                               "JSON result list more."),
    }


def report_view(result: AssessmentResult, *, organization: str | None = None,
                date: dt.date | None = None, title: str | None = None) -> dict:
    """What the PDF template prints, as JSON-ready data (texts translated, numbers formatted).

    Exposed for tests and for anyone who wants the same words in another output."""
    lang = result.language
    b = result.benchmark
    g = b.peer_group
    day = date or dt.date.today()
    org = organization if organization is not None else result.profile.get("organization")
    org = (org or "").strip() or None
    total = len(b.stage_distribution) or result.overall.stage.level
    stage = result.overall.stage
    stage_names = {s.key: s.name for s in b.stage_distribution}
    if title is None:
        title = result.instrument.report_title
    labels = _labels(lang) | {"title": title}
    if len(result.dimensions) < 3:  # a dot plot, not a radar
        labels["radar_intro"] = _dot_plot_intro(lang)
    peers = tr(lang, "{group}, n = {n}", group=g.label, n=number(lang, g.n, 0))
    synthetic = tr(lang, "Demo benchmark (synthetic): the peers in this report are generated "
                         "data, not real organizations.") if b.panel.synthetic else None

    if b.overall_percentile is not None:
        percentile = tr(lang, "You score higher than {p}% of your peers.",
                        p=num(lang, b.overall_percentile, 0))
        peer_line = tr(lang, "Peer group: {peers}. Peer median {median}; top quartile from "
                             "{q3}.", peers=peers, median=num(lang, b.overall_median),
                       q3=num(lang, b.overall_top_quartile))
    else:
        percentile = tr(lang, "No peers to compare with.")
        peer_line = tr(lang, "Peer group: {peers}.", peers=peers)

    dimensions, overview = _dimension_views(result)
    recommendations, path, strengths, gates = _step_views(result, stage_names)
    method_rows, method_text = _method(result, day)
    return {
        "lang": lang,
        "t": labels,
        "organization": org,
        "date": _date(lang, day),
        "date_parts": [day.year, day.month, day.day],
        "footer": title,
        "instrument": tr(lang, "Instrument {id}, version {version}", id=result.instrument.id,
                         version=result.instrument.version),
        "synthetic": synthetic,
        "overall": {
            "score": num(lang, result.overall.score),
            "stage_of": tr(lang, "Stage {level} of {total}", level=stage.level, total=total),
            "stage": stage.name,
            "why": stage.decided_by.explanation,
            "percentile": num(lang, b.overall_percentile, 0),
            "percentile_line": percentile,
            "percentile_note": tr(lang, "among {n} peers", n=number(lang, g.n, 0)),
            "peer_line": peer_line,
            "widened": g.widened_because,
        },
        "gates": gates,
        "top": recommendations[:TOP_RECOMMENDATIONS],
        "provisional": tr(lang, "Provisional: {answered} of {asked} questions answered. "
                                "Answer at least 80% for a percentile among peers.",
                          answered=result.answered, asked=result.asked)
        if result.provisional else None,
        "meaning": result.meaning,
        "strengths": strengths,
        "no_strengths": result.no_strengths,
        "no_steps": result.no_steps,
        "board": _board(result, stage_names),
        "path": path,
        "charts": _charts(result, tr(lang, "Peers: {peers}.", peers=peers)),
        "overview": {
            "head": [tr(lang, "Dimension"), tr(lang, "Score"), tr(lang, "Stage"),
                     tr(lang, "Percentile"), tr(lang, "Peer median"), tr(lang, "Top quartile")],
            "rows": overview,
        },
        "dimensions": dimensions,
        "recommendations": recommendations,
        "method": {"rows": method_rows, "text": method_text},
        "team": None,  # a team round's section (render_team_pdf)
    }


def _charts(result: AssessmentResult, caption: str) -> dict[str, dict[str, str]]:
    """The ladder, the distribution and the radar (graphics and labels, see
    :mod:`.pdf_charts`), each with its alternative text."""
    out = {}
    for key, svg in (("ladder", stage_ladder_svg(result, id_prefix="pdf-ladder")),
                     ("distribution", distribution_svg(result, id_prefix="pdf-distribution")),
                     ("radar", radar_svg(result, id_prefix="pdf-radar"))):
        out[key] = pdf_chart(svg, alt_text(svg))
    out["distribution"]["caption"] = caption
    return out


def _step_views(result: AssessmentResult, stage_names: dict[str, str]
                ) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """The recommendations, the path to the next stage, the strengths and the conditions."""
    lang = result.language
    recommendations = [{
        "rank": str(r.rank),
        "title": r.title,
        "dimension": r.dimension_name,
        "owner": r.owner,
        "action": r.action,
        "evidence": r.evidence.statement,
        "change": tr(lang, "{question}: “{answer}”", question=r.change.question_text,
                     answer=r.change.answer_label),
        "effect": _effect(lang, r.effect.overall_before, r.effect.overall_after),
        "lifts": tr(lang, "Lifts the stage to {stage}", stage=stage_names.get(
            r.effect.stage_after, r.effect.stage_after)) if r.lifts_stage else None,
    } for r in result.recommendations]
    path = [{
        "n": str(i),
        "change": tr(lang, "{question}: “{answer}”", question=s.question_text,
                     answer=s.answer_label),
        "dimension": next((d.name for d in result.dimensions if d.id == s.dimension), ""),
        "score": num(lang, s.overall_after),
        "stage": stage_names.get(s.stage_after, s.stage_after),
    } for i, s in enumerate(result.path_to_next_stage, 1)]
    strengths = [{
        "name": x.name,
        "line": tr(lang, "Score {score}, percentile {p} among peers", score=num(lang, x.score),
                   p=num(lang, x.percentile, 0)) if x.percentile is not None
        else tr(lang, "Score {score}", score=num(lang, x.score)),
        "already": [f"{a.text} {a.answer_label}" for a in x.best],
    } for x in result.strengths]

    gates = [{
        "text": x.text,
        "stage": tr(lang, "For {stage}", stage=stage_names.get(x.stage, x.stage)),
        "status": tr(lang, "Met") if x.met else tr(lang, "Not met"),
        "met": x.met,
    } for x in result.gates]
    return recommendations, path, strengths, gates


def _dimension_views(result: AssessmentResult) -> tuple[list[dict], list[list[str]]]:
    """Each dimension in detail, and the overview table's rows."""
    lang = result.language
    g = result.benchmark.peer_group
    bench = {x.id: x for x in result.benchmark.dimensions}
    dimensions = []
    overview = []
    for d in result.dimensions:
        x = bench.get(d.id)
        stage_name = d.stage.name if d.stage else "–"
        facts = [
            [tr(lang, "Percentile"), num(lang, x.percentile if x else None, 0)],
            [tr(lang, "Peer median"), num(lang, x.median if x else None)],
            [tr(lang, "Top quartile"), num(lang, x.top_quartile if x else None)],
            [tr(lang, "Answered"), f"{d.answered}/{d.asked}"],
        ]
        # under each answer below the next stage's rung, the answer that stage asks for
        targets = {a.question: a.target_label for a in d.next_stage_asks}
        questions = [{
            "text": q.text,
            "target": targets.get(q.id),
            "answer": q.answer_label if q.answer_label is not None else tr(lang, "No answer"),
            "score": tr(lang, "n/a") if q.item_score is None
            else num(lang, 100 * q.item_score),
        } for q in d.questions]
        dimensions.append({
            "name": d.name,
            "score": num(lang, d.score),
            "stage": tr(lang, "Stage {level}: {name}", level=d.stage.level, name=stage_name)
            if d.stage else "–",
            "facts": facts,
            "peers": tr(lang, "Peers: {peers}.", peers=tr(
                lang, "{group}, n = {n}", group=g.label,
                n=number(lang, x.n if x else 0, 0))),
            "questions": questions,
        })
        overview.append([d.name, num(lang, d.score), stage_name,
                         num(lang, x.percentile if x else None, 0),
                         num(lang, x.median if x else None),
                         num(lang, x.top_quartile if x else None)])
    return dimensions, overview


def _method(result: AssessmentResult, day: dt.date) -> tuple[list[list[str]], list[str]]:
    """The method page: the benchmark and peer group as rows, how scores are computed."""
    lang = result.language
    b = result.benchmark
    g = b.peer_group
    # groups by their labels (the answers' words), never by the keys stored for them
    method_rows = [
        [tr(lang, "Benchmark"), b.panel.label],
        [tr(lang, "Organizations in the benchmark"), number(lang, b.panel.n, 0)],
        [tr(lang, "Synthetic data"), tr(lang, "Yes") if b.panel.synthetic else tr(lang, "No")],
        [tr(lang, "Peer group"), g.label],
        [tr(lang, "Peer organizations (n)"), number(lang, g.n, 0)],
        [tr(lang, "Minimum group size"), number(lang, g.min_group_size, 0)],
    ]
    for tried in g.widened_from:
        tried_label = tried.label or tr(lang, "all organizations in the benchmark")
        method_rows.append([tr(lang, "Tried first"),
                            tr(lang, "{filters} (n = {n})", filters=tried_label,
                               n=number(lang, tried.n, 0))])
    if g.widened_because:
        method_rows.append([tr(lang, "Why widened"), g.widened_because])
    method_rows += [
        [tr(lang, "Instrument"), f"{result.instrument.id} {result.instrument.version}"],
        [tr(lang, "Instrument hash"), result.instrument.hash],
        [tr(lang, "Benchmark instrument version"), b.panel.instrument_version],
        [tr(lang, "Report date"), _date(lang, day)],
    ]
    method_text = [
        tr(lang, "Each answer earns the points the instrument gives it; a question's score is "
                 "its points as a share of the most it can earn. \"Don't know\" and unanswered "
                 "questions score nothing; questions answered \"not applicable\" are left out."),
        tr(lang, "A dimension's score is the weighted average of its question scores, from 0 "
                 "to 100, and the overall score is the weighted average of the dimension "
                 "scores; scores are rounded to one decimal."),
        tr(lang, "A score reaches a stage when it is at least that stage's minimum score. "
                 "Where the instrument sets them, conditions for a stage (gates) and a "
                 "weakest-link rule can hold the overall stage lower; the lowest of these "
                 "rules decides, and the summary names it."),
        tr(lang, "Peers are the organizations in the benchmark with the same profile; when "
                 "fewer than {min} match, the group is widened step by step.",
           min=number(lang, g.min_group_size, 0)),
        tr(lang, "A percentile is the share of peers that score lower, counting equal scores "
                 "half; the median and top quartile are computed on the same peers."),
    ]
    return method_rows, method_text


def _effect(lang: str, before: float, after: float) -> str:
    return tr(lang, "+{gain} overall ({before} → {after})", gain=num(lang, after - before),
              before=num(lang, before), after=num(lang, after))


def _board(result: AssessmentResult, stage_names: dict[str, str]) -> list[str]:
    """What to ask of the board: an owner and a decision for each of the top steps."""
    lang = result.language
    asks = [tr(lang, "Approve “{title}”, owned by {owner} ({effect}).", owner=r.owner,
               title=r.title, effect=_effect(lang, r.effect.overall_before,
                                             r.effect.overall_after))
            for r in result.recommendations[:TOP_RECOMMENDATIONS]]
    if result.path_to_next_stage:
        last = result.path_to_next_stage[-1]
        asks.append(tr(lang, "Review progress against the path to {stage} at every quarterly "
                             "meeting and reassess in a year.",
                       stage=stage_names.get(last.stage_after, last.stage_after)))
    return asks
