"""Who may do what, enforced in the service: every method × {owner, another facilitator,
viewer with a share, viewer without, admin}. ok: allowed; 404: NotFound (as if it did not
exist); 403: Forbidden (a viewer may read, not write)."""

from __future__ import annotations

import pytest

from socialmaturity.errors import Forbidden, NotFound

from .conftest import EXAMPLES, PROFILE, fill_round

ROLES = ("owner", "other", "viewer", "stranger", "admin")

#: method → expected outcome per role (ROLES order) and how to call it
MATRIX = {
    "get": ("ok", 404, "ok", 404, "ok"),
    "create_round": ("ok", 404, 403, 404, "ok"),
    "close_round": ("ok", 404, 403, 404, "ok"),
    "set_targets": ("ok", 404, 403, 404, "ok"),
    "get_round": ("ok", 404, "ok", 404, "ok"),
    "invite": ("ok", 404, 403, 404, "ok"),
    "invite_many": ("ok", 404, 403, 404, "ok"),
    "invitations": ("ok", 404, 403, 404, "ok"),
    "department_counts": ("ok", 404, "ok", 404, "ok"),
    "revocation": ("ok", 404, 403, 404, "ok"),
    "revoke": ("ok", 404, 403, 404, "ok"),
    "share": ("ok", 404, 403, 404, "ok"),
    "unshare": ("ok", 404, 403, 404, "ok"),
    "round_result": ("ok", 404, "ok", 404, "ok"),
    "team_round": ("ok", 404, "ok", 404, "ok"),
    "export": ("ok", 404, 403, 404, "ok"),
    "erase": ("ok", 404, 403, 404, "ok"),
}


def call(orgs, method, actor, world):
    org_id, round_id, invitation_id, viewer = world
    calls = {
        "get": lambda: orgs.get(actor, org_id),
        "create_round": lambda: orgs.create_round(actor, org_id, "2027"),
        "close_round": lambda: orgs.close_round(actor, round_id),
        "set_targets": lambda: orgs.set_targets(actor, round_id, {"data": 50}),
        "get_round": lambda: orgs.get_round(actor, round_id),
        "invite": lambda: orgs.invite(actor, round_id, "sales"),
        "invite_many": lambda: orgs.invite_many(actor, round_id, "sales", 3),
        "invitations": lambda: orgs.invitations(actor, round_id),
        "department_counts": lambda: orgs.department_counts(actor, round_id),
        "revocation": lambda: orgs.revocation(actor, invitation_id),
        "revoke": lambda: orgs.revoke(actor, invitation_id),
        "share": lambda: orgs.share(actor, org_id, viewer.email),
        "unshare": lambda: orgs.unshare(actor, org_id, viewer.user_id),
        "round_result": lambda: orgs.round_result(actor, round_id),
        "team_round": lambda: orgs.team_round(actor, round_id),
        "export": lambda: orgs.export(actor, org_id, dict),
        "erase": lambda: orgs.erase(actor, org_id),
    }
    return calls[method]()


def test_the_matrix_names_every_public_method():
    from socialmaturity.services.organizations import Organizations

    public = {n for n in vars(Organizations) if not n.startswith("_")
              and callable(getattr(Organizations, n))}
    # not per organization: create (a role check), dashboard (lists only what one sees),
    # complete and facilitator_email (a respondent's link), targets (of a round already read)
    assert public - set(MATRIX) == {"create", "dashboard", "complete", "facilitator_email",
                                    "targets"}


@pytest.mark.parametrize("method", MATRIX)
def test_access(orgs, people, method):
    owner, viewer = people["owner"], people["viewer"]
    for role, expected in zip(ROLES, MATRIX[method], strict=True):
        org_id = orgs.create(owner, "Acme", **PROFILE)
        round_id = orgs.create_round(owner, org_id, "2026")
        fill_round(orgs, owner, round_id, EXAMPLES / "2025")
        orgs.share(owner, org_id, viewer.email)
        invitation_id = orgs.invitations(owner, round_id)[0].id
        world = (org_id, round_id, invitation_id, viewer)
        if expected == "ok":
            call(orgs, method, people[role], world)
        else:
            error = NotFound if expected == 404 else Forbidden
            with pytest.raises(error):
                call(orgs, method, people[role], world)


def test_unknown_ids_are_not_found_like_another_facilitators(orgs, people):
    owner = people["owner"]
    for method in ("get", "create_round", "export", "erase"):
        with pytest.raises(NotFound) as unknown:
            call(orgs, method, owner, (9999, 9999, 9999, people["viewer"]))
        other_org = orgs.create(people["other"], "Theirs", **PROFILE)
        with pytest.raises(NotFound) as theirs:
            call(orgs, method, owner, (other_org, 9999, 9999, people["viewer"]))
        assert str(unknown.value) == str(theirs.value)


def test_who_creates_and_whose_dashboard(orgs, people):
    owner, other, viewer = people["owner"], people["other"], people["viewer"]
    mine = orgs.create(owner, "Mine", **PROFILE)
    theirs = orgs.create(other, "Theirs", **PROFILE)
    with pytest.raises(Forbidden):
        orgs.create(viewer, "Viewer's", **PROFILE)
    orgs.share(owner, mine, viewer.email)
    assert [s.id for s in orgs.dashboard(owner)] == [mine]
    assert [s.id for s in orgs.dashboard(other)] == [theirs]
    assert [s.id for s in orgs.dashboard(viewer)] == [mine]
    assert [s.id for s in orgs.dashboard(people["stranger"])] == []
    assert sorted(s.id for s in orgs.dashboard(people["admin"])) == sorted([mine, theirs])
    # a viewer sees the organization without its shares
    assert orgs.get(viewer, mine).shares is None and not orgs.get(viewer, mine).can_edit
    assert [s.email for s in orgs.get(owner, mine).shares] == [viewer.email]


def test_a_single_respondents_assessment_is_on_no_dashboard(orgs, people, assessor):
    from socialmaturity.services.respondents import Respondents

    Respondents(orgs.store, assessor).start("Solo BV", "en")
    assert orgs.dashboard(people["admin"]) == []
    with pytest.raises(NotFound):
        orgs.get(people["admin"], 1)
