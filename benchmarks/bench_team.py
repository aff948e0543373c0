"""Issue 10: a team round's result with 50 respondents.

Target: ≤ 20 ms median for the whole result of a round of 50 respondents in 4 departments:
the round (answers encoded), the organization's answers by the roll-up rule, the organization's
complete result (``Assessor.assess``: scores, stage, peers, ranked next steps with what-if
effects, the path to the next stage) and the team section (departments rolled up and scored,
agreement and spread per dimension, the five largest disagreements with the answers per
department), i.e. ``services.teams.assess_round(assessor, make_round(...), "en", 3)``: what
``socialmaturity team`` and a later ``GET /api/rounds/{id}/result`` compute, without reading
files or a database.

How:
- Panel: the synthetic demo panel (2,162 respondents, seed 2021), indexed before timing.
- Respondents: validated rows of the demo panel (``bench_result.demo_responses``), each given
  the same sector, size and region and one of four departments in turn (13, 13, 12, 12).
  Every call takes a different 50 of them (a new round: nothing is cached between calls but
  the peer group's statistics, as in a server).
- First call (cold caches) alone, then median / p95 over ``--calls`` calls; for information
  the organization's result alone, the round with a previous round and targets, and the
  whole command's work from 50 answers files (reading and validating included).

Run alone: ``.venv/bin/python benchmarks/bench_team.py [--respondents 50] [--calls 200]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from _common import Report, median, percentile
from bench_result import demo_responses
from socialmaturity.instrument.loader import bundled_instrument
from socialmaturity.scoring.answers import Responses
from socialmaturity.services.assessment import Assessor, demo_panel
from socialmaturity.services.teams import assess_round
from socialmaturity.teams.progress import parse_targets
from socialmaturity.teams.round import Respondent, load_round, make_round

DEPARTMENTS = ("marketing", "customer-service", "sales", "executive")
PROFILE = {"sector": "technology", "size": "1000-9999", "region": "emea"}


def people(pool: list[Responses], chosen: np.ndarray) -> list[Respondent]:
    out = []
    for i, j in enumerate(chosen):
        dep = DEPARTMENTS[i % len(DEPARTMENTS)]
        profile = {**PROFILE, "department": dep}
        out.append(Respondent(f"r{i}", dep, Responses(profile, pool[j].answers)))
    return out


def timed(fn, calls: list, cpu: list[float] | None = None) -> list[float]:
    """Wall times (ms) of ``fn(*args)`` for each of ``calls``; the process's CPU times are
    appended to ``cpu`` (on a loaded machine they move much less than the wall times)."""
    times = []
    for args in calls:
        t, c = time.perf_counter(), time.process_time()
        fn(*args)
        times.append((time.perf_counter() - t) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    inst = bundled_instrument()
    assessor = Assessor(inst, demo_panel(inst), 30)
    assessor.index  # noqa: B018 - indexed before timing
    pool = demo_responses(inst)
    rng = np.random.default_rng(10)
    rounds = [people(pool, rng.choice(len(pool), args.respondents, replace=False))
              for _ in range(args.calls + 1)]
    n = args.respondents
    report = Report(f"Issue 10 - a team round's result with {n} respondents in "
                    f"{len(DEPARTMENTS)} departments")

    def whole(team):
        return assess_round(assessor, make_round(inst, team), "en", 3)

    t = time.perf_counter()
    first = whole(rounds[0])
    report.info("first call (cold caches)", f"{(time.perf_counter() - t) * 1000:.1f} ms")
    cpu: list[float] = []
    times = timed(whole, [(r,) for r in rounds[1:]], cpu)
    report.check(f"round result (organization + team section), median of {args.calls} calls",
                 f"{median(times):.2f} ms", "<= 20 ms", median(times) <= 20)
    report.info("  p95 / max", f"{percentile(times, 95):.2f} ms / {max(times):.1f} ms")
    report.info("  CPU time per call, median (for a loaded machine)", f"{median(cpu):.2f} ms")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    report.info("  load average (1 min) / CPUs", f"{load:.1f} / {os.cpu_count()}")

    def organization(team):
        return assessor.assess(make_round(inst, team).organization, "en")

    alone = timed(organization, [(r,) for r in rounds[1:]])
    report.info("  of which the organization's result alone (roll-up + assess), median",
                f"{median(alone):.2f} ms")
    targets = parse_targets(inst, {"strategy": "strategic", "data": 50, "listening": 60})

    def with_previous(team, before):
        return assess_round(assessor, make_round(inst, team), "en", 3,
                            make_round(inst, before), targets)

    pairs = [(rounds[i], rounds[i - 1]) for i in range(1, len(rounds))]
    prev = timed(with_previous, pairs)
    report.info("  with a previous round and 3 targets, median", f"{median(prev):.2f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        for r in rounds[0]:
            data = {"profile": r.responses.profile, "answers": r.responses.answers}
            Path(tmp, f"{r.source}.yaml").write_text(yaml.safe_dump(data))
        files = timed(lambda: assess_round(assessor, load_round(inst, [tmp]), "en", 3),
                      [()] * 20)
    report.info(f"  from {n} answers files (read + validate + result), median of 20",
                f"{median(files):.1f} ms")
    t = first.team
    report.info("  example", f"{len(t.departments)} departments shown, "
                f"{len(t.disagreements)} disagreements, overall "
                f"{first.result.overall.score} ({first.result.overall.stage.key})")
    report.print()
    report.save()


if __name__ == "__main__":
    main()
