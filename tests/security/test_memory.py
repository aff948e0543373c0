"""Item 1 of issue 8: the PDF could exhaust the server's memory.

Before: ``profile.organization`` took ~64 kB through the API, and every PDF of a new long name
added about 500 MB to the server and kept it. Now every text field is limited by its question's
``max_length`` on every way in, and twenty PDFs of different, maximal names add at most 250 MB
to the server process (a real ``socialmaturity serve``) and leave it under 500 MB RSS.

The growth is the budget that matters (the compilers' caches, bounded by Typst's eviction): the
size of a started server is its imports and the demo panel (about 110 MB: the demo panel is
made from numpy columns, without pandas and pyarrow, which took it to 190 MB).
"""

from __future__ import annotations

import random
import string
from pathlib import Path

import httpx
import yaml

from socialmaturity.instrument.loader import bundled_instrument
from tests.web.server import running

EXAMPLE = yaml.safe_load((Path(__file__).parents[2] / "examples" / "answers.yaml").read_text())
LIMIT_MB = 500
GROWTH_MB = 250


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the uvicorn server and any helper)."""
    import subprocess

    out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(pid), "-p", str(pid)],
                         capture_output=True, text=True).stdout
    return sum(int(x) for x in out.split()) / 1024


def test_twenty_pdfs_with_maximal_fields_grow_the_server_by_at_most_250_mb(tmp_path):
    inst = bundled_instrument()
    org_limit = inst.index.questions["organization"].text_limit
    country_limit = inst.index.questions["country"].text_limit
    rng = random.Random(8)
    with running(f"sqlite:///{tmp_path / 'm.sqlite'}", log=tmp_path / "server.log") as server, \
            httpx.Client(base_url=server.url, timeout=120) as client:
        # the attack: a 64 kB name in profile.organization is refused, with the field named
        res = client.post("/api/assessments", json={
            "profile": {**EXAMPLE["profile"], "organization": "A" * 60_000},
            "answers": EXAMPLE["answers"]})
        assert res.status_code == 422, res.text
        assert res.json()["detail"][0]["field"] == "organization"
        assert "at most 200" in res.json()["detail"][0]["message"]
        started = rss_mb(server.process.pid)
        peak = 0.0
        for i in range(20):
            name = "".join(rng.choice(string.ascii_letters + " é漢") for _ in range(org_limit))
            country = "".join(rng.choice(string.ascii_letters) for _ in range(country_limit))
            res = client.post("/api/assessments", json={
                "organization": name,
                "profile": {**EXAMPLE["profile"], "organization": name, "country": country},
                "answers": EXAMPLE["answers"]})
            assert res.status_code == 201, res.text
            token = res.json()["token"]
            pdf = client.get(f"/api/assessments/{token}/report.pdf",
                             params={"lang": "nl" if i % 2 else "en"})
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
            peak = max(peak, rss_mb(server.process.pid))
            if i == 0:
                first = peak
        print(f"RSS started {started:.0f} MB, after the first PDF {first:.0f} MB, "
              f"peak after 20 PDFs {peak:.0f} MB")
        assert peak - started < GROWTH_MB, f"server grew from {started:.0f} to {peak:.0f} MB"
        assert peak < LIMIT_MB, f"server grew to {peak:.0f} MB"
