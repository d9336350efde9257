"""A practice answers with one click, over the whole stack: the outreach e-mail in the SMTP
catcher carries signed answer links; the link from the `.eml` opens the public page; "Platz frei"
confirmed there places the patient and cancels the other practices' requests."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from e2e.test_placement_loop import (  # the stack fixture and helpers of the placement loop
    MAIL,
    URL,
    Api,
    carried,
    import_practices,
    mails_to,
    practice,
    register,
    running,
    settled,
    text_of,
    until,
)

pytestmark = pytest.mark.e2e
ACCEPT_LINK = re.compile(r"Platz frei – ich melde mich: (\S+)")
PAGE_TOKEN = re.compile(r'name="page_token" value="([^"]+)"')

__all__ = ["running"]  # the module-scoped stack fixture, used by the test below


def test_a_practice_accepts_by_link_and_the_patient_is_placed(running):
    api, tag = Api(), uuid.uuid4().hex[:8]
    before = {p.name for p in MAIL.glob("*.eml")}
    ids = import_practices(
        api, tag, [practice(tag, "Anna", 50.7770, 6.0850), practice(tag, "Berta", 50.7800, 6.0900)]
    )
    anna, berta = sorted(ids)
    patient = register(api, "Paula", tag)
    until(lambda: len(api.requests_of(patient)) == 2, "two requests for the patient")
    for therapist_id in ids.values():
        until(lambda t=therapist_id: carried(api, t) == 1, f"a draft for {therapist_id}")
    delivered = api.job("communication", "send-emails")["result"]["delivered"]
    assert delivered.get("sent", 0) >= 2, delivered

    message = until(lambda: mails_to(before, anna), "the inquiry e-mail to Anna")[0]
    body = text_of(message)
    assert "Geheimname" not in body and "patient.example" not in body
    [link] = ACCEPT_LINK.findall(body)
    assert link.startswith(URL["communication"] + "/antwort/")
    assert "Zur Übersicht" in body

    opened = requests.get(link, timeout=30)
    assert opened.status_code == 200, opened.text
    assert opened.headers["Content-Type"].startswith("text/html")
    page = opened.text
    request_id = int(re.search(r"anfrage=(\d+)", link).group(1))
    assert f"PR-{request_id}" in page and "Geheimname" not in page and "patient.example" not in page
    assert 'value="accepted" checked' in page
    assert api.call("GET", "patient", f"/api/patients/{patient}")["status"] == "searching"

    form = {"page_token": PAGE_TOKEN.search(page).group(1), f"antwort-{request_id}": "accepted"}
    confirmed = requests.post(link.split("?")[0], data=form, timeout=30)
    assert confirmed.status_code == 200, confirmed.text
    assert "Vielen Dank für Ihre Zusage" in confirmed.text

    until(
        lambda: api.call("GET", "patient", f"/api/patients/{patient}")["status"] == "placed",
        "the patient placed",
    )
    statuses = until(lambda: settled(api, patient), "the other practices' requests cancelled")
    assert statuses == {ids[anna]: "accepted", ids[berta]: "cancelled"}

    emails = api.call("GET", "communication", f"/api/emails?therapist_id={ids[anna]}")["items"]
    [inquiry] = [e for e in emails if e["purpose"] == "outreach"]
    detail = api.call("GET", "communication", f"/api/emails/{inquiry['id']}")
    assert [(r["channel"], r["recorded_by"]) for r in detail["responses"]] == [
        ("link", f"therapist:{ids[anna]}")
    ]
    answers = until(
        lambda: [
            item
            for item in api.call("GET", "patient", f"/api/patients/{patient}/timeline")["items"]
            if item["action"] == "communication.therapist_response_recorded"
        ],
        "the link answer on the patient's timeline",
    )
    assert answers[0]["details"]["channel"] == "link"
    assert answers[0]["details"]["outcome"] == "accepted"
