"""Rendering targets: a new PDF report and the results page's first view, one worker on loopback.

Targets (issue 9, one ``socialmaturity serve --workers 1`` process, SQLite in a temp dir):
- a new PDF report (``GET /a/{token}/report.pdf`` of an assessment whose PDF was not made
  before): ≤ 40 ms, median;
- the results page, first view (``GET /a/{token}/result`` of an assessment whose page was not
  rendered before): ≤ 8 ms of server CPU, median.

How: ``--calls`` complete assessments (random valid answers, like ``bench_web.py``), plus 5 for
warm-up (templates, fonts, peer-group statistics). Each timed request is the first of its kind
for its assessment, one after another with ``httpx``; the PDFs are of assessments whose results
page was viewed first (like ``bench_web.py`` (c)), the pages of fresh ones. Next to the wall
time, the server process's CPU time for that one request (all its threads, in nanoseconds
from ``/proc/<pid>/task/*/schedstat``; where a kernel lacks it, ``/proc/<pid>/stat`` in clock
ticks of 10 ms, and then only the mean of many requests says something): other load on the
machine changes CPU time much less than latencies.

Run alone: ``.venv/bin/python benchmarks/bench_render.py [--calls 40]``.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

import httpx

from _common import Report, median, percentile
from bench_web import SEED, Served, complete_answers, create, server
from socialmaturity.instrument.loader import bundled_instrument

PDF_TARGET_MS = 40
PAGE_TARGET_CPU_MS = 8


def timed(client: httpx.Client, srv: Served, path: str, kind: bytes | str) -> tuple[float, float]:
    """Wall and server CPU milliseconds of one GET, checked to give what was asked for."""
    threads, ticks = srv.threads_cpu(), srv.cpu_seconds()
    t = time.perf_counter()
    res = client.get(path, headers={"Accept": "text/html"})
    wall = (time.perf_counter() - t) * 1000
    cpu = srv.cpu_since(threads, ticks) * 1000
    ok = res.content.startswith(kind) if isinstance(kind, bytes) else kind in res.text
    if res.status_code != 200 or not ok:
        raise SystemExit(f"{path}: {res.status_code} {res.text[:300]}")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    inst = bundled_instrument()
    report = Report("Rendering targets - one worker on loopback")
    report.info("machine at start", f"{os.cpu_count()} CPUs, load average "
                                    f"{os.getloadavg()[0]:.2f}")
    rng = random.Random(SEED + 9)
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp, \
            server("sqlite:///" + str(Path(tmp, "bench.sqlite")), Path(tmp, "log")) as srv, \
            httpx.Client(base_url=srv.base, timeout=60) as client:
        warm = [create(client, complete_answers(inst, rng)) for _ in range(5)]
        pdfs = [create(client, complete_answers(inst, rng)) for _ in range(args.calls)]
        pages = [create(client, complete_answers(inst, rng)) for _ in range(args.calls)]
        for token in warm:
            timed(client, srv, f"/a/{token}/result", "<svg")
            timed(client, srv, f"/a/{token}/report.pdf", b"%PDF")
        for token in pdfs:
            timed(client, srv, f"/a/{token}/result", "<svg")
        pdf = [timed(client, srv, f"/a/{token}/report.pdf", b"%PDF") for token in pdfs]
        page = [timed(client, srv, f"/a/{token}/result", "<svg") for token in pages]

    pdf_wall, pdf_cpu = [w for w, _ in pdf], [c for _, c in pdf]
    page_wall, page_cpu = [w for w, _ in page], [c for _, c in page]
    report.check(f"new PDF report median ms ({len(pdf)} reports)",
                 f"{median(pdf_wall):.1f} ms (p95 {percentile(pdf_wall, 95):.0f}; server CPU "
                 f"{median(pdf_cpu):.0f} ms)", f"<= {PDF_TARGET_MS} ms",
                 median(pdf_wall) <= PDF_TARGET_MS)
    report.check(f"results page first view CPU ms ({len(page)} pages)",
                 f"{median(page_cpu):.1f} ms median, mean {sum(page_cpu) / len(page_cpu):.1f} "
                 f"(wall median {median(page_wall):.1f} ms)", f"<= {PAGE_TARGET_CPU_MS} ms",
                 median(page_cpu) <= PAGE_TARGET_CPU_MS)
    report.info("machine at end", f"load average {os.getloadavg()[0]:.2f}")
    report.print()
    report.save()


if __name__ == "__main__":
    main()
