"""Use case `erase_patient` on in-memory fakes: the patient's entries go, the event reports it."""

from __future__ import annotations

from unit.geocoding_service.fakes import POLICY, FakeGeocodingUnitOfWork

from geocoding_service.domain.locations import Location, Precision
from geocoding_service.services.erasure import erase_patient
from shared.clock import FakeClock
from shared.events.geocoding import GeocodingPatientErased

HOME = Location(50.7766, 6.0854, Precision.street, "nominatim", "52062")


def seeded(clock: FakeClock) -> FakeGeocodingUnitOfWork:
    uow = FakeGeocodingUnitOfWork()
    for key in ("home", "work", "other"):
        uow.cache.store(key, HOME, clock.now(), POLICY)
    uow.subjects.link("patient", 42, "home", clock.now())
    uow.subjects.link("patient", 42, "work", clock.now())
    uow.subjects.link("patient", 43, "other", clock.now())
    return uow


def test_erasure_deletes_the_patients_entries_and_links_only():
    clock = FakeClock()
    uow = seeded(clock)
    assert erase_patient(uow, clock, 42) == 2
    assert set(uow.cache.entries) == {"other"}
    assert uow.subjects.links == {("patient", 43, "other")}
    assert uow.commits == 1


def test_erasure_reports_the_count_in_geocoding_patient_erased():
    clock = FakeClock()
    uow = seeded(clock)
    erase_patient(uow, clock, 42)
    [(event, occurred_at)] = uow.events.recorded
    assert isinstance(event, GeocodingPatientErased)
    assert (event.patient_id, event.counts) == (42, {"cache_entries_deleted": 2})
    assert event.completed_at == occurred_at == clock.now()


def test_erasing_a_patient_without_lookups_still_reports_zero():
    clock = FakeClock()
    uow = FakeGeocodingUnitOfWork()
    assert erase_patient(uow, clock, 99) == 0
    [event] = uow.events.of(GeocodingPatientErased)
    assert event.counts == {"cache_entries_deleted": 0} and uow.commits == 1
