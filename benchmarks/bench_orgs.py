"""Issue 10: the facilitator's dashboard and a round's result, from the database.

Targets:
(a) the dashboard of a facilitator with 200 organizations (each with a round and 3
    invitations, one answered): p95 ≤ 50 ms, measured through the app: ``GET
    /api/organizations`` with a bearer token, in-process (``fastapi.testclient``, no network;
    the same request and response handling as ``serve``);
(b) a round's organization result with 50 respondents in 4 departments, read from the
    database: ``Organizations.round_result`` (completed respondents' answers in one query,
    each checked as an answers file is, the round rolled up, the organization's result and the
    team section by ``services.teams.assess_round``) ≤ 20 ms median, with the result cache
    emptied before each call (every call computes); for information the same call when the
    result is kept (answers unchanged: two small queries and a look-up).

How: a fresh SQLite database in a temporary folder (``--database-url`` for another, e.g. an
empty PostgreSQL database); the demo panel (seed 2021) indexed before timing; respondents are
validated rows of the demo panel (``bench_result.demo_responses``) given one of four
departments in turn; the organization's profile is filled in by the invitations.

Run alone: ``.venv/bin/python benchmarks/bench_orgs.py [--calls 200] [--database-url URL]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from _common import Report, median, percentile
from bench_result import demo_responses
from socialmaturity.core.settings import Settings
from socialmaturity.services.accounts import Actor
from socialmaturity.services.assessment import Assessor, demo_panel
from socialmaturity.services.respondents import Respondents
from socialmaturity.web.app import create_app

DEPARTMENTS = ("marketing", "customer-service", "sales", "executive")
PROFILE = {"sector": "technology", "size": "1000-9999", "region": "emea"}


def facilitator(accounts) -> tuple[Actor, str]:
    """A facilitator account and its API token (``users add`` and ``users token``)."""
    actor = accounts.add_user("bench@example.org", "facilitator", "a long enough password")
    return actor, accounts.new_token(actor.email)


def timed(fn, calls: int, cpu: list[float] | None = None) -> list[float]:
    """Wall times (ms) of ``calls`` calls of ``fn``; the process's CPU times are appended to
    ``cpu`` (on a loaded machine they move much less than the wall times)."""
    times = []
    for _ in range(calls):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--organizations", type=int, default=200)
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        from socialmaturity.instrument.loader import bundled_instrument

        inst = bundled_instrument()
        assessor = Assessor(inst, demo_panel(inst), 30)
        assessor.index  # noqa: B018 - indexed before timing
        app = create_app(Settings(database_url=url), assessor)
        orgs = app.state.organizations
        respondents = Respondents(orgs.store, assessor)
        actor, token = facilitator(app.state.accounts)
        pool = demo_responses(inst)
        report = Report(f"Issue 10 - the dashboard ({args.organizations} organizations) and "
                        f"a round's result ({args.respondents} respondents) from the database")
        t = time.perf_counter()
        for i in range(args.organizations):
            org_id = orgs.create(actor, f"Organization {i:03d}", **PROFILE)
            round_id = orgs.create_round(actor, org_id, "2026 Q4")
            for j in range(3):
                made = orgs.invite(actor, round_id, DEPARTMENTS[j])
                if j == 0:
                    respondents.save(made.token, pool[i % len(pool)].answers)
                    respondents.complete(made.token)
        report.info("setup: organizations, rounds, invitations",
                    f"{time.perf_counter() - t:.1f} s")
        headers = {"authorization": f"Bearer {token}"}
        with TestClient(app) as client:
            first = client.get("/api/organizations", headers=headers)
            assert first.status_code == 200 and len(first.json()) == args.organizations
            cpu: list[float] = []
            times = timed(lambda: client.get("/api/organizations", headers=headers),
                          args.calls, cpu)
        report.check(f"(a) GET /api/organizations, {args.organizations} organizations, p95 "
                     f"of {args.calls}", f"{percentile(times, 95):.1f} ms", "<= 50 ms",
                     percentile(times, 95) <= 50)
        report.info("    median; CPU time per request, median (for a loaded machine)",
                    f"{median(times):.1f} ms; {median(cpu):.1f} ms")
        report.info("    of which the service's dashboard (one query), median",
                    f"{median(timed(lambda: orgs.dashboard(actor), 50)):.1f} ms")

        org_id = orgs.create(actor, "Fifty", **PROFILE)
        round_id = orgs.create_round(actor, org_id, "2026 Q4")
        for i in range(args.respondents):
            made = orgs.invite(actor, round_id, DEPARTMENTS[i % len(DEPARTMENTS)])
            respondents.save(made.token, pool[(7 * i) % len(pool)].answers)
            respondents.complete(made.token)

        def cold():
            orgs._results.clear()
            return orgs.round_result(actor, round_id)

        found = cold()
        cpu = []
        times = timed(cold, args.calls, cpu)
        report.check(f"(b) round_result, {args.respondents} respondents from the database, "
                     f"median of {args.calls}", f"{median(times):.1f} ms", "<= 20 ms",
                     median(times) <= 20)
        report.info("    p95; CPU time per call, median (for a loaded machine)",
                    f"{percentile(times, 95):.1f} ms; {median(cpu):.1f} ms")
        read = timed(lambda: orgs.store.completed_answers(round_id), 50)
        report.info("    of which reading the answers (one query), median",
                    f"{median(read):.1f} ms")
        kept = timed(lambda: orgs.round_result(actor, round_id), args.calls)
        report.info("    the result kept (nothing changed), median", f"{median(kept):.2f} ms")
        report.info("    example", f"{found.team.respondents} respondents, "
                    f"{len(found.team.departments)} departments, overall "
                    f"{found.result.overall.score}")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        report.info("load average (1 min) / CPUs", f"{load:.1f} / {os.cpu_count()}")
        report.print()
        report.save()
        orgs.store.engine.dispose()


if __name__ == "__main__":
    main()
