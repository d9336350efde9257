"""Importe (admin): upload 116117 responses to the scraping service, the runs, one run."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from support.console import url

pytestmark = pytest.mark.integration

RUNS = url("scraping", "/api/imports")
RUN = url("scraping", "/api/imports/7")
DOCUMENT = b'{"arztPraxisDatas": [{"id": "x1"}]}'


def run(**overrides) -> dict:
    body = {
        "id": 7,
        "source": "upload",
        "area": "Berlin-Mitte",
        "full_run": True,
        "status": "succeeded",
        "file_name": "mitte.json",
        "requested_by": "admin-1",
        "counts": {"new": 12, "changed": 3, "unchanged": 40, "disappeared": 2, "rejected": 51},
        "records": 108,
        "duplicates": 1,
        "warnings": 4,
        "created_at": "2026-12-01T08:00:00+00:00",
        "started_at": "2026-12-01T08:00:02+00:00",
        "finished_at": "2026-12-01T08:00:12+00:00",
        "duration_s": 10.0,
        "error": None,
        "details": None,
    }
    return {**body, **overrides}


def runs_body(**overrides) -> dict:
    return {"items": [run()], "page": 1, "per_page": 20, "total": 1, **overrides}


def html_of(response) -> str:
    return response.get_data(as_text=True)


def upload(console, client, data: dict):
    from support.console import form_token

    token = form_token(client, "/importe/")
    return client.post(
        "/importe/",
        data={**data, "csrf_token": token},
        content_type="multipart/form-data",
    )


def posts(console) -> list:
    return [c for c in console.api.calls if c.request.method == "POST"]


def test_the_pages_need_a_login(console):
    client = console.app.test_client()
    for path in ("/importe/", "/importe/7"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_staff_may_not_open_the_import_pages(console):
    client = console.client("staff")
    for path in ("/importe/", "/importe/7"):
        response = client.get(path)
        assert response.status_code == 403
        assert "Administration vorbehalten" in html_of(response)
    assert "/importe/" not in html_of(client.get("/")).split("<main")[0]  # not in the menu
    token = re.search(r'name="csrf_token" value="([^"]+)"', html_of(client.get("/"))).group(1)
    response = client.post(
        "/importe/",
        data={"csrf_token": token, "file": (io.BytesIO(DOCUMENT), "a.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert not [c for c in console.api.calls if "scraping.test" in c.request.url]


def test_the_run_list_shows_counts_and_passes_the_page_through(console):
    console.api.get(RUNS, json=runs_body(page=2, total=41))
    response = console.client("admin").get("/importe/?page=2")
    assert response.status_code == 200
    query = parse_qs(urlsplit(console.api.calls[-1].request.url).query)
    assert query == {"page": ["2"], "per_page": ["20"]}
    html = html_of(response)
    assert 'href="/importe/7"' in html and "Berlin-Mitte" in html and "mitte.json" in html
    assert "abgeschlossen" in html and "<td>12</td>" in html and "<td>51</td>" in html
    assert "Seite 2 von 3" in html


def test_the_run_list_filters_by_state_and_source_and_keeps_them_across_pages(console):
    console.api.get(RUNS, json=runs_body(page=1, total=41))
    html = html_of(console.client("admin").get("/importe/?status=failed&source=folder"))
    query = parse_qs(urlsplit(console.api.calls[-1].request.url).query)
    assert query["status"] == ["failed"] and query["source"] == ["folder"]
    assert '<option value="failed" selected>' in html
    assert "status=failed" in html.split('rel="next"')[0].rsplit("href=", 1)[1]
    console.api.get(RUNS, json=runs_body(page=1, total=1))
    console.client("admin").get("/importe/?status=sideways")
    assert "status" not in parse_qs(urlsplit(console.api.calls[-1].request.url).query)


def test_the_upload_without_its_csrf_token_is_refused(console):
    client = console.client("admin")
    response = client.post(
        "/importe/",
        data={"file": (io.BytesIO(DOCUMENT), "a.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Formular" in html_of(response)
    assert not posts(console)


def test_an_upload_without_a_file_is_refused_next_to_the_field(console):
    console.api.get(RUNS, json=runs_body())
    client = console.client("admin")
    response = upload(console, client, {"area": "Pankow", "full_run": "1"})
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="e-file"' in html and "Bitte wählen Sie eine Datei aus." in html
    assert 'value="Pankow"' in html and "checked" in html
    assert not posts(console)


def test_the_upload_reaches_the_api_as_multipart_with_area_and_full_run(console):
    console.api.get(RUNS, json=runs_body())
    console.api.post(RUNS, status=202, json={"id": 8, "status": "queued"})
    client = console.client("admin")
    page = html_of(client.get("/importe/"))
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/importe/",
        data={
            "csrf_token": token,
            "idempotency_key": key,
            "area": "Pankow",
            "full_run": "1",
            "file": (io.BytesIO(DOCUMENT), "pankow.json", "application/json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/importe/8")
    [call] = posts(console)
    request = call.request
    assert parse_qs(urlsplit(request.url).query) == {"area": ["Pankow"], "full_run": ["true"]}
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert request.headers["Idempotency-Key"] == key
    body = request.body if isinstance(request.body, bytes) else request.body.read()
    assert b'name="file"; filename="pankow.json"' in body
    assert DOCUMENT in body


def test_an_upload_without_full_run_says_false(console):
    console.api.get(RUNS, json=runs_body())
    console.api.post(RUNS, status=202, json={"id": 9, "status": "queued"})
    client = console.client("admin")
    upload(console, client, {"area": "", "file": (io.BytesIO(DOCUMENT), "a.json")})
    query = parse_qs(urlsplit(posts(console)[0].request.url).query)
    assert query == {"full_run": ["false"]}  # a blank area: the API's default ("upload")
    follow = html_of(client.get("/importe/"))
    assert "Import Nr. 9 ist eingereiht" in follow


def test_a_413_from_the_api_is_a_german_message_at_the_file(console):
    console.api.get(RUNS, json=runs_body())
    console.api.post(
        RUNS,
        status=413,
        json={"error": {"code": "payload_too_large", "message": "Too large", "details": {}}},
    )
    client = console.client("admin")
    response = upload(
        console, client, {"area": "Pankow", "file": (io.BytesIO(DOCUMENT), "big.json")}
    )
    assert response.status_code == 413
    html = html_of(response)
    assert 'id="e-file"' in html and "größer, als der Importdienst annimmt" in html
    assert 'value="Pankow"' in html


def test_a_document_that_is_no_arztsuche_response_is_explained_at_the_file(console):
    console.api.get(RUNS, json=runs_body())
    console.api.post(
        RUNS,
        status=400,
        json={
            "error": {
                "code": "validation_error",
                "message": "Not an Arztsuche response: expected at least one response",
                "details": {"body": ["expected at least one response"]},
            }
        },
    )
    client = console.client("admin")
    response = upload(console, client, {"area": "Pankow", "file": (io.BytesIO(b"[]"), "e.json")})
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="e-file"' in html and "keine Antwort der 116117-Arztsuche" in html
    assert 'value="Pankow"' in html


def test_the_upload_while_scraping_is_down_keeps_the_typed_values(console):
    console.api.get(RUNS, body=requests.ConnectionError())
    console.api.post(RUNS, body=requests.ConnectionError())
    client = console.client("admin")
    response = upload(
        console,
        client,
        {"area": "Pankow", "full_run": "1", "file": (io.BytesIO(DOCUMENT), "a.json")},
    )
    assert response.status_code == 503
    html = html_of(response)
    assert "Importdienst ist gerade nicht erreichbar" in html
    assert 'value="Pankow"' in html and "checked" in html
    assert len(posts(console)) == 1


def test_the_list_shows_the_outage_in_its_section(console):
    console.api.get(RUNS, status=503)
    response = console.client("admin").get("/importe/")
    assert response.status_code == 200
    section = html_of(response).split('id="laeufe"')[1]
    assert "Importdienst ist gerade nicht erreichbar" in section
    assert 'enctype="multipart/form-data"' in html_of(response)  # the form is still there


def test_a_run_shows_its_counts_and_rejected_records_with_reasons(console):
    body = {
        **run(),
        "rejected_page": 2,
        "rejected_per_page": 50,
        "rejected_records": [
            {
                "external_id": "x9",
                "position": "response 0, item 3",
                "reasons": ["postal code missing", "no offer"],
                "item": {"id": "x9"},
            }
        ],
    }
    console.api.get(RUN, json=body)
    response = console.client("admin").get("/importe/7?page=2")
    assert response.status_code == 200
    query = parse_qs(urlsplit(console.api.calls[-1].request.url).query)
    assert query == {"page": ["2"], "per_page": ["50"]}
    html = html_of(response)
    assert "Import Nr. 7" in html and "response 0, item 3" in html
    assert "<li>postal code missing</li>" in html and "<li>no offer</li>" in html
    assert "Seite 2 von 2" in html  # 51 rejected, 50 per page


def test_an_unknown_run_is_404_and_an_outage_the_outage_page(console):
    console.api.get(
        RUN, status=404, json={"error": {"code": "not_found", "message": "x", "details": {}}}
    )
    client = console.client("admin")
    assert client.get("/importe/7").status_code == 404
    console.api.replace("GET", RUN, body=requests.ConnectionError())
    response = client.get("/importe/7")
    assert response.status_code == 503
    assert "Importdienst ist gerade nicht erreichbar" in html_of(response)
