"""Web targets: the results page, saving an answer and the PDF report, one worker on loopback.

Targets (one ``socialmaturity serve --workers 1`` process on 127.0.0.1, SQLite in a temp dir):
(a) results page ``GET /a/{token}/result`` (HTML): p95 ≤ 50 ms at ≥ 300 pages/s;
(b) saving an answer (``POST /a/{token}/answer``, the htmx endpoint): p95 ≤ 20 ms;
(c) a PDF report ``GET /a/{token}/report.pdf``: ≤ 300 ms, median of 20 after warm-up.

How:
- Data: 20 complete assessments (random valid answers, profiles spread over sectors, sizes and
  regions) for the results page and the PDF; 50 started ones whose answers are saved over and
  over, rotating over assessments, the 48 scored questions and their options.
- Load tool: ``wrk`` (Debian: ``apt-get install -y wrk``), 2 threads, 16 connections,
  ``--duration`` seconds a phase (10 by default, at most 30), with a generated Lua script that
  rotates over the requests and prints the latency percentiles in its ``done`` callback; wrk's
  own output is printed as it is. Each of (a) and (b) runs twice: flat out ("throughput", a
  closed loop: latency there includes queueing for the one worker) and paced at an offered
  rate (the Lua ``delay`` hook keeps a schedule with LuaJIT's clock): (a) at 300 pages/s, the
  target's rate; (b) at 100 answers/s (200 respondents each answering every 2 s). The targets
  are checked on the paced runs, and (a) also needs ≥ 300 pages/s flat out. Answers are
  posted with one ``sm_csrf`` session cookie and its signed token in ``X-CSRF-Token`` (both
  from one ``GET /``, as a browser has them); for information the JSON API
  (``PUT /api/assessments/{token}/answers``) is measured the same way.
- Without wrk the phases run on a Python load loop (threads with ``httpx.Client``), said so
  in the output; its own overhead makes those latencies worse than wrk's.
- (c): 3 warm-up reports, then 20 reports one after another with ``httpx``, each of an
  assessment whose PDF was not made before (every respondent gets a report of their own); for
  information, one of them made again (Typst reuses its work for identical input, so a repeat
  is much faster and would flatter the figure).
- For scale, ``GET /healthz`` flat out: what any request costs in this server.
- Next to each phase: the server process's CPU time per request (``/proc/<pid>/stat`` before
  and after), a figure that other load on the machine changes much less than latencies.
- When PostgreSQL is reachable (``--postgres-url``, default ``$SOCIALMATURITY_TEST_POSTGRES_URL``
  or ``postgresql+psycopg://root@127.0.0.1:5432/test``), (b) again on a fresh PostgreSQL
  database made for the run and dropped after it.

Figures, not asserts: prints ok / MISSED next to each target. The machine's load average and
the share of a CPU a busy loop gets are printed at the start and the end: other processes on
the same CPUs slow every figure.

Run alone: ``.venv/bin/python benchmarks/bench_web.py [--duration 10] [--no-postgres]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from _common import Report, median, percentile
from socialmaturity.instrument.loader import bundled_instrument
from socialmaturity.instrument.model import Instrument, Question

THREADS = 2
CONNECTIONS = 16
RESULT_RATE = 300  # pages/s, target (a)
ANSWER_RATE = 100  # answers/s offered in (b)
DEFAULT_POSTGRES = "postgresql+psycopg://root@127.0.0.1:5432/test"
SEED = 11

# -- data -----------------------------------------------------------------------------------------


def answer_for(inst: Instrument, q: Question, rng: random.Random) -> object:
    if q.type == "numeric":
        return float(rng.randint(0, 100))
    options = inst.index.options[q.id]
    if q.type == "multi":
        normal = [o.key for o in options if not o.exclusive]
        picked = set(rng.sample(normal, rng.randint(1, len(normal))))
        return [o.key for o in options if o.key in picked]
    return rng.choice(options).key


def complete_answers(inst: Instrument, rng: random.Random) -> dict:
    profile = {q.id: rng.choice(inst.index.options[q.id]).key
               for q in inst.profile if q.required and q.type == "single"}
    answers = {q.id: answer_for(inst, q, rng) for q in [*inst.scored_questions, *inst.outcomes]}
    return {"organization": f"Bench {rng.randint(1, 10**6)}", "profile": profile,
            "answers": answers}


def create(client: httpx.Client, body: dict) -> str:
    res = client.post("/api/assessments", json=body)
    if res.status_code != 201:
        raise SystemExit(f"creating an assessment failed: {res.status_code} {res.text[:300]}")
    return res.json()["token"]


def csrf_session(client: httpx.Client) -> tuple[str, str]:
    """A browser's CSRF session: the ``sm_csrf`` cookie and the signed token of its page."""
    import re

    page = client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if "sm_csrf" not in page.cookies or token is None:
        raise SystemExit("GET / gave no CSRF session")
    return page.cookies["sm_csrf"], token.group(1)


def answer_requests(inst: Instrument, tokens: list[str], count: int, via: str,
                    rng: random.Random, csrf: tuple[str, str] = ("", "")
                    ) -> list[tuple[str, str, str, dict[str, str]]]:
    """(method, path, body, headers) saving one answer each, rotating over everything."""
    out = []
    scored = inst.scored_questions
    for i in range(count):
        token = tokens[i % len(tokens)]
        q = scored[(i // len(tokens)) % len(scored)]
        value = answer_for(inst, q, rng)
        if via == "api":
            out.append(("PUT", f"/api/assessments/{token}/answers",
                        json.dumps({"answers": {q.id: value}}),
                        {"Content-Type": "application/json"}))
        else:
            values = value if isinstance(value, list) else [value]
            body = urlencode([("question", q.id)] + [(q.id, str(v)) for v in values])
            out.append(("POST", f"/a/{token}/answer", body,
                        {"Content-Type": "application/x-www-form-urlencoded",
                         "Cookie": f"sm_csrf={csrf[0]}", "X-CSRF-Token": csrf[1],
                         "HX-Request": "true"}))
    return out


# -- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A running server: its base URL and process (one worker: uvicorn runs in it)."""

    def __init__(self, base: str, pid: int):
        self.base = base
        self.pid = pid

    def cpu_seconds(self) -> float:
        """CPU time (user + system, all threads, the exited ones included) the server process
        has used so far, in clock ticks of 10 ms: for long windows."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def threads_cpu(self) -> dict[str, int]:
        """Each live thread's CPU time so far in nanoseconds (``schedstat``); empty where the
        kernel has no schedstat."""
        times = {}
        for f in Path(f"/proc/{self.pid}/task").glob("*/schedstat"):
            try:
                times[f.parent.name] = int(f.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue  # the thread ended meanwhile
        return times

    def cpu_since(self, before: dict[str, int], ticks: float) -> float:
        """The server's CPU seconds since ``before`` (:meth:`threads_cpu`): per thread,
        threads started since counted whole (one that ended meanwhile loses its last
        part); without schedstat, since ``ticks`` (:meth:`cpu_seconds`)."""
        if not before:
            return self.cpu_seconds() - ticks
        now = self.threads_cpu()
        return sum(ns - before.get(tid, 0) for tid, ns in now.items()) / 1e9


@contextmanager
def server(database_url: str, log: Path) -> Iterator[Served]:
    """``socialmaturity serve --workers 1`` on a free port."""
    port = free_port()
    env = {**os.environ, "SOCIALMATURITY_DATABASE_URL": database_url}
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "socialmaturity", "serve", "--port", str(port),
             "--workers", "1"], env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited with {proc.returncode}; see {log}:\n"
                                 + log.read_text(errors="replace")[-2000:])
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start within 60 s")
            time.sleep(0.2)
        yield Served(base, proc.pid)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


@contextmanager
def postgres_database(server_url: str) -> Iterator[str | None]:
    """A new PostgreSQL database on ``server_url`` for this run (dropped after it), or None
    when the server cannot be reached."""
    try:
        admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as e:  # noqa: BLE001 - any failure means: no PostgreSQL figures
        print(f"\nPostgreSQL not reachable at {make_url(server_url).render_as_string()} "
              f"({type(e).__name__}): skipping its figures. Start it with `pg_ctlcluster "
              f"--skip-systemctl-redirect $(ls /etc/postgresql) main start`.")
        yield None
        return
    name = "sm_bench_" + secrets.token_hex(6)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- load: wrk ------------------------------------------------------------------------------------

LUA = r"""
-- generated by benchmarks/bench_web.py
local items = {
%(items)s
}
local rate = %(rate)s  -- requests/s over all threads; 0 = as fast as possible
local threads = %(threads)d
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local prepared, n, i = {}, 0, 0

function init(args)
  for k, it in ipairs(items) do
    prepared[k] = wrk.format(it[1], it[2], it[4], it[3])
  end
  n = #prepared
  i = (id * 7919) %% n
end

function request()
  i = i %% n + 1
  return prepared[i]
end

if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clk, bench_timespec *tp);
  ]]
  local ts = ffi.new("bench_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local interval = threads * 1000 / rate  -- this thread's share of the schedule
  local slot = nil
  function delay()
    local t = now_ms()
    if slot == nil then slot = t end
    slot = math.max(slot + interval, t - interval)  -- late: catch up one slot, no burst
    return math.max(0, slot - t)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\"requests\": %%d, \"duration_us\": %%d, \"p50_us\": %%d, \"p95_us\": %%d, " ..
    "\"p99_us\": %%d, \"max_us\": %%d, \"connect\": %%d, \"read\": %%d, \"write\": %%d, " ..
    "\"status\": %%d, \"timeout\": %%d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def lua_string(s: str) -> str:
    if not s.isascii():
        raise ValueError(f"not ASCII: {s!r}")
    return json.dumps(s)  # a JSON string of ASCII text is a valid Lua string literal


def lua_script(requests: list[tuple[str, str, str, dict[str, str]]], rate: float) -> str:
    rows = []
    for method, path, body, headers in requests:
        head = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
        rows.append(f"  {{{lua_string(method)}, {lua_string(path)}, "
                    f"{lua_string(body) if body else 'nil'}, {{{head}}}}},")
    return LUA % {"items": "\n".join(rows), "rate": rate, "threads": THREADS}


class Figures(dict):
    """requests, seconds, rate (/s), p50/p95/p99/max (ms), errors, non_2xx."""


def run_wrk(base: str, requests, duration: int, rate: float, title: str,
            workdir: Path) -> Figures:
    script = workdir / f"wrk-{re.sub(r'[^a-z0-9]+', '-', title.lower())}.lua"
    script.write_text(lua_script(requests, rate))
    cmd = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency",
           "--timeout", "10s", "-s", str(script), base]
    print(f"\n--- {title}\n$ {' '.join(cmd)}", flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    found = None
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            found = json.loads(line.removeprefix("BENCH_JSON "))
        else:
            print("  " + line)
    if proc.returncode != 0 or found is None:
        print(proc.stderr)
        raise SystemExit(f"wrk failed (exit {proc.returncode})")
    seconds = found["duration_us"] / 1e6
    errors = sum(found[k] for k in ("connect", "read", "write", "timeout"))
    return Figures(requests=found["requests"], seconds=seconds,
                   rate=found["requests"] / seconds, p50=found["p50_us"] / 1000,
                   p95=found["p95_us"] / 1000, p99=found["p99_us"] / 1000,
                   max=found["max_us"] / 1000, errors=errors, non_2xx=found["status"])


# -- load: the Python fallback --------------------------------------------------------------------


def run_python(base: str, requests, duration: int, rate: float, title: str,
               workdir: Path) -> Figures:
    """The same phase without wrk: CONNECTIONS threads, each with an httpx.Client."""
    print(f"\n--- {title}\n(fallback: Python httpx load loop, {CONNECTIONS} connections, "
          f"{duration} s{f', paced at {rate:g}/s' if rate else ''}; wrk is not installed)",
          flush=True)
    latencies: list[float] = []
    counts = {"errors": 0, "non_2xx": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + duration
    interval = CONNECTIONS / rate if rate else 0.0

    def worker(k: int) -> None:
        mine: list[float] = []
        errors = non_2xx = 0
        slot = time.monotonic() + k * interval / CONNECTIONS
        with httpx.Client(base_url=base, timeout=10) as client:
            i = k * 7919
            while True:
                if interval:
                    slot = max(slot + interval, time.monotonic() - interval)
                    time.sleep(max(0.0, slot - time.monotonic()))
                if time.monotonic() >= stop_at:
                    break
                method, path, body, headers = requests[i % len(requests)]
                i += 1
                t = time.perf_counter()
                try:
                    res = client.request(method, path, content=body or None, headers=headers)
                    mine.append(time.perf_counter() - t)
                    non_2xx += not 200 <= res.status_code < 400
                except httpx.HTTPError:
                    errors += 1
        with lock:
            latencies.extend(mine)
            counts["errors"] += errors
            counts["non_2xx"] += non_2xx

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - started
    ms = [x * 1000 for x in latencies] or [float("nan")]
    figures = Figures(requests=len(latencies), seconds=seconds, rate=len(latencies) / seconds,
                      p50=percentile(ms, 50), p95=percentile(ms, 95), p99=percentile(ms, 99),
                      max=max(ms), **counts)
    print(f"  {figures['requests']} requests in {seconds:.2f}s: {figures['rate']:.1f}/s; "
          f"latency p50 {figures['p50']:.2f} ms, p95 {figures['p95']:.2f} ms, p99 "
          f"{figures['p99']:.2f} ms, max {figures['max']:.1f} ms; errors {counts['errors']}, "
          f"non-2xx/3xx {counts['non_2xx']}")
    return figures


def describe(f: Figures) -> str:
    problems = ""
    if f["errors"] or f["non_2xx"]:
        problems = f"; {f['errors']} socket errors, {f['non_2xx']} non-2xx/3xx"
    return (f"{f['rate']:.0f}/s, p50 {f['p50']:.1f} ms, p95 {f['p95']:.1f} ms, "
            f"p99 {f['p99']:.1f} ms; server CPU {f['cpu_ms']:.1f} ms/request{problems}")


def clean(f: Figures) -> bool:
    return not f["errors"] and not f["non_2xx"]


def cpu_share(seconds: float = 0.5) -> float:
    """The share of one CPU a busy loop in this process gets: about 1.0 on an idle machine,
    less when other processes compete for the CPUs."""
    wall, cpu = time.perf_counter(), time.process_time()
    x = 0
    while time.perf_counter() - wall < seconds:
        for i in range(10_000):
            x += i
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


# -- the phases -----------------------------------------------------------------------------------


class Phases:
    """Runs load phases against one server with wrk (or the fallback) and measures the server
    process's CPU time per request alongside."""

    def __init__(self, run, duration: int, workdir: Path):
        self.run = run
        self.duration = duration
        self.workdir = workdir

    def __call__(self, srv: Served, requests, rate: float, title: str) -> Figures:
        cpu = srv.cpu_seconds()
        figures = self.run(srv.base, requests, self.duration, rate, title, self.workdir)
        figures["cpu_ms"] = (srv.cpu_seconds() - cpu) * 1000 / max(1, figures["requests"])
        print(f"  => {describe(figures)}")
        return figures


def results_page(report: Report, phase: Phases, srv: Served, tokens: list[str]) -> None:
    pages = [("GET", f"/a/{t}/result", "", {"Accept": "text/html"}) for t in tokens]
    flat = phase(srv, pages, 0, "SQLite: results page, flat out")
    paced = phase(srv, pages, RESULT_RATE, f"SQLite: results page, paced at {RESULT_RATE}/s")
    report.check("(a) results page: pages/s flat out", describe(flat),
                 f">= {RESULT_RATE} pages/s", flat["rate"] >= RESULT_RATE and clean(flat))
    report.check(f"(a) results page: p95 at {RESULT_RATE} pages/s offered",
                 f"{paced['p95']:.1f} ms ({describe(paced)})", "<= 50 ms",
                 paced["p95"] <= 50 and paced["rate"] >= 0.95 * RESULT_RATE and clean(paced))


def saving_answers(report: Report, phase: Phases, srv: Served, inst: Instrument, label: str,
                   with_api: bool) -> None:
    rng = random.Random(SEED + 1)
    with httpx.Client(base_url=srv.base, timeout=30) as client:
        tokens = [create(client, {"organization": f"Answers {i}"}) for i in range(50)]
        htmx = answer_requests(inst, tokens, 2000, "htmx", rng, csrf_session(client))
        api = answer_requests(inst, tokens, 2000, "api", rng)
        for method, path, body, headers in htmx[:20] + api[:20]:  # warm-up, and a check
            res = client.request(method, path, content=body, headers=headers)
            if res.status_code != 200 or "error" in res.text[:200]:
                raise SystemExit(f"saving an answer failed: {res.status_code} {res.text[:300]}")
    flat = phase(srv, htmx, 0, f"{label}: saving an answer (htmx), flat out")
    paced = phase(srv, htmx, ANSWER_RATE,
                  f"{label}: saving an answer (htmx), paced at {ANSWER_RATE}/s")
    report.info(f"(b) {label}: save answer (htmx), flat out", describe(flat))
    report.check(f"(b) {label}: save answer (htmx), p95 at {ANSWER_RATE}/s offered",
                 f"{paced['p95']:.1f} ms ({describe(paced)})", "<= 20 ms",
                 paced["p95"] <= 20 and paced["rate"] >= 0.95 * ANSWER_RATE and clean(paced))
    if with_api:
        api_paced = phase(srv, api, ANSWER_RATE,
                          f"{label}: saving an answer (JSON API), paced at {ANSWER_RATE}/s")
        report.info(f"(b) {label}: save answer (JSON API PUT), {ANSWER_RATE}/s offered",
                    describe(api_paced))


def pdf_reports(report: Report, srv: Served, tokens: list[str], calls: int) -> None:
    """3 warm-up reports, then ``calls`` reports never made before (each user gets one of
    their own), then one report made again (Typst reuses its work for identical input)."""
    print(f"\n--- (c) PDF report: GET /a/{{token}}/report.pdf, one after another: 3 warm-up, "
          f"{calls} timed (each a different assessment), 5 of an already-made one", flush=True)
    timed: list[float] = []
    again: list[float] = []
    with httpx.Client(base_url=srv.base, timeout=60) as client:
        plan = ([("warm-up", t) for t in tokens[:3]]
                + [("timed", t) for t in tokens[3:3 + calls]]
                + [("again", tokens[3])] * 5)
        for kind, token in plan:
            t = time.perf_counter()
            res = client.get(f"/a/{token}/report.pdf")
            took = (time.perf_counter() - t) * 1000
            if res.status_code != 200 or not res.content.startswith(b"%PDF"):
                raise SystemExit(f"PDF: {res.status_code} {res.text[:300]}")
            {"timed": timed, "again": again}.get(kind, []).append(took)
            print(f"  {kind:8} {took:7.1f} ms  {len(res.content) / 1024:.0f} kB")
    report.check(f"(c) PDF report, median of {len(timed)} after warm-up", f"{median(timed):.0f} ms"
                 f" (p95 {percentile(timed, 95):.0f}, max {max(timed):.0f})", "<= 300 ms",
                 median(timed) <= 300)
    report.info("(c) the same PDF made again, median of 5", f"{median(again):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10,
                        help="seconds per load phase (1-30, default 10)")
    parser.add_argument("--pdf-calls", type=int, default=20)
    parser.add_argument("--postgres-url", default=os.environ.get(
        "SOCIALMATURITY_TEST_POSTGRES_URL", "").strip() or DEFAULT_POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    duration = max(1, min(30, args.duration))

    inst = bundled_instrument()
    report = Report("Web targets - one worker on loopback")
    if shutil.which("wrk"):
        run = run_wrk
        tool = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        version = ((tool.stdout or tool.stderr).splitlines() or ["wrk"])[0].split(" [")[0]
        report.info("load tool", f"{version}, {THREADS} threads, {CONNECTIONS} connections, "
                                 f"{duration} s a phase")
    else:
        run = run_python
        print("wrk is not installed: install it with `apt-get install -y wrk` (Debian/Ubuntu) "
              "for the real figures. Falling back to a Python httpx load loop, whose own "
              "overhead inflates the latencies.")
        report.info("load tool", "FALLBACK Python httpx loop (wrk not installed: "
                                 "apt-get install -y wrk)")
    report.info("machine at start", f"{os.cpu_count()} CPUs, load average "
                                    f"{os.getloadavg()[0]:.2f}, a busy loop gets "
                                    f"{cpu_share():.0%} of a CPU")
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    report.info("server", f"socialmaturity serve --workers 1 (uvicorn, {loop} loop, "
                          f"{http} HTTP parser)")

    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        work = Path(tmp)
        phase = Phases(run, duration, work)
        with server("sqlite:///" + str(work / "bench.sqlite"), work / "sqlite.log") as srv:
            rng = random.Random(SEED)
            with httpx.Client(base_url=srv.base, timeout=60) as client:
                complete = [create(client, complete_answers(inst, rng))
                            for _ in range(max(20, 3 + args.pdf_calls))]
                for token in complete:  # warm-up: peer-group statistics, templates
                    res = client.get(f"/a/{token}/result")
                    if res.status_code != 200 or "text/html" not in res.headers["content-type"]:
                        raise SystemExit(f"result page: {res.status_code} {res.text[:300]}")
            floor = phase(srv, [("GET", "/healthz", "", {})], 0,
                          "SQLite: GET /healthz, flat out (what any request costs)")
            report.info("GET /healthz, flat out (the floor)", describe(floor))
            results_page(report, phase, srv, complete)
            saving_answers(report, phase, srv, inst, "SQLite", with_api=True)
            pdf_reports(report, srv, complete, args.pdf_calls)

        if not args.no_postgres:
            with postgres_database(args.postgres_url) as pg_url:
                if pg_url:
                    with server(pg_url, work / "postgresql.log") as srv:
                        saving_answers(report, phase, srv, inst, "PostgreSQL", with_api=False)

    report.info("machine at end", f"load average {os.getloadavg()[0]:.2f}, a busy loop gets "
                                  f"{cpu_share():.0%} of a CPU")
    report.print()
    report.save()


if __name__ == "__main__":
    main()
