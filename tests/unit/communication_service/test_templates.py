"""Every template renders (German, HTML + text); therapist e-mails never carry patient identity."""

from __future__ import annotations

import pytest

from communication_service.clients.rendering import Renderer
from communication_service.domain.errors import UnknownTemplate
from communication_service.domain.templates import (
    SAMPLE_PATIENT,
    SPECS,
    patient_context,
    sample_context,
    therapist_context,
)

SENDER = {
    "name": "Psymatch Therapieplatzvermittlung",
    "address": "Musterweg 1, 52062 Aachen",
    "email": "kontakt@psymatch.example",
    "phone": "0241 000000",
}
RENDERER = Renderer(SENDER)
PATIENT_IDENTITY = ["Erika", "Mustermann", "erika@example.org", "+491701234567", "Hauptstraße"]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_template_renders_in_german_with_both_parts(name):
    rendered = RENDERER.render(name, sample_context(name))
    assert rendered.subject and "\n" not in rendered.subject
    assert "Mit freundlichen Grüßen" in rendered.text
    assert "Mit freundlichen Grüßen" in rendered.html
    assert rendered.html.startswith("<!doctype html>") and 'lang="de"' in rendered.html
    assert "<" not in rendered.text.replace("<br>", "")
    assert "{{" not in rendered.text + rendered.html


@pytest.mark.parametrize("name", [n for n, s in SPECS.items() if s.audience == "therapist"])
def test_therapist_emails_contain_no_patient_name_or_contact_data(name):
    context = sample_context(name)
    rendered = RENDERER.render(name, context)
    for secret in PATIENT_IDENTITY:
        assert secret not in rendered.text and secret not in rendered.html


def test_batch_inquiry_lists_every_pseudonymous_summary():
    rendered = RENDERER.render("therapist_batch_inquiry", sample_context("therapist_batch_inquiry"))
    for part in (rendered.text, rendered.html):
        for expected in (
            "PR-501",
            "PR-502",
            "34 Jahre",
            "weiblich",
            "gesetzlich versichert",
            "Depressive Beschwerden",
            "Montag 09:00–12:00 Uhr",
            "ca. 3,4 km",
            "(dringend)",
            "Sammelanfrage",
        ):
            assert expected in part, expected


def test_html_is_autoescaped_but_text_is_not():
    therapist = {"salutation": "Herr", "last_name": "<b>Bold</b> & Co"}
    context = therapist_context(therapist, [])
    rendered = RENDERER.render("therapist_place_taken", {**context, "reference": "PR-1"})
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in rendered.html
    assert "<b>Bold</b> & Co" in rendered.text


def test_placement_found_carries_the_therapists_contact_data_and_phone_hours():
    rendered = RENDERER.render("patient_placement_found", sample_context("patient_placement_found"))
    for part in (rendered.text, rendered.html):
        assert "Dr. Miriam Beispiel" in part and "+492411234567" in part
        assert "Montag 08:00–08:50 Uhr" in part and "Guten Tag Frau Mustermann" in part


def test_unknown_salutation_gets_a_neutral_greeting():
    assert therapist_context(None, [])["greeting"] == "Sehr geehrte Damen und Herren"
    greeting = patient_context({**SAMPLE_PATIENT, "salutation": None}, 1)["greeting"]
    assert greeting == "Guten Tag Erika Mustermann"


def test_unknown_template_is_refused():
    with pytest.raises(UnknownTemplate):
        RENDERER.render("nope", {})


def test_subject_cannot_inject_headers():
    context = sample_context("therapist_place_taken")
    rendered = RENDERER.render("therapist_place_taken", {**context, "reference": "1\r\nBcc: x"})
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
