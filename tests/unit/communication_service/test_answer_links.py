"""Answer links without a database: signing, tampering, expiry at its boundary, the form's
answers, and which e-mails carry links (inquiries and reminders; never place-gone or placement)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from communication_service.clients.directory import FakeDirectory
from communication_service.clients.rendering import Renderer
from communication_service.domain import answer_pages as pages
from communication_service.domain.answer_links import (
    AnswerLinkRules,
    AnswerLinkSigner,
    LinkClaims,
    email_links,
    is_expired,
)
from communication_service.domain.emails import Draft
from communication_service.domain.responses import OutcomeEffect
from communication_service.domain.templates import SAMPLE_REQUESTS, SAMPLE_THERAPIST, SPECS
from communication_service.services.composing import compose

SIGNER = AnswerLinkSigner("unit-test-answer-link-secret-unit-test")
RULES = AnswerLinkRules("https://vermittlung.example", 28, 3600, "0241 000000")
SENT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
RENDERER = Renderer({"name": "Psymatch", "address": "Musterweg 1", "email": "a@b.c", "phone": "1"})


def test_a_link_reads_back_as_its_email_and_therapist():
    token = SIGNER.link_token(41, 7)
    assert SIGNER.read_link(token) == LinkClaims(41, 7)
    assert SIGNER.link_token(41, 7) == token  # re-rendering an e-mail keeps its links


def test_any_change_to_a_token_makes_it_invalid():
    token = SIGNER.link_token(41, 7)
    payload, signature = token.rsplit(".", 1)
    for position in range(len(signature) - 1):  # the last character may carry padding bits only
        char = "A" if signature[position] != "A" else "B"
        changed = signature[:position] + char + signature[position + 1 :]
        assert SIGNER.read_link(f"{payload}.{changed}") is None
    other_payload = SIGNER.link_token(42, 7).rsplit(".", 1)[0]
    assert SIGNER.read_link(f"{other_payload}.{signature}") is None  # another e-mail's ids
    assert AnswerLinkSigner("another-secret-another-secret-xx").read_link(token) is None
    for garbage in ("", "x", "a.b", "." * 3, token + "x", "ä" * 10, "a" * 1000):
        assert SIGNER.read_link(garbage) is None


def test_link_tokens_and_page_tokens_never_pass_as_each_other():
    claims = LinkClaims(41, 7)
    page = SIGNER.page_token(claims, SENT)
    assert SIGNER.read_link(page) is None
    assert not SIGNER.page_token_valid(SIGNER.link_token(41, 7), claims, SENT, 3600)
    assert SIGNER.page_token_valid(page, claims, SENT, 3600)
    assert not SIGNER.page_token_valid(page, LinkClaims(42, 7), SENT, 3600)
    assert not SIGNER.page_token_valid(page, LinkClaims(41, 8), SENT, 3600)
    assert not SIGNER.page_token_valid(None, claims, SENT, 3600)
    assert not SIGNER.page_token_valid(page, claims, SENT + timedelta(seconds=3601), 3600)


def test_expiry_at_its_boundary():
    ends = SENT + timedelta(days=RULES.expiry_days)
    assert not is_expired(SENT, ends - timedelta(seconds=1), RULES)
    assert is_expired(SENT, ends, RULES)
    assert is_expired(SENT, ends + timedelta(seconds=1), RULES)
    assert is_expired(None, SENT, RULES)  # never sent: no valid link


def test_the_form_answers_only_requests_of_its_own_email():
    form = {
        "page_token": "t",
        "antwort-501": "accepted",
        "antwort-502": "rejected_other",  # not a link answer
        "antwort-999": "accepted",  # another e-mail's request
        "antwort-x": "accepted",
        "note": "ignored",
    }
    posted = pages.posted_answers(form, [501, 502])
    assert posted.outcomes == [(501, "accepted")]
    assert sorted(posted.ignored) == ["antwort-502", "antwort-999", "antwort-x"]
    assert pages.preselection("999", "accepted", {501}) == {}
    assert pages.preselection("501", "no_show", {501}) == {}
    assert pages.preselection("501", "accepted", {501}) == {501: "accepted"}


def test_effects_of_the_response_use_case_are_told_in_german():
    """Every OutcomeEffect of POST /api/responses has its German text on the page."""
    assert "Zusage" in pages.effect_text("placement_requested", "accepted", True)
    assert "sucht aber noch" in pages.effect_text("late_acceptance", "accepted", False)
    assert "bereits einen Therapieplatz" in pages.effect_text("place_gone", "accepted", True)
    assert "prüft" in pages.effect_text("held_for_staff", "accepted", True)
    assert "notiert" in pages.effect_text("recorded", "rejected_no_capacity", True)
    assert all(effect in pages.EFFECT_TEXTS for effect in OutcomeEffect)
    result = {"outcomes": [{"placement_request_id": 5, "outcome_effect": "place_gone"}]}
    assert pages.reported_effects(result) == {5: "place_gone"}


def _draft(purpose: str, template: str, requests: list[dict], **context) -> Draft:
    row = {
        "id": 77,
        "recipient": "patient" if purpose == "patient" else "therapist",
        "purpose": purpose,
        "template": template,
        "therapist_id": 7,
        "patient_id": 42 if purpose == "patient" else None,
        "context": context,
    }
    return Draft(row, [r["placement_request_id"] for r in requests], requests)


def _links(draft: Draft):
    token = SIGNER.link_token(draft.row["id"], draft.row["therapist_id"])
    return email_links(RULES, token, draft.request_ids)


DIRECTORY = FakeDirectory(
    therapists={7: {**SAMPLE_THERAPIST, "id": 7}},
    patients={42: {"id": 42, "salutation": "Frau", "last_name": "Muster", "email": "p@x.de"}},
)


@pytest.mark.parametrize(
    ("purpose", "template", "count"),
    [("outreach", "", 1), ("outreach", "", 2), ("reminder", "therapist_reminder", 2)],
)
def test_inquiries_and_reminders_carry_links_per_patient_in_both_parts(purpose, template, count):
    requests = SAMPLE_REQUESTS[:count]
    draft = _draft(purpose, template, requests, first_contact_date="05.01.2026")
    composed = compose(draft, DIRECTORY, RENDERER, _links)
    token = SIGNER.link_token(77, 7)
    for body in (composed.text, composed.html.replace("&amp;", "&")):
        assert body.count(f"https://vermittlung.example/antwort/{token}?anfrage=") == 3 * count
        assert "Zur Übersicht" in body
        for request in requests:
            for outcome in ("accepted", "rejected_no_capacity", "rejected_not_suitable"):
                assert f"anfrage={request['placement_request_id']}&antwort={outcome}" in body
    for label in ("Platz frei – ich melde mich", "Kein Platz frei", "Passt nicht"):
        assert composed.text.count(label) == count and composed.html.count(label) == count


def test_place_gone_and_placement_emails_carry_no_answer_links():
    place_gone = _draft("place_taken", "therapist_place_taken", [], reference="PR-501")
    placement = _draft("patient", "patient_placement_found", [], therapist_id=7)
    for draft in (place_gone, placement):
        composed = compose(draft, DIRECTORY, RENDERER, _links)
        assert composed.problem is None, composed
        for body in (composed.text, composed.html):
            assert "/antwort/" not in body and "Zur Übersicht" not in body
            assert "Platz frei –" not in body
    # nor can they show links when handed link data: their templates have no place for them
    for name in ("therapist_place_taken", "patient_placement_found"):
        assert SPECS[name]
        for suffix in ("html", "txt"):
            source = RENDERER.env.loader.get_source(RENDERER.env, f"{name}.{suffix}")[0]
            assert "overview_url" not in source and "answer_links" not in source
            assert "_patients" not in source
