"""Items 1, 6 and 8 of issue 8: every text field has its limit (the question's
``max_length``) on every way in; text that is not valid (a lone surrogate, a NUL) gets 422
naming the field, on SQLite and PostgreSQL; the API does not read ``true`` as 1 nor store NaN;
an error repeats at most 80 characters of a bad value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

from socialmaturity.cli import cli
from socialmaturity.instrument.loader import bundled_instrument

from ..web.conftest import COMPLETE_PROFILE, csrf, csrf_of, post_section, start
from ..web.team import PASSWORD, PROFILE, account, create_organization, logged_in, post
from .conftest import refused, run

EXAMPLE = yaml.safe_load((Path(__file__).parents[2] / "examples" / "answers.yaml").read_text())
INST = bundled_instrument()
ORG_LIMIT = INST.index.questions["organization"].text_limit
COUNTRY_LIMIT = INST.index.questions["country"].text_limit


def test_the_limits_live_in_the_question_definitions():
    assert ORG_LIMIT == 200 and COUNTRY_LIMIT == 100
    assert all(q.text_limit for q in INST.profile if q.type == "text")


def fields(res) -> dict[str, str]:
    assert res.status_code == 422, (res.status_code, res.text[:500])
    return {p["field"]: p["message"] for p in res.json()["detail"]}


@pytest.mark.parametrize("where", ["profile", "top"])
def test_api_refuses_a_long_organization_everywhere(client, where):
    body = {"profile": dict(EXAMPLE["profile"])}
    if where == "top":
        body["organization"] = "x" * (ORG_LIMIT + 1)
    else:
        body["profile"]["organization"] = "x" * 64_000
    got = fields(client.post("/api/assessments", json=body))
    assert "at most 200" in got["organization"]
    # exactly the limit is fine
    body = {"organization": "x" * ORG_LIMIT,
            "profile": {**EXAMPLE["profile"], "organization": "y" * ORG_LIMIT,
                        "country": "z" * COUNTRY_LIMIT}}
    assert client.post("/api/assessments", json=body).status_code == 201


def test_api_put_refuses_a_long_country(client):
    token = client.post("/api/assessments", json={}).json()["token"]
    got = fields(client.put(f"/api/assessments/{token}/answers",
                            json={"profile": {"country": "c" * (COUNTRY_LIMIT + 1)}}))
    assert "at most 100" in got["country"]


def test_start_and_forms_refuse_a_long_organization(client):
    res = client.post("/start", data={"organization": "o" * (ORG_LIMIT + 1),
                                      "csrf_token": csrf(client)}, follow_redirects=False)
    assert res.status_code == 422
    assert "at most 200" in res.text and 'id="error-organization"' in res.text
    token = start(client)
    res = post_section(client, token, "profile", {**COMPLETE_PROFILE, "organization": "o" * 5000})
    assert res.status_code == 422 and "at most 200" in res.text
    page = client.get(f"/a/{token}/s/profile").text
    assert f'maxlength="{ORG_LIMIT}"' in page and f'maxlength="{COUNTRY_LIMIT}"' in page


def test_answers_file_and_batch_csv_refuse_a_long_organization(tmp_path):
    doc = {**EXAMPLE, "profile": {**EXAMPLE["profile"], "organization": "n" * 300}}
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(doc))
    err = refused(run("score", path))
    assert "profile.organization: too long: 300 characters; valid: at most 200" in err
    header = ["organization", "sector", "size", "region"] + [q.id for q in INST.scored_questions]
    row = ["n" * 300, "technology", "1000-9999", "emea"] + [""] * len(INST.scored_questions)
    csv = tmp_path / "b.csv"
    csv.write_text(",".join(header) + "\n" + ",".join(row) + "\n")
    err = refused(run("score", "--batch", csv, "--output", tmp_path / "out.csv"))
    assert "column 'organization': too long: 300 characters" in err
    assert not (tmp_path / "out.csv").exists()


BAD_TEXT = {"a lone surrogate": "Acme \ud800", "a NUL": "Acme\x00Corp"}


@pytest.mark.parametrize("bad", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_bad_text_gets_422_naming_the_field_on_both_databases(client_on, bad):
    client = client_on
    body = json.dumps({"organization": bad}, ensure_ascii=True)  # "\ud800" as JSON escapes
    res = client.post("/api/assessments", content=body,
                      headers={"content-type": "application/json"})
    assert "organization" in fields(res)
    body = json.dumps({"profile": {**EXAMPLE["profile"], "organization": bad, "country": bad}})
    got = fields(client.post("/api/assessments", content=body,
                             headers={"content-type": "application/json"}))
    assert {"organization", "country"} <= set(got)
    token = client.post("/api/assessments", json={}).json()["token"]
    res = client.put(f"/api/assessments/{token}/answers",
                     content=json.dumps({"answers": {"strategy-sponsor": bad,
                                                     "reach-departments": [bad]}}),
                     headers={"content-type": "application/json"})
    assert {"strategy-sponsor", "reach-departments"} <= set(fields(res))
    # unknown question ids that are not valid text are named, not a 500
    res = client.put(f"/api/assessments/{token}/answers",
                     content=json.dumps({"answers": {bad: 1}}),
                     headers={"content-type": "application/json"})
    assert res.status_code == 422
    # the form way in: /start with a NUL
    res = client.post("/start", data={"organization": "Acme\x00", "csrf_token": csrf(client)},
                      follow_redirects=False)
    assert res.status_code == 422 and "control character" in res.text


def test_api_does_not_take_true_as_one_nor_nan(client):
    token = client.post("/api/assessments", json={}).json()["token"]
    for bad in ("true", "NaN", "Infinity", "-Infinity", "1e999"):
        body = '{"answers": {"employees-trained": ' + bad + "}}"
        got = fields(client.put(f"/api/assessments/{token}/answers", content=body,
                                headers={"content-type": "application/json"}))
        assert "expected a number" in got["employees-trained"], got
    body = '{"profile": {"organization": NaN}}'
    got = fields(client.put(f"/api/assessments/{token}/answers", content=body,
                            headers={"content-type": "application/json"}))
    assert "expected text" in got["organization"]
    assert client.get(f"/api/assessments/{token}").json()["answers"] == {}


def test_error_messages_truncate_the_bad_value(client, tmp_path):
    token = client.post("/api/assessments", json={}).json()["token"]
    got = fields(client.put(f"/api/assessments/{token}/answers",
                            json={"answers": {"strategy-sponsor": "v" * 50_000}}))
    message = got["strategy-sponsor"]
    assert len(message) < 600 and "…" in message
    header = ["sector", "size", "region"] + [q.id for q in INST.scored_questions]
    row = ["technology", "1000-9999", "emea", "w" * 5_000_000] + [""] * (
        len(INST.scored_questions) - 1)
    csv = tmp_path / "big.csv"
    csv.write_text(",".join(header) + "\n" + ",".join(row) + "\n")
    err = refused(run("score", "--batch", csv, "--output", tmp_path / "o.csv"))
    assert len(err) < 2000 and "…" in err


CONTROL = {"a NUL": "A\x00B", "a BEL": "a\x07b"}


@pytest.mark.parametrize("bad", CONTROL.values(), ids=CONTROL.keys())
def test_names_and_e_mails_refuse_control_characters_everywhere(client_on, database_url, bad):
    """Organizations, rounds, shares and accounts, by web form, API and command line, on
    both databases: a 422 (a page, or JSON naming the field) or ``error:``, nothing stored."""
    app = client_on.app
    email = account(app, "owner@example.org", "facilitator")
    api = {"authorization": f"Bearer {app.state.accounts.new_token(email)}"}
    web = logged_in(app, email)
    org_id = create_organization(web)
    for path, data in (("/orgs/new", {"name": bad, **PROFILE}),
                       (f"/orgs/{org_id}/rounds", {"name": bad}),
                       (f"/orgs/{org_id}/shares", {"email": f"v{bad}@example.org"})):
        res = post(web, path, data)
        assert res.status_code == 422 and "text/html" in res.headers["content-type"], path
        assert "control character" in res.text or "not an e-mail address" in res.text, path
    got = fields(client_on.post("/api/organizations", json={"name": bad, **PROFILE},
                                headers=api))
    assert "control character" in got["name"]
    got = fields(client_on.post(f"/api/organizations/{org_id}/rounds", json={"name": bad},
                                headers=api))
    assert "control character" in got["name"]
    visitor = TestClient(app)
    res = visitor.post("/login", data={"email": f"owner{bad}@example.org", "password": PASSWORD,
                                       "csrf_token": csrf_of(visitor.get("/login").text)})
    assert res.status_code == 422 and "do not match an active account" in res.text
    result = CliRunner().invoke(cli, ["users", "add", f"v{bad}@example.org", "--role",
                                      "viewer", "--password-stdin"], input=PASSWORD + "\n",
                                env={"SOCIALMATURITY_DATABASE_URL": database_url})
    assert "is not an e-mail address" in refused(result)
    dashboard = client_on.get("/api/organizations", headers=api).json()
    assert [(o["name"], o["rounds"]) for o in dashboard] == [("Acme Team", 0)]
    assert [u.email for u in app.state.accounts.list_users()] == [email]
