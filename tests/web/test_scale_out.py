"""Scale-out: two server processes on one PostgreSQL database behave as one server.

Servers A and B (``socialmaturity serve``, separate processes, started at the same time so both
migrate at once) share a fresh PostgreSQL database. An assessment is created on A; the answers
of ``examples/answers.yaml`` are saved alternately through A (JSON API) and B (htmx endpoint,
with the CSRF cookie A handed out), and after every save the *other* server must already serve
every answer so far; the outcomes go in as a plain form post on B and the assessment is
completed on A. Both servers then give the same answers and the same result JSON (the score the
command line gives for that file); A is SIGKILLed and B alone still serves the result page and
the PDF, byte for byte the PDF A made. No session, cache or CSRF state lives in a process.

PostgreSQL only: SQLite is one file on one machine, not a database to scale out on.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml

from socialmaturity.instrument.loader import bundled_instrument

from .conftest import csrf_of
from .server import Server

EXAMPLE = yaml.safe_load((Path(__file__).parents[2] / "examples" / "answers.yaml").read_text())
EXAMPLE_SCORE = 45.0  # `socialmaturity score examples/answers.yaml`
TIMEOUT = 30.0


def form(answers: dict, **fields: str) -> dict[str, list[str] | str]:
    """Form fields for answers (a multi-select sends one field per ticked box) and more."""
    out: dict[str, list[str] | str] = {
        qid: [str(v) for v in (value if isinstance(value, list) else [value])]
        for qid, value in answers.items()}
    return {**out, **fields}


@pytest.mark.parametrize("backend", ["postgresql"])  # replaces the fixture's two backends
def test_two_servers_on_one_postgresql_database(backend, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("scale-out needs PostgreSQL")
    inst = bundled_instrument()
    outcome_ids = {q.id for q in inst.outcomes}
    scored = {k: v for k, v in EXAMPLE["answers"].items() if k not in outcome_ids}
    outcomes = {k: v for k, v in EXAMPLE["answers"].items() if k in outcome_ids}
    assert len(scored) == len(inst.scored_questions) == 48

    servers = [Server(database_url, log=tmp_path / f"server-{n}.log") for n in "ab"]
    with ThreadPoolExecutor(2) as pool:
        starting = [pool.submit(s.start) for s in servers]
        errors = [f.exception() for f in starting]
    a, b = servers
    try:
        assert errors == [None, None], errors
        with (httpx.Client(base_url=a.url, timeout=TIMEOUT) as on_a,
              httpx.Client(base_url=b.url, timeout=TIMEOUT) as on_b):
            run(on_a, on_b, a, scored, outcomes)
    finally:
        for s in servers:
            s.stop()
    for s in servers:
        assert "Traceback" not in s.log.read_text(errors="replace"), s.log.read_text()


def run(on_a: httpx.Client, on_b: httpx.Client, a: Server, scored: dict, outcomes: dict):
    # The CSRF session and its signed token come from A; B accepts them (the signing key is
    # kept in the shared database: nothing stored per process).
    page = on_a.get("/")
    assert page.status_code == 200
    csrf = csrf_of(page.text)
    on_b.cookies.set("sm_csrf", on_a.cookies["sm_csrf"])

    res = on_a.post("/api/assessments", json={"language": "nl", "profile": EXAMPLE["profile"]})
    assert res.status_code == 201, res.text
    token = res.json()["token"]
    expected = {**EXAMPLE["profile"]}

    def served(client: httpx.Client) -> dict:
        res = client.get(f"/api/assessments/{token}")
        assert res.status_code == 200, res.text
        body = res.json()
        return {**body["profile"], **body["answers"]}

    assert served(on_b) == expected  # created on A, known to B at once

    for i, (qid, value) in enumerate(scored.items()):
        if i % 2 == 0:  # A, through the JSON API
            res = on_a.put(f"/api/assessments/{token}/answers", json={"answers": {qid: value}})
            assert res.status_code == 200, res.text
            other = on_b
        else:  # B, through the htmx endpoint
            res = on_b.post(f"/a/{token}/answer", data=form({qid: value}, question=qid),
                            headers={"x-csrf-token": csrf, "hx-request": "true"})
            assert res.status_code == 200 and "error" not in res.text, res.text
            other = on_a
        expected[qid] = value
        assert served(other) == expected, f"after saving {qid!r} the other server differs"

    # The outcomes: one plain form post of the whole section on B.
    res = on_b.post(f"/a/{token}/s/outcomes", data=form(outcomes, csrf_token=csrf, go="review"),
                    follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].endswith("/review"), res.text
    expected.update(outcomes)

    # Completed on A, seen as completed by B.
    res = on_a.post(f"/a/{token}/complete", data={"csrf_token": csrf}, follow_redirects=False)
    assert res.status_code == 303, res.text

    both = [on_a.get(f"/api/assessments/{token}").json(),
            on_b.get(f"/api/assessments/{token}").json()]
    assert both[0] == both[1]
    assert both[1]["status"] == "completed" and both[1]["missing"] == []
    assert both[1]["language"] == "nl" and {**both[1]["profile"], **both[1]["answers"]} == expected

    results = [client.get(f"/api/assessments/{token}/result") for client in (on_a, on_b)]
    assert [r.status_code for r in results] == [200, 200]
    assert results[0].json() == results[1].json()
    assert results[1].json()["overall"]["score"] == EXAMPLE_SCORE
    as_json = on_b.get(f"/a/{token}/result", headers={"accept": "application/json"})
    assert as_json.json() == results[0].json()

    pdf_from_a = on_a.get(f"/api/assessments/{token}/report.pdf")
    assert pdf_from_a.status_code == 200 and pdf_from_a.content.startswith(b"%PDF")

    a.kill()  # B alone from here on
    page = on_b.get(f"/a/{token}/result")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert expected["organization"] in page.text and f"/a/{token}/report.pdf" in page.text
    pdf = on_b.get(f"/a/{token}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and pdf.content == pdf_from_a.content
