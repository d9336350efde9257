"""What stays of a therapist e-mail after a patient's erasure: the pseudonymous references."""

from communication_service.domain.erasure import redaction_note


def test_redaction_note_keeps_only_the_references_of_the_carried_requests():
    note = redaction_note([501, 502])
    assert note == "Inhalt gelöscht (Art. 17 DSGVO). Referenzen: PR-501, PR-502"


def test_redaction_note_without_requests_says_so():
    assert redaction_note([]).endswith("Referenzen: keine")
