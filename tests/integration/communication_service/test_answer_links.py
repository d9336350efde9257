"""Signed answer links: e-mails carry them, the public page shows the e-mail's patients, and
confirming records the answer through the response use case (channel `link`)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from integration.communication_service.helpers import (
    PATIENT_NAMES,
    emails_of,
    feed,
    mails,
    outbox_types,
    parts,
    request_item,
    requests_created,
    settings,
    therapist_created,
)
from sqlalchemy import select

from communication_service.app import create_app
from communication_service.models import outreach_requests, responses
from communication_service.services import sending
from shared.clock import FakeClock
from shared.events.matching import PlacementConfirmed
from shared.events.therapist import TherapistUpdated

pytestmark = pytest.mark.integration
LINK = re.compile(r"https?://[^\s\"<>]+/antwort/[^\s\"<>]+")
PAGE_TOKEN = re.compile(r'name="page_token" value="([^"]+)"')
PHONE = "0241 000000"  # MAIL_SENDER_PHONE's default: the office phone the pages name


def sent_email(ctx, handlers, therapist, patients=1, tid=None, items=None):
    """A therapist, `patients` requests, the outreach e-mail sent; (tid, items, message)."""
    tid = tid or therapist()
    feed(ctx, handlers, therapist_created(tid), producer="therapist_service")
    items = items or [request_item(tid) for _ in range(patients)]
    feed(ctx, handlers, requests_created(*items))
    sending.send_emails(ctx, ctx.clock.now())
    [row] = [e for e in emails_of(ctx, tid) if e["purpose"] == "outreach"]
    return tid, items, row


def links_of(row) -> list[str]:
    """The answer links of an e-mail's text part, in order."""
    return LINK.findall(row["body_text"])


def path(url: str) -> str:
    parts_ = urlsplit(url.replace("&amp;", "&"))
    return parts_.path + (f"?{parts_.query}" if parts_.query else "")


def overview(row) -> str:
    """The "Zur Übersicht" link (the one without a query)."""
    return next(path(url) for url in links_of(row) if "?" not in url)


def answer_link(row, request_id: int, outcome: str) -> str:
    wanted = f"anfrage={request_id}&antwort={outcome}"
    return next(path(url) for url in links_of(row) if url.endswith(wanted))


def page_token(html: str) -> str:
    return PAGE_TOKEN.search(html).group(1)


def stored_answers(ctx, therapist_id: int) -> list[dict]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(select(responses).where(responses.c.therapist_id == therapist_id))
        return [dict(row) for row in rows.mappings()]


def request_state(ctx, request_id: int) -> str:
    with ctx.engine.connect() as conn:
        query = select(outreach_requests.c.state).where(
            outreach_requests.c.placement_request_id == request_id
        )
        return conn.execute(query).scalar_one()


def confirm(client, url: str, choices: dict[int, str], token: str | None = None):
    """Open the page (for its page token, unless given) and confirm `choices`."""
    if token is None:
        token = page_token(client.get(url).get_data(as_text=True))
    form = {f"antwort-{rid}": outcome for rid, outcome in choices.items()}
    if token:
        form["page_token"] = token
    return client.post(url.split("?")[0], data=form)


def test_outreach_email_carries_three_answer_links_per_patient_and_an_overview(
    ctx, handlers, therapist, catcher
):
    tid, items, row = sent_email(ctx, handlers, therapist, patients=2)
    [message] = mails(catcher.folder)
    text, html = parts(message)
    for body in (text, html):
        for label in ("Platz frei – ich melde mich", "Kein Platz frei", "Passt nicht"):
            assert body.count(label) == 2
        assert "Zur Übersicht" in body
    urls = LINK.findall(text)
    assert len(urls) == 2 * 3 + 1
    assert len({urlsplit(url).path for url in urls}) == 1  # one signed token for the e-mail
    assert all(url.startswith(ctx.settings.public_base_url + "/antwort/") for url in urls)
    for item in items:
        rid = item["placement_request_id"]
        for outcome in ("accepted", "rejected_no_capacity", "rejected_not_suitable"):
            assert answer_link(row, rid, outcome)


def test_opening_a_link_changes_nothing(ctx, handlers, client, therapist):
    tid, [item], row = sent_email(ctx, handlers, therapist)
    rid = item["placement_request_id"]
    events_before = outbox_types(ctx)
    for _ in range(3):  # a mail scanner, then the practice
        page = client.get(answer_link(row, rid, "accepted"))
        assert page.status_code == 200
        assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'value="accepted" checked' in html  # preselected, not recorded
    assert "Antwort bestätigen" in html
    assert stored_answers(ctx, tid) == []
    assert outbox_types(ctx) == events_before
    assert request_state(ctx, rid) == "in_email"
    assert page.headers["Cache-Control"] == "no-store"


def test_confirming_without_the_page_token_is_refused(ctx, handlers, client, therapist):
    tid, [item], row = sent_email(ctx, handlers, therapist)
    url = overview(row)
    refused = confirm(client, url, {item["placement_request_id"]: "accepted"}, token="")
    assert refused.status_code == 403
    assert "nicht gespeichert" in refused.get_data(as_text=True)
    forged = confirm(client, url, {item["placement_request_id"]: "accepted"}, token="x.y")
    assert forged.status_code == 403
    assert stored_answers(ctx, tid) == []


def test_confirming_records_through_the_response_use_case(
    ctx, handlers, client, therapist, staff, admin
):
    tid, [item], row = sent_email(ctx, handlers, therapist)
    rid = item["placement_request_id"]
    done = confirm(client, answer_link(row, rid, "accepted"), {rid: "accepted"})
    html = done.get_data(as_text=True)
    assert done.status_code == 200, html
    assert "Vielen Dank für Ihre Zusage" in html
    assert "in den nächsten 4 Wochen keine neuen Anfragen" in html  # cooling started
    assert "Antwort bestätigen" not in html  # nothing left to answer
    [stored] = stored_answers(ctx, tid)
    assert stored["channel"] == "link" and stored["recorded_by"] == f"therapist:{tid}"
    assert "communication.therapist_response_recorded" in outbox_types(ctx)
    history = client.get(f"/api/therapists/{tid}/contact-history", headers=staff).json
    assert history["cooling_until"] is not None
    detail = client.get(f"/api/emails/{row['id']}", headers=staff).json
    assert [(r["channel"], r["recorded_by"]) for r in detail["responses"]] == [
        ("link", f"therapist:{tid}")
    ]
    assert detail["responses"][0]["outcomes"] == [
        {"placement_request_id": rid, "patient_id": item["patient_id"], "outcome": "accepted"}
    ]
    audit = client.get(f"/api/audit?subject=therapist:{tid}", headers=admin).json["items"]
    assert {(a["method"], a["record_type"]) for a in audit} >= {
        ("POST", "email"),
        ("POST", "patient"),
    }
    assert all(a["route"] == "/antwort/<string:token>" for a in audit)


def test_a_tampered_link_gets_a_german_403_with_the_office_phone(ctx, handlers, client, therapist):
    tid, [item], row = sent_email(ctx, handlers, therapist)
    url = overview(row)
    token = url.removeprefix("/antwort/")
    payload, signature = token.rsplit(".", 1)
    middle = len(signature) // 2  # (the last character may only carry base64 padding bits)
    swapped = "A" if signature[middle] != "A" else "B"
    flipped = signature[:middle] + swapped + signature[middle + 1 :]
    for bad in (f"{payload}.{flipped}", f"{payload}x.{signature}", "kaputt", "a" * 600):
        for method in (client.get, client.post):
            page = method(f"/antwort/{bad}")
            body = page.get_data(as_text=True)
            assert page.status_code == 403, (bad, body)
            assert "Link ungültig" in body and PHONE in body
            assert "Traceback" not in body
    assert stored_answers(ctx, tid) == []


def test_a_link_opens_only_its_own_email(ctx, handlers, client, therapist):
    tid_a, [item_a], row_a = sent_email(ctx, handlers, therapist)
    tid_b, [item_b], row_b = sent_email(ctx, handlers, therapist)
    url_a, url_b = overview(row_a), overview(row_b)
    page_a = client.get(url_a).get_data(as_text=True)
    assert f"PR-{item_a['placement_request_id']}" in page_a
    assert f"PR-{item_b['placement_request_id']}" not in page_a
    # answering B's request with A's link: the field is ignored, nothing recorded for B
    sneaky = confirm(client, url_a, {item_b["placement_request_id"]: "accepted"})
    assert sneaky.status_code == 422
    assert stored_answers(ctx, tid_b) == [] and stored_answers(ctx, tid_a) == []
    # B's page token does not confirm on A's link
    token_b = page_token(client.get(url_b).get_data(as_text=True))
    crossed = confirm(client, url_a, {item_a["placement_request_id"]: "accepted"}, token_b)
    assert crossed.status_code == 403
    # a token signed for B's e-mail but A's therapist is no link at all
    signer = ctx.answer_link_signer
    for email_id, therapist_id in ((row_b["id"], tid_a), (row_a["id"], tid_b)):
        forged = client.get(f"/antwort/{signer.link_token(email_id, therapist_id)}")
        assert forged.status_code == 403
    assert stored_answers(ctx, tid_a) == [] and stored_answers(ctx, tid_b) == []


def test_links_expire_request_expiry_days_after_sending(ctx, handlers, client, therapist, clock):
    tid, [item], row = sent_email(ctx, handlers, therapist)
    url = overview(row)
    ends = row["sent_at"] + timedelta(days=ctx.settings.request_expiry_days)
    clock.set(ends - timedelta(seconds=1))
    token = page_token(client.get(url).get_data(as_text=True))
    assert client.get(url).status_code == 200
    clock.set(ends)
    expired = client.get(url)
    assert expired.status_code == 410
    assert "abgelaufen" in expired.get_data(as_text=True)
    assert PHONE in expired.get_data(as_text=True)
    late = confirm(client, url, {item["placement_request_id"]: "accepted"}, token)
    assert late.status_code == 410
    clock.set(ends + timedelta(days=3))
    assert client.get(url).status_code == 410
    assert stored_answers(ctx, tid) == []


def test_a_second_answer_after_an_acceptance_changes_nothing(ctx, handlers, client, therapist):
    tid, [item], row = sent_email(ctx, handlers, therapist)
    rid = item["placement_request_id"]
    url = overview(row)
    stale = page_token(client.get(url).get_data(as_text=True))
    assert confirm(client, url, {rid: "accepted"}).status_code == 200
    again = confirm(client, url, {rid: "rejected_no_capacity"}, stale)
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "lag bereits eine Antwort vor" in html
    assert "Platz frei – ich melde mich (über diese Seite" in html
    [stored] = stored_answers(ctx, tid)
    assert stored["channel"] == "link"


def test_a_late_acceptance_is_told_the_place_is_gone(ctx, handlers, client, therapist):
    tid_a, tid_b = therapist(), therapist()
    first = request_item(tid_a)
    second = {
        **request_item(tid_b),
        "patient_id": first["patient_id"],
        "patient": first["patient"],
    }
    _, _, row_a = sent_email(ctx, handlers, therapist, tid=tid_a, items=[first])
    _, _, row_b = sent_email(ctx, handlers, therapist, tid=tid_b, items=[second])
    url_b = overview(row_b)
    token_b = page_token(client.get(url_b).get_data(as_text=True))
    won = confirm(client, overview(row_a), {first["placement_request_id"]: "accepted"})
    assert won.status_code == 200
    placed = PlacementConfirmed(
        patient_id=first["patient_id"],
        therapist_id=tid_a,
        placement_request_id=first["placement_request_id"],
        confirmed_at=ctx.clock.now(),
    )
    feed(ctx, handlers, placed)
    page_b = client.get(url_b).get_data(as_text=True)
    assert "nicht mehr benötigt" in page_b and "Antwort bestätigen" not in page_b
    late = confirm(client, url_b, {second["placement_request_id"]: "accepted"}, token_b)
    assert late.status_code == 200
    assert "bereits einen Therapieplatz gefunden" in late.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"opted_out": True}, "keine Anfragen mehr von uns erhalten"),
        ({"status": "blocked"}, "derzeit keine Antworten"),
    ],
)
def test_opted_out_or_blocked_practices_see_an_explanation_instead_of_buttons(
    ctx, handlers, client, therapist, change, expected
):
    tid, [item], row = sent_email(ctx, handlers, therapist)
    url = overview(row)
    token = page_token(client.get(url).get_data(as_text=True))
    update = TherapistUpdated.model_validate(
        {**therapist_created(tid).model_dump(mode="json"), **change}
    )
    feed(ctx, handlers, update, producer="therapist_service")
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert expected in html and 'type="radio"' not in html and "Antwort bestätigen" not in html
    refused = confirm(client, url, {item["placement_request_id"]: "accepted"}, token)
    assert refused.status_code == 409
    assert stored_answers(ctx, tid) == []


def test_a_withdrawn_email_explains_itself(ctx, handlers, client, therapist):
    from integration.communication_service.helpers import cancelled

    tid, [item], row = sent_email(ctx, handlers, therapist)
    feed(ctx, handlers, cancelled(item, reason="patient_paused"))
    html = client.get(overview(row)).get_data(as_text=True)
    assert "zurückgezogen" in html and 'type="radio"' not in html


def test_the_page_shows_no_personal_patient_data(ctx, handlers, client, therapist, directory):
    tid, items, row = sent_email(ctx, handlers, therapist, patients=2)
    for item in items:
        directory.patients[item["patient_id"]] = {
            "id": item["patient_id"],
            "first_name": PATIENT_NAMES[0],
            "last_name": PATIENT_NAMES[1],
            "email": PATIENT_NAMES[2],
            "phone": PATIENT_NAMES[3],
        }
    html = client.get(overview(row)).get_data(as_text=True)
    for secret in PATIENT_NAMES:
        assert secret not in html
    for item in items:
        assert str(item["patient_id"]) not in html
        assert f"PR-{item['placement_request_id']}" in html
    # exactly the e-mail's summary: age, gender, insurance, complaint group, availability
    for shown in ("34 Jahre", "weiblich", "gesetzlich versichert (GKV)", "Ängste", "Montag"):
        assert shown in html and shown in row["body_html"]
    assert "Praxisweg" not in html and "Testfeld" not in html  # nor the practice's own data


def test_each_link_is_rate_limited_on_its_own(catcher, directory, therapist):
    clock = FakeClock()
    app = create_app(
        settings(
            smtp_port=catcher.port, rate_limit_enabled=True, answer_link_rate_limit="3/minute"
        ),
        clock=clock,
        directory=directory,
    )
    client = app.test_client()
    signer = app.extensions["psymatch"].answer_link_signer
    one, other = signer.link_token(1, 2), signer.link_token(3, 4)
    assert [client.get(f"/antwort/{one}").status_code for _ in range(4)] == [403] * 3 + [429]
    assert client.post(f"/antwort/{one}").status_code == 429
    assert client.get(f"/antwort/{other}").status_code == 403
    app.extensions["psymatch"].engine.dispose()
