"""Use cases of facilitators and viewers: organizations, their rounds and invitations, shares,
the organization's result of a round, and the data rights (export, erase).

Every method takes the acting :class:`~.accounts.Actor` first and checks access itself, so
the pages, the JSON API and the command line obey one rule:

- a facilitator may do everything on the organizations they own; an admin on every one;
- a viewer may read (``get``, ``round_result``, the dashboard) what is shared with them, and
  is refused any write (``Forbidden``, 403);
- anything else is ``NotFound`` (404), the same as an id that does not exist: nothing tells
  another facilitator's organization from none at all.

``export`` and ``erase`` also take ``None``: the command line, run by the machine's admin.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from functools import cached_property
from typing import Any

from ..errors import AnswersError, Forbidden, Message, NotFound, Problem, shown
from ..i18n.catalog import tr
from ..instrument.model import Instrument
from ..reports.team import TeamResult
from ..scoring.answers import checked_when_saved
from ..scoring.encode import Invalid, check_text_value, text_message
from ..storage.organizations import (
    OrganizationRow,
    OrganizationStore,
    RoundRow,
    invitation_token,
)
from ..storage.repository import AssessmentStore, now
from ..storage.tables import NAME_LENGTH, PROFILE_LENGTH
from ..teams.progress import Target, parse_targets
from ..teams.round import DEPARTMENT, Round, department_keys, stored_round
from .accounts import Accounts, Actor, checked_email
from .assessment import Assessor
from .organization_views import (
    DepartmentCount,
    Invitation,
    InvitationRow,
    OrganizationSummary,
    OrganizationView,
    Revocation,
)
from .respondents import LOCKED_FIELDS, Respondents, missing
from .teams import assess_round

#: Round results kept (see :meth:`Organizations.team_round`).
RESULT_CACHE_SIZE = 64

#: The profile fields of an organization (option keys of the instrument's profile questions).
PROFILE_FIELDS = ("sector", "size", "region")


def read_only(where: str) -> Forbidden:
    """The refusal of a change to what is shared with the actor only to read."""
    return Forbidden(Problem(where, "this organization is shared with you to read; only its "
                                    "facilitator can change it"))


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _name(value: Any, where: str) -> str:
    """A name (of an organization, a round) stripped: 1 to ``NAME_LENGTH`` characters of
    valid text without control characters (``check_text_value``, as every text answer)."""
    got = check_text_value(value.strip(), NAME_LENGTH) if isinstance(value, str) else None
    if not got:
        raise AnswersError(Problem(where, "give a name (at most {limit} characters)",
                                   limit=NAME_LENGTH))
    if isinstance(got, Invalid):
        raise AnswersError(Problem(where, text_message(got, NAME_LENGTH)))
    return got


#: What an empty choice of a profile field or a department is told.
_CHOOSE = {"sector": Message("choose a sector"), "size": Message("choose a size band"),
           "region": Message("choose a region"), DEPARTMENT: Message("choose a department")}


def _option(inst: Instrument, qid: str, value: Any, lang: str = "en",
            labels: bool = False) -> str:
    """``value`` if it is an option key of ``qid``; else ``AnswersError``: an empty one asks to
    choose, another names the valid options (by their labels in ``lang`` with ``labels``, for
    a web form; else by key, as the API takes them)."""
    keys = inst.index.option_keys(qid) if qid in inst.index.questions else []
    if isinstance(value, str) and value in keys and len(value) <= PROFILE_LENGTH:
        return value
    if value in ("", None):
        raise AnswersError(Problem(qid, _CHOOSE[qid]))
    if labels:
        raise AnswersError(Problem(qid, "{value} is not one of the answers; valid: {valid}",
                                   value=shown(value),
                                   valid=", ".join(inst.option_labels(qid, lang).values())))
    raise AnswersError(Problem(qid, "{value} is not an option; valid: {valid}",
                               value=shown(value), valid=", ".join(keys)))


class Organizations:
    """Organizations, rounds, invitations and shares over one store and assessor; exports,
    erasures and shares are written to the audit log of ``accounts``."""

    def __init__(self, store: AssessmentStore, assessor: Assessor, accounts: Accounts, *,
                 min_group: int = 3):
        self.store = store if isinstance(store, OrganizationStore) \
            else OrganizationStore(store.engine)
        self.assessor = assessor
        self.accounts = accounts
        self.min_group = min_group
        self.respondents = Respondents(self.store, assessor)
        self._results: OrderedDict = OrderedDict()

    @property
    def instrument(self) -> Instrument:
        return self.assessor.instrument

    # -- access ---------------------------------------------------------------------------

    def _readable(self, actor: Actor | None, org_id: int) -> OrganizationRow:
        """The organization if ``actor`` may read it (``None``: the command line, every
        organization); ``NotFound`` otherwise."""
        row = self.store.organization(org_id, actor.user_id if actor else None) \
            if _is_id(org_id) else None
        if row is not None and (actor is None or row.owner_id is not None and (
                actor.admin or row.owner_id == actor.user_id or row.shared)):
            return row
        raise NotFound(Problem("organization", "no organization with this id"))

    def _writable(self, actor: Actor | None, org_id: int) -> OrganizationRow:
        """The organization if ``actor`` may change it; ``Forbidden`` for one they may only
        read, ``NotFound`` for one they may not see."""
        row = self._readable(actor, org_id)
        if actor is None or actor.admin or row.owner_id == actor.user_id:
            return row
        raise read_only("organization")

    def _within(self, actor: Actor, found, write: bool, missing: NotFound):
        """``found`` (a round or an invitation, None when there is none) if ``actor`` may
        read (``write``: change) its organization; else ``missing``."""
        try:
            if found is not None:
                (self._writable if write else self._readable)(actor, found.organization_id)
                return found
        except NotFound:
            pass
        raise missing

    def _round(self, actor: Actor, round_id: int, write: bool) -> RoundRow:
        found = self.store.round(round_id) if _is_id(round_id) else None
        return self._within(actor, found, write,
                            NotFound(Problem("round", "no round with this id")))

    def _audit(self, action: str, actor: Actor | None, org_id: int | None,
               address: str | None = None, detail: str = "") -> None:
        self.accounts.audit(action, actor, org_id, address,
                            detail or ("command line" if actor is None else ""))

    # -- organizations --------------------------------------------------------------------

    def create(self, actor: Actor, name: str, sector: str, size: str, region: str,
               lang: str = "en", labels: bool = False) -> int:
        """A new organization owned by ``actor`` (a facilitator or admin); a wrong option is
        named as :func:`_option` names it."""
        if not actor.creates:
            raise Forbidden(Problem("organization", "only a facilitator can create organizations"))
        problems, values = [], {}
        for qid, value in (("name", name), ("sector", sector), ("size", size), ("region", region)):
            try:
                values[qid] = _name(value, qid) if qid == "name" \
                    else _option(self.instrument, qid, value, lang, labels)
            except AnswersError as exc:
                problems += exc.problems
        if problems:
            raise AnswersError(problems)
        return self.store.create_organization(owner_id=actor.user_id, **values)

    def dashboard(self, actor: Actor | None, lang: str = "en") -> list[OrganizationSummary]:
        """The organizations ``actor`` sees: owned (facilitator), shared (viewer), all
        (admin, and ``None``: the command line); one query. Profile labels in ``lang``."""
        if actor is None or actor.admin:
            rows = self.store.dashboard(None)
        else:
            rows = self.store.dashboard(actor.user_id, shared_only=actor.role == "viewer")
        labels = self._profile_labels(lang)
        return [OrganizationSummary(**vars(r), **{f"{f}_label": labels[f].get(getattr(r, f))
                                                  for f in PROFILE_FIELDS}) for r in rows]

    def _profile_labels(self, lang: str) -> dict[str, dict[str, str]]:
        inst = self.instrument
        return {f: inst.option_labels(f, lang) if f in inst.index.questions else {}
                for f in PROFILE_FIELDS}

    def get(self, actor: Actor | None, org_id: int, lang: str = "en") -> OrganizationView:
        """The organization (``None``: the command line, any organization)."""
        row = self._readable(actor, org_id)
        owner = actor is None or actor.admin or row.owner_id == actor.user_id
        labels = self._profile_labels(lang)
        return OrganizationView(
            id=row.id, name=row.name,
            labels={f: labels[f].get(getattr(row, f)) for f in PROFILE_FIELDS},
            rounds=self.store.rounds(row.id), shares=self.store.shares(row.id) if owner else None,
            can_edit=owner)

    # -- rounds ---------------------------------------------------------------------------

    def create_round(self, actor: Actor, org_id: int, name: str) -> int:
        """A new open round of the organization on the instrument version in use."""
        row = self._writable(actor, org_id)
        inst = self.instrument
        department_keys(inst)  # an instrument without departments holds no team round
        return self.store.create_round(row.id, _name(name, "name"), inst.id,
                                       inst.version, inst.content_hash)

    def get_round(self, actor: Actor, round_id: int) -> RoundRow:
        """The round (with counts) if ``actor`` may read its organization."""
        return self._round(actor, round_id, write=False)

    def close_round(self, actor: Actor, round_id: int) -> None:
        """Close the round: it takes no more answers and no new invitations."""
        found = self._round(actor, round_id, write=True)
        if found.status != "closed":
            self.store.update_round(found.id, status="closed", closed_at=now())

    def set_targets(self, actor: Actor, round_id: int,
                    targets: list[Target] | dict[str, Any]) -> list[Target]:
        """The round's targets: Target objects, or a mapping dimension id → stage key or
        score (checked as a targets file is). An empty list removes them."""
        found = self._round(actor, round_id, write=True)
        if isinstance(targets, dict):
            targets = parse_targets(self.instrument, targets)
        stored = [{"dimension": t.dimension, "stage": t.stage} if t.stage is not None
                  else {"dimension": t.dimension, "score": t.score} for t in targets]
        self.store.update_round(found.id, targets=json.dumps(stored) if stored else None)
        return list(targets)

    def targets(self, found: RoundRow) -> list[Target]:
        """The stored targets of a round as :class:`~..teams.progress.Target`."""
        if not found.targets:
            return []
        stages = {s.level: s for s in self.instrument.stages}
        dims = {d.id for d in self.instrument.dimensions}
        out = []
        for t in json.loads(found.targets):
            if t.get("dimension") not in dims:
                continue  # a dimension of an older instrument version
            if t.get("stage") in stages:
                out.append(Target(t["dimension"], t["stage"], stages[t["stage"]].min_score))
            elif isinstance(t.get("score"), int | float):
                out.append(Target(t["dimension"], None, float(t["score"])))
        return out

    # -- invitations ----------------------------------------------------------------------

    @cached_property
    def _invitation_secret(self) -> str:
        return self.store.server_secret("invitations")

    def invite(self, actor: Actor, round_id: int, department: str,
               lang: str = "en") -> Invitation:
        """A new invitation for ``department``: its respondent answers in ``lang`` and has
        the organization's profile (and name, where the instrument asks it) filled in."""
        return self.invite_many(actor, round_id, department, 1, lang)[0]

    def invite_many(self, actor: Actor, round_id: int, department: str, count: int,
                    lang: str = "en") -> list[Invitation]:
        """``count`` new invitations as :meth:`invite`'s, made together or not at all."""
        found = self._round(actor, round_id, write=True)
        inst = self.instrument
        keys = department_keys(inst)
        if department in ("", None):
            raise AnswersError(Problem(DEPARTMENT, _CHOOSE[DEPARTMENT]))
        if not isinstance(department, str) or department not in keys:
            raise AnswersError(Problem(DEPARTMENT, "{value} is not a department; valid: "
                                                   "{valid}", value=shown(department),
                                       valid=", ".join(keys)))
        if found.status == "closed" or found.assessment_id is None:
            raise AnswersError(Problem("round", "the round is closed: it takes no new invitations"))
        org = self.store.organization(found.organization_id)
        profile: dict[str, object] = {f: getattr(org, f) for f in PROFILE_FIELDS
                                      if f in inst.index.questions}
        profile[DEPARTMENT] = department
        q = inst.index.questions.get("organization")
        if q is not None and q.type == "text" and org.name:
            profile["organization"] = org.name[:q.text_limit]
        made = self.store.invite(found.assessment_id, department, lang,
                                 self._invitation_secret, profile, count)
        return [Invitation(respondent_id, token, department, at)
                for respondent_id, token, at in made]

    def invitations(self, actor: Actor, round_id: int) -> list[InvitationRow]:
        """The round's invitations with their links (owner and admins only: a link lets
        one answer)."""
        found = self._round(actor, round_id, write=True)
        secret = self._invitation_secret
        return [InvitationRow(
            id=i.id, department=i.department, status=i.status, created_at=i.created_at,
            completed_at=i.completed_at, token=invitation_token(secret, i.invite_nonce)
            if i.status != "revoked" and i.invite_nonce else None)
            for i in self.store.invitations(found.id)]

    def department_counts(self, actor: Actor, round_id: int, lang: str = "en"
                          ) -> list[DepartmentCount]:
        """Invited and answered per department, in the instrument's order of departments."""
        found = self._round(actor, round_id, write=False)
        counts = self.store.department_counts(found.id)
        labels = self.instrument.option_labels(DEPARTMENT, lang)
        return [DepartmentCount(key, labels.get(key, key), *counts[key])
                for key in [*labels, *sorted(set(counts) - set(labels))] if key in counts]

    def _invitation(self, actor: Actor, invitation_id: int, round_id: int | None):
        """The invitation if ``actor`` may change its organization; with ``round_id`` (a
        page's address), an invitation of another round is not found."""
        found = self.store.invitation(invitation_id) if _is_id(invitation_id) else None
        if found is not None and round_id is not None and found.round_id != round_id:
            found = None
        return self._within(actor, found, True, NotFound(
            Problem("invitation", "no invitation with this id")))

    def revocation(self, actor: Actor, invitation_id: int, round_id: int | None = None
                   ) -> Revocation:
        """What revoking the invitation would drop (see :class:`Revocation`)."""
        found = self._invitation(actor, invitation_id, round_id)
        given = [q for q in self.store.answers(found.id) if q not in LOCKED_FIELDS]
        completed = self.store.round(found.round_id).completed
        return Revocation(department=found.department or "", status=found.status,
                          answers=len(given), completed=completed,
                          completed_after=completed - (found.status == "completed"))

    def revoke(self, actor: Actor, invitation_id: int, round_id: int | None = None) -> None:
        """Take an invitation back: its link answers like an unknown one; its answers no
        longer count."""
        self.store.revoke(self._invitation(actor, invitation_id, round_id).id)

    # -- shares ---------------------------------------------------------------------------

    def share(self, actor: Actor, org_id: int, viewer_email: str,
              address: str | None = None) -> int:
        """Let the viewer with this e-mail read the organization; returns their user id."""
        row = self._writable(actor, org_id)
        user = self.store.user_by_email(checked_email(viewer_email))
        if user is None or not user.active or user.role != "viewer":
            raise AnswersError(Problem("email", "no active viewer account has this e-mail "
                                                "address; an admin of the server adds one with "
                                                "the command: socialmaturity users add EMAIL "
                                                "--role viewer"))
        if self.store.share(row.id, user.id):
            self._audit("share", actor, row.id, address, user.email)
        return user.id

    def unshare(self, actor: Actor, org_id: int, user_id: int,
                address: str | None = None) -> None:
        row = self._writable(actor, org_id)
        if self.store.unshare(row.id, user_id):
            self._audit("unshare", actor, row.id, address, f"user {user_id}")

    # -- the result -----------------------------------------------------------------------

    def _stored_round(self, found: RoundRow, lang: str) -> Round | None:
        rows = self.store.completed_answers(found.id)
        if not rows:
            return None
        stored = [(tr(lang, "respondent {id}", id=rid), department, values)
                  for rid, department, values in rows if department is not None]
        checked = checked_when_saved(self.instrument, found.instrument_hash)
        return stored_round(self.instrument, stored, found.name or None, lang,
                            checked=checked) if stored else None

    def team_round(self, actor: Actor, round_id: int, lang: str = "en"
                   ) -> tuple[Round, TeamResult]:
        """The round of the completed respondents and its result (see
        :meth:`round_result`), for the workbook that needs both.

        Kept per (round, language, what the result depends on in the database: the
        completed respondents of the round and of its previous round, the targets), so a
        result is computed once per change; any process can serve any round."""
        found = self._round(actor, round_id, write=False)
        before = self.store.previous_round(found.id)
        key = (found.id, lang, self.min_group, found.targets, self.store.round_version(found.id),
               before and (before.id, self.store.round_version(before.id)))
        cached = self._results.get(key)
        if cached is not None:
            self._results.move_to_end(key)
            return cached
        rnd = self._stored_round(found, lang)
        if rnd is None:
            raise AnswersError(Problem("round", "no respondent of this round has completed the "
                                                "assessment yet"))
        previous = self._stored_round(before, lang) if before else None
        result = assess_round(self.assessor, rnd, lang, self.min_group, previous,
                              self.targets(found) or None)
        self._results[key] = (rnd, result)
        while len(self._results) > RESULT_CACHE_SIZE:
            self._results.popitem(last=False)
        return rnd, result

    def round_result(self, actor: Actor, round_id: int, lang: str = "en") -> TeamResult:
        """The organization's result for the round from its completed respondents (by the
        roll-up rule of :mod:`~..teams.round`), with departments of at least
        ``team-min-group`` respondents, progress since the organization's previous round
        with answers, and the round's targets: :func:`~.teams.assess_round`, the engine of
        ``socialmaturity team``."""
        return self.team_round(actor, round_id, lang)[1]

    # -- respondents ----------------------------------------------------------------------

    def facilitator_email(self, respondent) -> str | None:
        """The e-mail of the facilitator who runs an invited respondent's organization (their
        first page names who will see the result); None for a respondent not invited."""
        if not getattr(respondent, "invited", False):
            return None
        row = self.store.organization(respondent.organization_id)
        return row.owner_email if row is not None else None

    def complete(self, token: str) -> None:
        """Mark the respondent's assessment complete; ``AnswersError`` naming every required
        question still missing, ``RoundClosed`` (before that) when the round is closed."""
        respondent, responses = self.respondents.responses(token)
        self.respondents.refuse_closed(respondent)
        gaps = missing(self.instrument, responses)
        if gaps:
            raise AnswersError([Problem(q.id, "required question not answered yet")
                                for q in gaps])
        self.respondents.complete(token)

    # -- data rights ----------------------------------------------------------------------

    def export(self, actor: Actor | None, org_id: int, deliver: Callable[[dict], Any],
               address: str | None = None) -> Any:
        """Everything of the organization, JSON-ready (see
        :meth:`~..storage.organizations.OrganizationStore.export`), handed to ``deliver``
        (which writes or sends it) and audited once ``deliver`` has returned: an export that
        could not be written is not in the audit log. Returns what ``deliver`` returned."""
        self._writable(actor, org_id)
        data = self.store.export(org_id)
        if data is None:
            raise NotFound(Problem("organization", "no organization with this id"))
        delivered = deliver(data)
        self._audit("export", actor, org_id, address)
        return delivered

    def erase(self, actor: Actor | None, org_id: int, address: str | None = None) -> str:
        """Delete the organization and all it holds in one transaction; the audit log keeps
        an entry of the erasure. Returns the name it had."""
        row = self._writable(actor, org_id)
        if not self.store.erase(row.id):
            raise NotFound(Problem("organization", "no organization with this id"))
        self._audit("erase", actor, row.id, address)
        return row.name
