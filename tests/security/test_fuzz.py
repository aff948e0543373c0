"""Hypothesis throws random bytes, random YAML and random JSON at ``score``, ``score
--batch``, ``research import`` and every route of the web app: no traceback, no 500, every
command exits 0 or 2. Example counts are modest so the suite stays fast; raise
``FUZZ_EXAMPLES`` to run longer, set ``FUZZ_RANDOM`` for new examples each run."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialmaturity.cli import cli
from socialmaturity.core.settings import Settings
from socialmaturity.instrument.loader import bundled_instrument
from socialmaturity.web.app import create_app

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                derandomize="FUZZ_RANDOM" not in os.environ,
                suppress_health_check=list(HealthCheck))
INST = bundled_instrument()
QUESTION_IDS = list(INST.index.questions)
EXAMPLE = yaml.safe_load((Path(__file__).parents[2] / "examples" / "answers.yaml").read_text())

# -- generators -------------------------------------------------------------------------------

text = st.text(st.characters(codec="utf-8") | st.sampled_from(["\ud800", "\x00"]),
               max_size=40) | st.sampled_from(["=1+1", "-", "@x", "\tx", "&a", "*a",
                                               "!!binary", "<<", "9" * 5001, "x" * 300])
keys = st.sampled_from(QUESTION_IDS + ["profile", "answers", "instrument"]) | text
scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | text | st.sampled_from(["dont-know", "not-applicable", "technology", "emea"]))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5)
                           | st.dictionaries(keys, inner, max_size=6), max_leaves=30)
documents = st.fixed_dictionaries(
    {}, optional={"profile": st.dictionaries(keys, json_values, max_size=6)
                  | st.just(EXAMPLE["profile"]),
                  "answers": st.dictionaries(keys, json_values, max_size=8)
                  | st.just(EXAMPLE["answers"]),
                  "instrument": scalars}) | json_values
yaml_noise = st.lists(st.sampled_from(list("&*!<>:{}[]-?|#'\"\n ,%@`=~") + ["a", "1", "  ",
                                                                          "!!binary ", "<<: "]),
                     max_size=60).map("".join)


def yaml_text(data) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True)
    except (yaml.YAMLError, UnicodeEncodeError, RecursionError):
        return "{}"


def json_text(data) -> str:
    return json.dumps(data)  # NaN, Infinity and "\ud800" escapes included


files = st.one_of(st.binary(max_size=400), documents.map(yaml_text), documents.map(json_text),
                  yaml_noise, st.just(yaml_text(EXAMPLE)).map(lambda t: t + "\n") | text)


def as_bytes(content) -> bytes:
    if isinstance(content, bytes):
        return content
    return content.encode("utf-8", "surrogatepass")


def cli_ok(*args) -> None:
    res = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert res.exit_code in (0, 2), (res.exit_code, res.output[-1000:])
    assert "Traceback" not in res.output


# -- the command line -------------------------------------------------------------------------


@FUZZ
@given(content=files, suffix=st.sampled_from([".yaml", ".json", ".yml"]))
def test_score_survives_any_file(content, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"answers{suffix}"
        path.write_bytes(as_bytes(content))
        cli_ok("score", path)


header = ["sector", "size", "region"] + [q.id for q in INST.scored_questions]
csv_cells = st.sampled_from(["", "technology", "1000-9999", "emea", "dont-know", "3", "-1",
                             "nan", "inf", "1e999", "=1+1", '"', "a;b", "\ud800"]) | text


@FUZZ
@given(rows=st.lists(st.lists(csv_cells, min_size=0, max_size=len(header) + 2), max_size=4),
       raw=st.binary(max_size=300), use_raw=st.booleans())
def test_score_batch_survives_any_csv(rows, raw, use_raw):
    import csv
    import io

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        if use_raw:
            path.write_bytes(raw)
        else:
            buffer = io.StringIO()
            csv.writer(buffer).writerows([header] + rows)
            path.write_bytes(as_bytes(buffer.getvalue()))
        cli_ok("score", "--batch", path, "--output", Path(folder) / "out.csv")


@FUZZ
@given(content=st.binary(max_size=600) | yaml_noise.map(str.encode) | st.lists(
    st.lists(csv_cells, max_size=6), max_size=5).map(
        lambda rows: as_bytes("\n".join(",".join(r) for r in rows))),
    suffix=st.sampled_from([".csv", ".xlsx", ".sav", ".txt"]),
    layout=st.sampled_from([None, "qualtrics", "surveymonkey", "google-forms", "plain"]))
def test_research_import_survives_any_file(content, suffix, layout):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(content)
        extra = ["--layout", layout] if layout else []
        cli_ok("research", "import", path, *extra, "--output", Path(folder) / "t.csv")


# -- every route of the web app ---------------------------------------------------------------


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    from socialmaturity.services.assessment import make_assessor

    folder = tmp_path_factory.mktemp("fuzz")
    app = create_app(Settings(database_url=f"sqlite:///{folder}/f.sqlite"), make_assessor())
    with TestClient(app) as client:  # a 500 raises here: the test fails with the traceback
        page = client.get("/").text
        from tests.web.conftest import csrf_of

        token = client.post("/api/assessments", json={}).json()["token"]
        yield client, token, csrf_of(page)


def not_500(res) -> None:
    assert res.status_code < 500, (res.status_code, res.text[:500])


@FUZZ
@given(body=documents.map(json_text) | st.binary(max_size=300) | json_values.map(json_text),
       which=st.sampled_from(["create", "put", "put-unknown"]))
def test_api_writes_survive_any_body(web, body, which):
    client, token, _ = web
    headers = {"content-type": "application/json"}
    if which == "create":
        res = client.post("/api/assessments", content=body, headers=headers)
    else:
        target = token if which == "put" else "no-such-token"
        res = client.put(f"/api/assessments/{target}/answers", content=body, headers=headers)
    not_500(res)
    if res.status_code == 422:
        assert isinstance(res.json()["detail"], list)


path_parts = st.text(st.characters(codec="utf-8", exclude_characters="/?#"), min_size=1,
                     max_size=30) | st.sampled_from(["profile", "outcomes", "review", "%00",
                                                     "%ED%A0%80", ".."])


@FUZZ
@given(part=path_parts, lang=st.sampled_from(["en", "nl", "xx", "\x00", "🙂"]),
       accept=st.sampled_from(["application/json", "text/html", "*/*", "\x7f"]))
def test_every_get_route_survives_any_path(web, part, lang, accept):
    client, token, _ = web
    from urllib.parse import quote

    p = quote(part, safe="%")
    for path in (f"/a/{p}", f"/a/{token}/s/{p}", f"/a/{p}/review", f"/a/{p}/result",
                 f"/a/{p}/report.pdf", f"/api/assessments/{p}", f"/api/assessments/{p}/result",
                 f"/api/assessments/{p}/report.pdf", f"/lang/{p}?next=/{p}", f"/{p}",
                 f"/static/{p}", f"/api/assessments/{token}/result?lang={quote(lang)}"):
        not_500(client.get(path, headers={"accept": accept}, follow_redirects=False))


form_values = st.dictionaries(st.sampled_from(QUESTION_IDS + ["question", "go", "csrf_token"])
                              | text, st.lists(text | csv_cells, max_size=3), max_size=6)


@FUZZ
@given(form=form_values, signed=st.booleans(),
       route=st.sampled_from(["start", "section", "answer", "complete"]),
       section=st.sampled_from(["profile", "outcomes", "strategy", "nope"]),
       as_files=st.booleans())
def test_every_form_route_survives_any_form(web, form, signed, route, section, as_files):
    client, token, csrf = web
    data = [(k, v) for k, values in form.items() for v in values]
    if signed:
        data.append(("csrf_token", csrf))
    path = {"start": "/start", "section": f"/a/{token}/s/{section}",
            "answer": f"/a/{token}/answer", "complete": f"/a/{token}/complete"}[route]
    if as_files:  # multipart, every field an uploaded file
        files = [(k.encode("utf-8", "replace").decode(), ("f.txt", as_bytes(v)))
                 for k, v in data]
        not_500(client.post(path, files=files or {"x": ("f", b"")}, follow_redirects=False))
        return
    from urllib.parse import urlencode

    body = urlencode([(k.encode("utf-8", "surrogatepass"), v.encode("utf-8", "surrogatepass"))
                      for k, v in data])
    not_500(client.post(path, content=body, follow_redirects=False,
                        headers={"content-type": "application/x-www-form-urlencoded"}))
