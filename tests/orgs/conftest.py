"""Organizations on a fresh database per test (SQLite and PostgreSQL), with accounts made by
the account service."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from socialmaturity.services.accounts import Accounts, Actor
from socialmaturity.services.assessment import make_assessor
from socialmaturity.services.organizations import Organizations
from socialmaturity.services.respondents import LOCKED_FIELDS, Respondents
from socialmaturity.storage.accounts import AccountStore
from socialmaturity.storage.organizations import OrganizationStore

from ..storage.conftest import (  # noqa: F401
    backend,
    database_url,
    empty_database_url,
    engine,
    postgres_server,
    store,
)

PROFILE = {"sector": "technology", "size": "1000-9999", "region": "emea"}
_numbers = itertools.count(1)


def add_user(accounts: Accounts, role: str, email: str | None = None) -> Actor:
    """A new account (through the account service) with this role."""
    email = email or f"{role}{next(_numbers)}@example.org"
    return accounts.add_user(email, role, "a long enough password")


@pytest.fixture(scope="session")
def assessor():
    return make_assessor()


@pytest.fixture
def org_store(engine) -> OrganizationStore:  # noqa: F811
    return OrganizationStore(engine)


@pytest.fixture
def accounts(engine) -> Accounts:  # noqa: F811
    return Accounts(AccountStore(engine))


@pytest.fixture
def orgs(org_store, assessor, accounts) -> Organizations:
    return Organizations(org_store, assessor, accounts, min_group=3)


@pytest.fixture
def people(accounts):
    """An owner, another facilitator, a viewer with a share, one without, an admin."""
    return {role: add_user(accounts, r) for role, r in (
        ("owner", "facilitator"), ("other", "facilitator"), ("viewer", "viewer"),
        ("stranger", "viewer"), ("admin", "admin"))}


ROOT = Path(__file__).parent.parent.parent
EXAMPLES = ROOT / "examples" / "team"


def answers_file(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def fill_round(orgs: Organizations, actor: Actor, round_id: int, folder: Path,
               complete: bool = True) -> list[str]:
    """An invitation per answers file of ``folder`` (its department), answered with the
    file's answers (and the profile fields a respondent gives: role, country), completed."""
    respondents = Respondents(orgs.store, orgs.assessor)
    tokens = []
    for path in sorted(folder.glob("*.yaml")):
        data = answers_file(path)
        made = orgs.invite(actor, round_id, data["profile"]["department"])
        own = {k: v for k, v in data["profile"].items() if k not in LOCKED_FIELDS}
        respondents.save(made.token, {**own, **data["answers"]})
        if complete:
            respondents.complete(made.token)
        tokens.append(made.token)
    return tokens


def northwind(orgs: Organizations, actor: Actor) -> tuple[int, int, int]:
    """The example organization with its rounds 2025 and 2026 answered as the files are."""
    org_id = orgs.create(actor, "Northwind Software", **PROFILE)
    first = orgs.create_round(actor, org_id, "2025")
    fill_round(orgs, actor, first, EXAMPLES / "2025")
    second = orgs.create_round(actor, org_id, "2026")
    fill_round(orgs, actor, second, EXAMPLES / "2026")
    return org_id, first, second
