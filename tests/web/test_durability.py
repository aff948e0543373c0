"""Durability under load: an answer the server acknowledged (200) is in the database.

A real server process (``socialmaturity serve``: one worker on SQLite, as the README advises,
two on PostgreSQL) on a fresh database; 200 respondents at once, each with an assessment of its
own, each saving 45 of the 48 scored questions one request at a time, on a new connection per
request (what nginx does by default in front of the app; it also spreads the requests over
the workers). Even respondents use the JSON API (``PUT /api/assessments/{token}/answers``), odd
ones the htmx endpoint (``POST /a/{token}/answer`` with the ``sm_csrf`` cookie from ``GET /``
and the same value in ``X-CSRF-Token``). Every 201/200 is recorded as acknowledged.

- ``test_every_acknowledged_answer_is_stored``: the whole load; every request must succeed and
  every acknowledged answer must be in the database (a fresh engine in this process) and be
  served back by ``GET /api/assessments/{token}``.
- ``test_acknowledged_answers_survive_sigkill``: the same load, but the server's process group
  gets SIGKILL (no shutdown, no flushing) once about 40% of the answers were acknowledged.
  Every acknowledged answer must still be in the database, read directly and through a server
  restarted on it; requests cut off by the kill may be missing (or present: committed, with the
  response lost). Nothing that was never sent may be stored, and every respondent can finish
  its answers on the restarted server.

Both run on SQLite and on PostgreSQL (the ``database_url`` fixture). The client is
``http.client`` in a thread pool, one thread per respondent: it costs the two CPUs much less
than the server it loads. Every request has a timeout and the load a deadline; traffic goes
only to 127.0.0.1. On two CPUs each test takes about a minute or more (see the figures it
prints with ``-s``): the server, not the client, sets the pace.
"""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import httpx
import pytest

from socialmaturity.instrument.loader import bundled_instrument
from socialmaturity.instrument.model import DONT_KNOW, Instrument, Question
from socialmaturity.storage.database import make_engine
from socialmaturity.storage.repository import AssessmentStore

from .conftest import csrf_of
from .server import Server

RESPONDENTS = 200
ANSWERS_EACH = 45
KILL_AT = 0.4  # share of all answers acknowledged before the SIGKILL
REQUEST_TIMEOUT = 30.0  # seconds, per request
LOAD_DEADLINE = 240.0  # seconds for a whole load phase: a bound, not a target
ATTEMPTS = 3  # per request, on a transport error while the server is meant to be up
SEED = 20240611
KEEP_ALIVE = False  # a connection per request, as nginx forwards by default
VERIFY_THREADS = 8  # reading back and finishing through the API


# -- what each respondent answers -----------------------------------------------------------------


def answer_for(inst: Instrument, q: Question, rng: random.Random) -> object:
    """A valid answer to ``q`` as the database stores it (the server's normalized form)."""
    if q.dont_know and rng.random() < 0.05:
        return DONT_KNOW
    if q.type == "numeric":
        return rng.choice([float(rng.randint(0, 100)), rng.randint(0, 1000) / 10])
    options = inst.index.options[q.id]
    if q.type == "single":
        return rng.choice(options).key
    exclusive = [o.key for o in options if o.exclusive]
    if exclusive and rng.random() < 0.2:
        return [rng.choice(exclusive)]
    normal = [o.key for o in options if not o.exclusive]
    picked = set(rng.sample(normal, rng.randint(1, len(normal))))
    return [o.key for o in options if o.key in picked]  # in option order, as stored


@dataclass
class Respondent:
    number: int
    via: str  # "api" or "htmx"
    plan: list[tuple[str, object]]  # (question id, value), in the order they are sent
    token: str | None = None
    csrf: str | None = None
    session: str | None = None
    sent: dict[str, object] = field(default_factory=dict)
    acknowledged: dict[str, object] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    retries: int = 0
    latencies: list[float] = field(default_factory=list)
    finished: bool = False

    @property
    def organization(self) -> str:
        return f"Respondent {self.number}"


def respondents(inst: Instrument) -> list[Respondent]:
    scored = inst.scored_questions
    out = []
    for i in range(RESPONDENTS):
        rng = random.Random(SEED + i)
        questions = [scored[(i + k) % len(scored)] for k in range(ANSWERS_EACH)]
        rng.shuffle(questions)
        out.append(Respondent(i, "api" if i % 2 == 0 else "htmx",
                              [(q.id, answer_for(inst, q, rng)) for q in questions]))
    return out


# -- the load -------------------------------------------------------------------------------------


class ServerGone(Exception):
    """A request failed after the kill: this respondent stops."""


class Load:
    """Runs the respondents against ``port``; counts acknowledged answers as they come."""

    def __init__(self, port: int, people: list[Respondent]):
        self.port = port
        self.people = people
        self.killed = threading.Event()
        self.deadline = time.monotonic() + LOAD_DEADLINE
        self._lock = threading.Lock()
        self.answers_acknowledged = 0

    def request(self, conn_box: list, method: str, path: str, body: bytes,
                headers: dict[str, str], who: Respondent) -> tuple[int, bytes, list[str]]:
        """One request, retried on a fresh connection after a transport error (a timeout, or
        a keep-alive connection the server closed) unless the server was killed."""
        for attempt in range(ATTEMPTS):
            if time.monotonic() > self.deadline:
                raise ServerGone("load deadline passed")
            if conn_box[0] is None:
                conn_box[0] = http.client.HTTPConnection("127.0.0.1", self.port,
                                                         timeout=REQUEST_TIMEOUT)
            try:
                conn_box[0].request(method, path, body, headers)
                res = conn_box[0].getresponse()
                data = res.read()
                if not KEEP_ALIVE:
                    conn_box[0].close()
                    conn_box[0] = None
                return res.status, data, res.headers.get_all("set-cookie") or []
            except (OSError, http.client.HTTPException) as e:
                conn_box[0].close()
                conn_box[0] = None
                who.errors[type(e).__name__] += 1
                if self.killed.is_set() or attempt == ATTEMPTS - 1:
                    raise ServerGone(type(e).__name__) from e
                who.retries += 1
        raise AssertionError("unreachable")

    def run_one(self, who: Respondent) -> None:
        box: list = [None]
        try:
            self._run(who, box)
        except ServerGone:
            return
        finally:
            if box[0] is not None:
                box[0].close()

    def _run(self, who: Respondent, box: list) -> None:
        status, data, _ = self.request(
            box, "POST", "/api/assessments",
            json.dumps({"organization": who.organization, "language": "en"}).encode(),
            {"content-type": "application/json"}, who)
        who.statuses[status] += 1
        if status != 201:
            return
        who.token = json.loads(data)["token"]
        who.sent["organization"] = who.acknowledged["organization"] = who.organization
        if who.via == "htmx":
            status, page, cookies = self.request(box, "GET", "/", b"", {}, who)
            who.statuses[status] += 1
            jar = SimpleCookie()
            for c in cookies:
                jar.load(c)
            if status != 200 or "sm_csrf" not in jar:
                return
            who.session = jar["sm_csrf"].value
            who.csrf = csrf_of(page.decode())
        for qid, value in who.plan:
            method, path, body, headers = self.answer_request(who, qid, value)
            who.sent[qid] = value
            t = time.perf_counter()
            status, _, _ = self.request(box, method, path, body, headers, who)
            who.latencies.append(time.perf_counter() - t)
            who.statuses[status] += 1
            if status == 200:
                who.acknowledged[qid] = value
                with self._lock:
                    self.answers_acknowledged += 1
        who.finished = True

    @staticmethod
    def answer_request(who: Respondent, qid: str, value: object):
        if who.via == "api":
            return ("PUT", f"/api/assessments/{who.token}/answers",
                    json.dumps({"answers": {qid: value}}).encode(),
                    {"content-type": "application/json"})
        values = value if isinstance(value, list) else [value]
        form = [("question", qid)] + [(qid, str(v)) for v in values]
        return ("POST", f"/a/{who.token}/answer", urlencode(form).encode(),
                {"content-type": "application/x-www-form-urlencoded", "hx-request": "true",
                 "x-csrf-token": who.csrf or "", "cookie": f"sm_csrf={who.session}"})

    def start(self) -> tuple[ThreadPoolExecutor, list]:
        pool = ThreadPoolExecutor(len(self.people), thread_name_prefix="respondent")
        return pool, [pool.submit(self.run_one, p) for p in self.people]


def total_answers(people: list[Respondent]) -> int:
    return sum(len(p.plan) for p in people)


def summary(people: list[Respondent], seconds: float) -> str:
    latencies = sorted(t for p in people for t in p.latencies)
    statuses = sum((p.statuses for p in people), Counter())
    errors = sum((p.errors for p in people), Counter())
    acked = sum(len(p.acknowledged) - 1 for p in people if p.token)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    return (f"{acked} answers acknowledged in {seconds:.1f} s "
            f"({acked / seconds:.0f}/s); latency median "
            f"{statistics.median(latencies) * 1000 if latencies else float('nan'):.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms; statuses {dict(statuses)}; transport errors "
            f"{dict(errors)}; retries {sum(p.retries for p in people)}")


# -- checking -------------------------------------------------------------------------------------


def stored_answers(database_url: str, people: list[Respondent]) -> dict[str, dict]:
    """Each respondent's answers as a fresh engine (another connection, this process) reads
    them."""
    engine = make_engine(database_url)
    try:
        store = AssessmentStore(engine)
        return {p.token: store.answers(p.token) for p in people if p.token}
    finally:
        engine.dispose()


def served_answers(base_url: str, people: list[Respondent]) -> dict[str, dict]:
    """Each respondent's answers as ``GET /api/assessments/{token}`` gives them."""
    limits = httpx.Limits(max_connections=VERIFY_THREADS)
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT, limits=limits) as client:
        def one(p: Respondent) -> tuple[str, dict]:
            res = client.get(f"/api/assessments/{p.token}")
            assert res.status_code == 200, (p.number, res.status_code, res.text[:300])
            body = res.json()
            return p.token, {**body["profile"], **body["answers"]}

        with ThreadPoolExecutor(VERIFY_THREADS) as pool:
            return dict(pool.map(one, [p for p in people if p.token]))


def lost_and_unexpected(people: list[Respondent], stored: dict[str, dict]):
    """Acknowledged answers not stored (or stored with another value), and stored answers
    that were never sent."""
    lost, unexpected = [], []
    for p in people:
        if not p.token:
            continue
        have = stored[p.token]
        lost += [(p.number, p.via, q, v, have.get(q)) for q, v in p.acknowledged.items()
                 if have.get(q) != v]
        unexpected += [(p.number, p.via, q, v, p.sent.get(q)) for q, v in have.items()
                       if q not in p.sent or p.sent[q] != v]
    return lost, unexpected


def workers(database_url: str) -> int:
    return 1 if database_url.startswith("sqlite") else 2


def log_tail(path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


@pytest.fixture(scope="module")
def instrument():
    return bundled_instrument()


# -- the tests ------------------------------------------------------------------------------------


def test_every_acknowledged_answer_is_stored(database_url, instrument, tmp_path):
    people = respondents(instrument)
    log = tmp_path / "server.log"
    server = Server(database_url, workers=workers(database_url), log=log).start()
    try:
        load = Load(server.port, people)
        started = time.monotonic()
        pool, futures = load.start()
        for f in futures:
            f.result(timeout=LOAD_DEADLINE + REQUEST_TIMEOUT)
        pool.shutdown()
        took = time.monotonic() - started
        print(f"\n[{database_url.split(':')[0]}] {summary(people, took)}")

        statuses = sum((p.statuses for p in people), Counter())
        unfinished = [p.number for p in people if not p.finished]
        assert not unfinished and set(statuses) <= {200, 201}, (
            f"not every request succeeded: {summary(people, took)}; unfinished respondents "
            f"{unfinished[:20]}\n--- server log ---\n{log_tail(log)}")
        assert load.answers_acknowledged == total_answers(people)

        # Committed: visible to another connection while the server still runs.
        stored = stored_answers(database_url, people)
        lost, unexpected = lost_and_unexpected(people, stored)
        assert not lost, f"{len(lost)} acknowledged answers not stored, e.g. {lost[:5]}"
        assert not unexpected, f"{len(unexpected)} stored answers never sent: {unexpected[:5]}"
        assert all(len(a) == ANSWERS_EACH + 1 for a in stored.values())  # + organization
        assert served_answers(server.url, people) == stored
    finally:
        server.stop()
    assert "Traceback" not in log.read_text(errors="replace"), log_tail(log)


def test_acknowledged_answers_survive_sigkill(database_url, instrument, tmp_path):
    people = respondents(instrument)
    total = total_answers(people)
    log = tmp_path / "server.log"
    server = Server(database_url, workers=workers(database_url), log=log).start()
    restarted = None
    try:
        load = Load(server.port, people)
        started = time.monotonic()
        pool, futures = load.start()
        while (load.answers_acknowledged < KILL_AT * total
               and not all(f.done() for f in futures)
               and time.monotonic() < load.deadline):
            time.sleep(0.005)
        load.killed.set()
        server.kill()
        acknowledged_at_kill = load.answers_acknowledged
        killed_after = time.monotonic() - started
        for f in futures:
            f.result(timeout=2 * REQUEST_TIMEOUT)
        pool.shutdown()
        print(f"\n[{database_url.split(':')[0]}] SIGKILL after {killed_after:.1f} s at "
              f"{acknowledged_at_kill}/{total} acknowledged; {summary(people, killed_after)}")
        assert KILL_AT * total <= acknowledged_at_kill < total, (
            f"the kill did not land mid-run: {acknowledged_at_kill}/{total} acknowledged; "
            f"{summary(people, killed_after)}\n--- server log ---\n{log_tail(log)}")
        assert sum(not p.finished for p in people) > 0

        # Directly from the database the dead server wrote to.
        stored = stored_answers(database_url, people)
        lost, unexpected = lost_and_unexpected(people, stored)
        assert not lost, f"{len(lost)} acknowledged answers lost by the kill, e.g. {lost[:5]}"
        assert not unexpected, f"{len(unexpected)} stored answers never sent: {unexpected[:5]}"
        in_flight = sum(len(stored[p.token]) - len(p.acknowledged) for p in people if p.token)
        print(f"stored but not acknowledged (response lost in the kill): {in_flight}")

        # Through a server restarted on the same database; then everyone finishes.
        restarted = Server(database_url, workers=workers(database_url), log=log).start()
        assert served_answers(restarted.url, people) == stored
        limits = httpx.Limits(max_connections=VERIFY_THREADS)
        with httpx.Client(base_url=restarted.url, timeout=REQUEST_TIMEOUT,
                          limits=limits) as client:
            def finish(p: Respondent) -> None:
                if p.token is None:  # the kill cut off its very first request
                    res = client.post("/api/assessments", json={
                        "organization": p.organization, "language": "en"})
                    assert res.status_code == 201, res.text
                    p.token = res.json()["token"]
                rest = {q: v for q, v in p.plan if q not in stored.get(p.token, {})}
                res = client.put(f"/api/assessments/{p.token}/answers",
                                 json={"answers": rest})
                assert res.status_code == 200, (p.number, res.status_code, res.text[:300])
                p.sent.update(rest)
                p.acknowledged.update(rest)
                p.sent["organization"] = p.acknowledged["organization"] = p.organization

            with ThreadPoolExecutor(VERIFY_THREADS) as pool:
                list(pool.map(finish, people))
        stored = stored_answers(database_url, people)
        assert lost_and_unexpected(people, stored) == ([], [])
        assert all(len(a) == ANSWERS_EACH + 1 for a in stored.values())
    finally:
        server.kill()
        if restarted is not None:
            restarted.stop()
    assert "Traceback" not in log.read_text(errors="replace"), log_tail(log)
