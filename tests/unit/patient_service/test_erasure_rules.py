"""Erasure rules: audit values scrubbed, overall status, the geocoding link, peer reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from patient_service.clients.geocoding import HttpGeocoder
from patient_service.clients.peers import PeerClient, PeerUnavailable
from patient_service.domain.erasure import ERASED_VALUE, erasure_status, scrub_changes
from patient_service.domain.locations import Address, address_of

NOW = datetime(2027, 1, 15, 10, 0, tzinfo=UTC)


def test_scrubbed_audit_entry_keeps_field_names_and_status_but_no_personal_value():
    changes = {
        "first_name": [None, "Zoraide"],
        "email": ["a@b.example", "c@d.example"],
        "status": ["registered", "searching"],
        "birth_date": [None, "1961-07-23"],
    }
    assert scrub_changes(changes) == {
        "first_name": ERASED_VALUE,
        "email": ERASED_VALUE,
        "status": ["registered", "searching"],
        "birth_date": ERASED_VALUE,
    }


@pytest.mark.parametrize(
    ("completed", "expected"),
    [
        ([], "not_requested"),
        ([NOW, None], "in_progress"),
        ([NOW, NOW, NOW, NOW], "completed"),
    ],
)
def test_erasure_is_completed_only_when_every_service_completed(completed, expected):
    assert erasure_status([{"completed_at": at} for at in completed]) == expected


def test_the_address_of_a_stored_patient_names_the_patient_for_the_geocoding_link():
    values = {"id": 42, "street": "Weg", "house_number": "1", "postal_code": "52062"}
    assert address_of(values) == Address("Weg", "1", "52062", "", 42)


class Answer:
    def __init__(self, status: int, body=None) -> None:
        self.status_code, self._body = status, body

    def json(self):
        if self._body is None:
            raise ValueError("not json")
        return self._body


class FakeHttp:
    def __init__(self, answers) -> None:
        self.answers, self.calls = list(answers), []

    def get(self, url, params=None, headers=None, timeout=None):
        self.calls.append((url, params))
        return self.answers.pop(0)

    def post(self, url, json=None, headers=None, timeout=None):
        self.calls.append((url, json))
        return self.answers.pop(0)


def test_geocoding_lookups_for_a_patient_carry_the_subject():
    http = FakeHttp([Answer(200, {"lat": 50.7, "lon": 6.1, "precision": "street"})])
    client = HttpGeocoder("http://geo.test", lambda: "t", session=http)  # type: ignore[arg-type]
    client.locate(Address("Weg", "1", "52062", "Aachen", 42))
    assert http.calls[0][1]["subject_type"] == "patient"
    assert http.calls[0][1]["subject_id"] == 42


def test_a_patient_address_travels_in_the_body_never_in_the_url():
    """Failed before this change: street, postal code and patient id were query parameters,
    so they ended up in the access logs."""
    http = FakeHttp([Answer(200, {"lat": 50.7, "lon": 6.1, "precision": "street"})])
    client = HttpGeocoder("http://geo.test", lambda: "t", session=http)  # type: ignore[arg-type]
    client.locate(Address("Weg", "1", "52062", "Aachen", 42))
    [(url, body)] = http.calls
    assert url == "http://geo.test/api/geocode" and "?" not in url
    assert body["street"] == "Weg" and body["postal_code"] == "52062"


def test_peer_lists_are_followed_page_by_page():
    pages = [
        Answer(200, {"items": [1, 2], "total": 3}),
        Answer(200, {"items": [3], "total": 3}),
    ]
    http = FakeHttp(pages)
    client = PeerClient({"matching_service": "http://m"}, lambda: "t", session=http)  # type: ignore[arg-type]
    assert client.get_all("matching_service", "/api/x", {"patient_id": 7}) == [1, 2, 3]
    assert [c[1]["page"] for c in http.calls] == [1, 2]


def test_a_missing_route_is_none_and_an_error_answer_refuses_the_export():
    http = FakeHttp([Answer(404), Answer(500)])
    client = PeerClient({"scraping_service": "http://s"}, lambda: "t", session=http)  # type: ignore[arg-type]
    assert client.get_all("scraping_service", "/api/audit", {}) is None
    with pytest.raises(PeerUnavailable) as refused:
        client.get("scraping_service", "/api/audit")
    assert refused.value.service == "scraping_service"
