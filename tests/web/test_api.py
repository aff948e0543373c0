"""The JSON API: same validation as the command line, OpenAPI documented."""

from __future__ import annotations

import yaml

from .conftest import COMPLETE_PROFILE

EXAMPLE = yaml.safe_load(open("examples/answers.yaml"))


def test_create_put_and_get_the_result(client):
    res = client.post("/api/assessments", json={"organization": "Northwind", "language": "nl",
                                                "profile": EXAMPLE["profile"]})
    assert res.status_code == 201
    body = res.json()
    token = body["token"]
    assert body["missing"] and body["links"]["result"] == f"/api/assessments/{token}/result"
    res = client.put(f"/api/assessments/{token}/answers", json={"answers": EXAMPLE["answers"]})
    assert res.status_code == 200 and res.json()["missing"] == []
    result = client.get(f"/api/assessments/{token}/result").json()
    assert result["overall"]["score"] == 45.0  # the same as `socialmaturity score` gives
    assert result["language"] == "en"
    assert client.get(f"/api/assessments/{token}/result?lang=nl").json()["language"] == "nl"
    pdf = client.get(f"/api/assessments/{token}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_bad_answers_are_422_and_nothing_is_stored(client):
    token = client.post("/api/assessments", json={}).json()["token"]
    res = client.put(f"/api/assessments/{token}/answers",
                     json={"profile": COMPLETE_PROFILE,
                           "answers": {"strategy-sponsor": "ceo", "data-crm": "manual"}})
    assert res.status_code == 422
    [problem] = res.json()["detail"]
    assert problem["field"] == "strategy-sponsor" and "valid: none" in problem["message"]
    assert client.get(f"/api/assessments/{token}").json()["answers"] == {}


def test_result_without_profile_names_the_missing_fields(client):
    token = client.post("/api/assessments", json={}).json()["token"]
    res = client.get(f"/api/assessments/{token}/result")
    assert res.status_code == 422
    assert any("sector" in p["message"] for p in res.json()["detail"])


def shape(res) -> dict[str, str]:
    """field → message of a 4xx/5xx answer, checking it has the one documented shape."""
    body = res.json()
    assert set(body) == {"detail"}, body
    assert all(set(p) == {"field", "message"} for p in body["detail"]), body
    return {p["field"]: p["message"] for p in body["detail"]}


def test_unknown_token_and_wrong_types_all_in_one_shape(client):
    res = client.get("/api/assessments/nope")
    assert res.status_code == 404 and "token" in shape(res)
    res = client.post("/api/assessments", json={"language": "fr"})
    assert res.status_code == 422 and "language" in shape(res)
    res = client.post("/api/assessments", json={"unexpected": 1})
    assert res.status_code == 422 and "unexpected" in shape(res)
    token = client.post("/api/assessments", json={}).json()["token"]
    # type errors of a body, a query parameter, and a body that is not JSON
    res = client.put(f"/api/assessments/{token}/answers", json={"answers": {"sector": {}}})
    assert res.status_code == 422 and "answers.sector" in shape(res)
    res = client.get(f"/api/assessments/{token}/result", params={"lang": "de"})
    assert res.status_code == 422 and "lang" in shape(res)
    res = client.put(f"/api/assessments/{token}/answers", content=b"{not json",
                     headers={"content-type": "application/json"})
    assert res.status_code == 422 and shape(res)
    # answers the scoring rules refuse: the same shape, naming the question
    res = client.put(f"/api/assessments/{token}/answers", json={"answers": {"sector": "mining"}})
    assert res.status_code == 422 and "valid" in shape(res)["sector"]


def test_the_openapi_documents_the_one_error_shape(client):
    spec = client.get("/api/openapi.json").json()
    put = spec["paths"]["/api/assessments/{token}/answers"]["put"]["responses"]
    for status in ("404", "422", "503"):
        assert put[status]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/Problems"), status


def test_openapi_and_offline_docs(client):
    spec = client.get("/api/openapi.json").json()
    assert "/api/assessments/{token}/answers" in spec["paths"]
    docs = client.get("/api/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


def test_messages_in_the_requested_language(client):
    """422 in ?lang= or Accept-Language, still naming the field and what is valid."""
    token = client.post("/api/assessments", json={}).json()["token"]
    bad = {"answers": {"strategy-sponsor": "ceo"}}
    [nl] = client.put(f"/api/assessments/{token}/answers?lang=nl", json=bad).json()["detail"]
    [en] = client.put(f"/api/assessments/{token}/answers", json=bad).json()["detail"]
    assert nl["field"] == en["field"] == "strategy-sponsor"
    assert "geldig: none" in nl["message"] and "valid: none" in en["message"]
    [header] = client.put(f"/api/assessments/{token}/answers", json=bad,
                          headers={"accept-language": "nl-NL,nl;q=0.9"}).json()["detail"]
    assert header == nl
    res = client.get(f"/api/assessments/{token}/result?lang=nl").json()["detail"]
    assert any("sector" in p["message"] and "ontbreekt" in p["message"] for p in res)
    missing = client.get("/api/assessments/nope?lang=nl").json()["detail"][0]
    assert missing == {"field": "token", "message": "bij deze link hoort geen scan; begin een "
                                                    "nieuwe"}


def test_type_errors_in_the_requested_language(client):
    """What the API's types refuse is said in our words, in English and Dutch, naming what
    would be valid (pydantic's own messages are English only)."""
    nl = {"accept-language": "nl"}
    res = client.post("/api/assessments", json={"language": "fr", "unexpected": 1}, headers=nl)
    assert shape(res) == {"language": "moet een van 'en', 'nl' zijn",
                          "unexpected": "geen veld van dit verzoek"}
    token = client.post("/api/assessments", json={}).json()["token"]
    bad = {"answers": {"sector": {}}}
    res = client.put(f"/api/assessments/{token}/answers", json=bad, headers=nl)
    assert shape(res) == {"answers.sector": "verwacht: tekst, een lijst, een geheel getal, een "
                                            "getal of true/false"}
    res = client.put(f"/api/assessments/{token}/answers", json=bad)
    assert shape(res) == {"answers.sector": "expected text, a list, a whole number, a number "
                                            "or true/false"}
    res = client.get(f"/api/assessments/{token}/result", params={"lang": "de"}, headers=nl)
    assert shape(res) == {"lang": "moet een van 'en', 'nl' zijn"}
    res = client.put(f"/api/assessments/{token}/answers?lang=nl", content=b"{not json",
                     headers={"content-type": "application/json"})
    assert shape(res) == {"body": "geen geldige JSON (bij teken 1)"}
