"""A round's pages: its invitations per department (invite, copy, revoke), closing it, its
targets, and its result (the organization's, the heatmap, agreement, disagreements,
progress, targets) with the XLSX and PDF downloads. Thin, like ``web.facilitator``: the
service checks access and computes; the result page shows the ``TeamResult`` as it is."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..errors import AnswersError, Problem
from ..i18n.catalog import ntr, tr
from ..services.accounts import Actor
from ..services.organizations import RoundRow, read_only
from ..teams.progress import parse_targets
from ..teams.round import DEPARTMENT
from .deps import CurrentActor, PageLanguage
from .deps import get_organizations as organizations
from .errors import wants_json
from .facilitator import form_post, notice, redirect
from .pages import download, page

router = APIRouter(include_in_schema=False)

#: The most invitation links made at once.
MAX_INVITES = 50
#: Moved answers listed on the result page before the rest fold away (most effect first).
SHOWN_MOVES = 10


@dataclass(frozen=True)
class RoundPage(RoundRow):
    """A round as its pages show it: with its organization's name and whether the actor may
    change it."""

    organization_name: str
    can_edit: bool


def round_of(request: Request, actor: Actor, round_id: int, lang: str) -> RoundPage:
    service = organizations(request)
    found = service.get_round(actor, round_id)
    org = service.get(actor, found.organization_id, lang)
    return RoundPage(**vars(found), organization_name=org.name, can_edit=org.can_edit)


def waiting(lang: str, rnd: RoundRow) -> str:
    """Why a round without a completed respondent has no result, PDF or XLSX, from its
    counts and status."""
    if rnd.status == "closed":
        return ntr(lang, "No result: the round was closed before its {n} invited respondent "
                         "completed the assessment.",
                   "No result: the round was closed before any of its {n} invited respondents "
                   "completed the assessment.", rnd.invited) if rnd.invited else \
            tr(lang, "No result: the round was closed before anyone was invited.")
    return ntr(lang, "No result yet: {n} respondent is invited and has not completed the "
                     "assessment; the result, the PDF and the XLSX appear once they have.",
               "No result yet: {n} respondents are invited and none has completed the "
               "assessment; the result, the PDF and the XLSX appear once one has.",
               rnd.invited) if rnd.invited else \
        tr(lang, "No result yet: invite respondents; the result, the PDF and the XLSX appear "
                 "once one of them has completed the assessment.")


def no_result(request: Request, rnd: RoundPage, lang: str, exc: AnswersError,
              status: int = 422) -> Response:
    """A round's result or download while nobody has completed: the JSON error when JSON is
    asked, else the result page saying why, in the page's language."""
    if wants_json(request):
        raise exc
    return page(request, "round_result.html", lang, status=status, forms=True, rnd=rnd,
                found=None, missing=waiting(lang, rnd))


@router.get("/rounds/{round_id}")
def round_page(request: Request, round_id: int, actor: CurrentActor,
               lang: PageLanguage) -> Response:
    return invitations_page(request, round_id, actor, lang)


def invitations_page(request: Request, round_id: int, actor: Actor, lang: str,
                     errors: dict | None = None, values: dict | None = None,
                     status: int = 200) -> Response:
    service = organizations(request)
    rnd = round_of(request, actor, round_id, lang)
    rows = service.invitations(actor, round_id) if rnd.can_edit else []
    base = str(request.base_url)
    groups = []
    for count in service.department_counts(actor, round_id, lang):
        links = [{"id": r.id, "status": r.status, "url": f"{base}a/{r.token}" if r.token
                  else tr(lang, "(revoked)")} for r in rows if r.department == count.department]
        groups.append({"key": count.department, "label": count.label, "links": links,
                       "invited": count.invited, "completed": count.completed})
    inst = service.instrument
    return page(request, "round.html", lang, status=status, rnd=rnd, groups=groups,
                departments=inst.option_labels(DEPARTMENT, lang), writes=rnd.can_edit,
                errors=errors or {}, values=values or {}, notice=notice(request, lang),
                waiting=None if rnd.completed else waiting(lang, rnd),
                max_invites=MAX_INVITES, dimensions=[
                    {"id": d.id, "name": inst.text(d.name, lang)} for d in inst.dimensions],
                stages=[{"key": s.key, "name": inst.text(s.name, lang), "min": s.min_score}
                        for s in inst.stages],
                targets=_target_values(inst, service.targets(rnd)))


def _target_values(inst, targets) -> dict[str, dict]:
    """Dimension id → what the targets form shows: the stage key, or the score."""
    keys = {s.level: s.key for s in inst.stages}
    return {t.dimension: {"stage": keys[t.stage], "score": None} if t.stage is not None
            else {"stage": None, "score": f"{t.score:g}"} for t in targets or []}


@form_post(router, "/rounds/{round_id}/invitations")
def invite(request: Request, form, round_id: int, actor: CurrentActor,
           lang: PageLanguage) -> Response:
    department = str(form.get("department") or "")
    raw = str(form.get("count") or "").strip()
    try:
        count = int(raw)
    except ValueError:
        count = 0
    values = {"department": department, "count": raw[:3]}
    if not 1 <= count <= MAX_INVITES:
        return invitations_page(request, round_id, actor, lang, status=422, values=values,
                                errors={"count": tr(lang, "How many links: a whole number from "
                                                          "1 to {max}.", max=MAX_INVITES)})
    service = organizations(request)
    try:
        service.invite_many(actor, round_id, department, count, lang)
    except AnswersError as exc:  # on the department, or the round (closed meanwhile)
        problem = exc.problems[0]
        return invitations_page(request, round_id, actor, lang, status=422, values=values,
                                errors={problem.where: problem.message_in(lang)})
    return redirect(f"/rounds/{round_id}#department-{department}")


@router.get("/rounds/{round_id}/invitations/{invitation_id}/revoke")
def revoke_confirmation(request: Request, round_id: int, invitation_id: int,
                        actor: CurrentActor, lang: PageLanguage) -> Response:
    """What revoking will drop (the answers given, a completed respondent of the result),
    and the button that does it."""
    service = organizations(request)
    dropped = service.revocation(actor, invitation_id, round_id)
    return page(request, "round_revoke.html", lang, rnd=round_of(request, actor, round_id, lang),
                invitation_id=invitation_id, dropped=dropped, department=service.instrument
                .option_labels(DEPARTMENT, lang).get(dropped.department, dropped.department))


@form_post(router, "/rounds/{round_id}/invitations/{invitation_id}/revoke")
def revoke(request: Request, form, round_id: int, invitation_id: int, actor: CurrentActor,
           lang: PageLanguage) -> Response:
    organizations(request).revoke(actor, invitation_id, round_id)
    return redirect(f"/rounds/{round_id}?notice=revoked")


@router.get("/rounds/{round_id}/close")
def close_confirmation(request: Request, round_id: int, actor: CurrentActor,
                       lang: PageLanguage) -> Response:
    rnd = round_of(request, actor, round_id, lang)
    if not rnd.can_edit:
        raise read_only("round")
    return page(request, "round_close.html", lang, rnd=rnd)


@form_post(router, "/rounds/{round_id}/close")
def close(request: Request, form, round_id: int, actor: CurrentActor,
          lang: PageLanguage) -> Response:
    organizations(request).close_round(actor, round_id)
    return redirect(f"/rounds/{round_id}?notice=round-closed")


@form_post(router, "/rounds/{round_id}/targets")
def set_targets(request: Request, form, round_id: int, actor: CurrentActor,
                lang: PageLanguage) -> Response:
    service = organizations(request)
    inst = service.instrument
    wanted, problems = {}, []
    for d in inst.dimensions:
        stage = str(form.get(f"stage-{d.id}") or "").strip()[:50]
        score = str(form.get(f"score-{d.id}") or "").strip()[:20]
        if stage and score:
            problems.append(Problem(d.id, "choose a target stage or a target score, not both"))
        elif stage:
            wanted[d.id] = stage
        elif score:
            try:
                wanted[d.id] = float(score.replace(",", "."))
            except ValueError:
                wanted[d.id] = score  # parse_targets names what would be valid
    targets = []
    try:
        targets = parse_targets(inst, wanted)
    except AnswersError as exc:
        problems += exc.problems
    if problems:
        return invitations_page(request, round_id, actor, lang, status=422,
                                errors={f"target-{p.where}": p.message_in(lang)
                                        for p in problems})
    service.set_targets(actor, round_id, targets)
    return redirect(f"/rounds/{round_id}?notice=targets-saved#targets")


# -- the result -----------------------------------------------------------------------------------


@router.get("/rounds/{round_id}/result")
def result(request: Request, round_id: int, actor: CurrentActor, lang: PageLanguage) -> Response:
    from ..reports.heatmap import heatmap_svg

    rnd = round_of(request, actor, round_id, lang)
    try:
        found = organizations(request).round_result(actor, round_id, lang)
    except AnswersError as exc:
        return no_result(request, rnd, lang, exc, status=200)
    return page(request, "round_result.html", lang, rnd=rnd, found=found,
                r=found.result, team=found.team, heatmap=heatmap_svg(found.result, found.team),
                missing=None, shown_moves=SHOWN_MOVES)


@router.get("/rounds/{round_id}/export.xlsx")
def workbook(request: Request, round_id: int, actor: CurrentActor,
             lang: PageLanguage) -> Response:
    from ..research.workbook import xlsx_bytes
    from ..services.teams import team_sheets

    service = organizations(request)
    try:
        rnd, found = service.team_round(actor, round_id, lang)
    except AnswersError as exc:
        return no_result(request, round_of(request, actor, round_id, lang), lang, exc)
    data = xlsx_bytes(team_sheets(service.instrument, rnd, found))
    return download(data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    tr(lang, "team-round-{id}.xlsx", id=round_id))


@router.get("/rounds/{round_id}/report.pdf")
def report(request: Request, round_id: int, actor: CurrentActor, lang: PageLanguage) -> Response:
    from ..reports.pdf import render_team_pdf

    rnd = round_of(request, actor, round_id, lang)
    try:
        found = organizations(request).round_result(actor, round_id, lang)
    except AnswersError as exc:
        return no_result(request, rnd, lang, exc)
    pdf = render_team_pdf(found, organization=rnd.organization_name)
    return download(pdf, "application/pdf", tr(lang, "team-report-{id}.pdf", id=round_id))
