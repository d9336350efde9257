"""One test per hard criterion, at its boundary."""

from __future__ import annotations

from datetime import timedelta

from matching_service.domain.criteria import evaluate, first_failure
from matching_service.domain.geo import haversine_km
from matching_service.domain.states import cooling_until

KM_PER_DEGREE_LAT = haversine_km(50.0, 6.0, 51.0, 6.0)


def north_of(km: float) -> float:
    """A latitude `km` north of Aachen's (exact enough: distance along a meridian is linear)."""
    return 50.7766 + km / KM_PER_DEGREE_LAT


def failed(p, t, ctx) -> set[str]:
    return {c.name for c in evaluate(p, t, ctx) if not c.held}


def test_identical_profiles_match(patient, therapist, ctx):
    assert failed(patient(), therapist(), ctx) == set()
    assert first_failure(patient(), therapist(), ctx, 0.0) is None


def test_25_0_km_passes_and_25_1_km_fails(patient, therapist, ctx):
    assert "distance" not in failed(patient(), therapist(latitude=north_of(25.0) - 1e-9), ctx)
    assert "distance" in failed(patient(), therapist(latitude=north_of(25.1)), ctx)


def test_patient_radius_replaces_the_default(patient, therapist, ctx):
    far = therapist(latitude=north_of(30.0))
    assert "distance" not in failed(patient(max_distance_km=40.0), far, ctx)


def test_unknown_location_never_matches(patient, therapist, ctx):
    assert "distance" in failed(patient(latitude=None, longitude=None), therapist(), ctx)
    assert "distance" in failed(patient(location_known=False), therapist(), ctx)
    assert "distance" in failed(patient(), therapist(latitude=None), ctx)


def test_travel_minutes_must_fit_for_the_mode(patient, therapist, ctx):
    # 10 km by bicycle: 10 × 1.3 / 15 km/h = 52 min + 2 min access = 54 min
    t = therapist(latitude=north_of(10.0))
    assert "distance" not in failed(patient(travel_mode="bicycle", max_travel_minutes=55), t, ctx)
    assert "distance" in failed(patient(travel_mode="bicycle", max_travel_minutes=53), t, ctx)
    assert "distance" not in failed(patient(travel_mode="car", max_travel_minutes=25), t, ctx)


def test_inactive_blocked_or_opted_out_therapist_fails(patient, therapist, ctx):
    for t in (therapist(status="blocked"), therapist(status="inactive"), therapist(opted_out=True)):
        assert "status" in failed(patient(), t, ctx)


def test_cooling_ends_exactly_28_days_after_the_answer(patient, therapist, ctx, now):
    answered = now - timedelta(days=28)
    ends = cooling_until(answered, ctx.rules.cooling_period_days)
    assert "status" not in failed(patient(), therapist(cooling_until=ends), ctx)
    just_before = cooling_until(answered + timedelta(seconds=1), ctx.rules.cooling_period_days)
    assert "status" in failed(patient(), therapist(cooling_until=just_before), ctx)


def test_statutory_patient_needs_a_statutory_licence(patient, therapist, ctx):
    private_only = therapist(statutory_licence=False)
    assert "insurance" in failed(patient(insurance_type="statutory"), private_only, ctx)
    assert "insurance" not in failed(patient(insurance_type="private"), private_only, ctx)
    assert "insurance" not in failed(patient(insurance_type="self_pay"), private_only, ctx)


def test_vt_and_tp_offer_matches_a_vt_wish(patient, therapist, ctx, offers):
    both = therapist(offers=offers("VT", "TP"))
    assert "procedure" not in failed(patient(procedures=frozenset({"VT"})), both, ctx)
    assert "procedure" in failed(patient(procedures=frozenset({"AP"})), both, ctx)
    assert "procedure" not in failed(patient(procedures=frozenset()), both, ctx)


def test_therapist_without_offers_never_matches(patient, therapist, ctx):
    assert "procedure" in failed(patient(), therapist(offers=()), ctx)


def test_age_groups_at_17_18_20_and_21(patient, therapist, ctx, offers):
    kids = therapist(offers=offers("VT", age_group="children_adolescents"))
    adults = therapist(offers=offers("VT", age_group="adults"))
    expected = {17: (True, False), 18: (True, True), 20: (True, True), 21: (False, True)}
    for age, (kids_ok, adults_ok) in expected.items():
        assert ("age_group" not in failed(patient(age=age), kids, ctx)) is kids_ok, age
        assert ("age_group" not in failed(patient(age=age), adults, ctx)) is adults_ok, age


def test_age_group_counts_only_offers_of_a_wanted_procedure(patient, therapist, ctx, offers):
    mixed = therapist(offers=offers("VT", age_group="children_adolescents") + offers("TP"))
    assert "age_group" in failed(patient(procedures=frozenset({"VT"})), mixed, ctx)


def test_group_only_patient_needs_a_group_offer(patient, therapist, ctx, offers):
    group_only = patient(group_only=True)
    assert "setting" in failed(group_only, therapist(offers=offers("VT")), ctx)
    assert "setting" not in failed(group_only, therapist(offers=offers("VT", setting="group")), ctx)


def test_group_preferring_therapist_needs_a_patient_open_to_group(patient, therapist, ctx, offers):
    t = therapist(prefers_group=True, offers=offers("VT") + offers("VT", setting="group"))
    assert "setting" in failed(patient(group_ok=False), t, ctx)
    assert "setting" not in failed(patient(group_ok=True), t, ctx)


def test_therapist_gender_wish(patient, therapist, ctx):
    assert "therapist_gender" in failed(patient(therapist_gender="male"), therapist(), ctx)
    assert "therapist_gender" not in failed(patient(therapist_gender="female"), therapist(), ctx)
    assert "therapist_gender" not in failed(
        patient(therapist_gender="any"), therapist(gender="male"), ctx
    )


def test_therapist_age_range_and_patient_gender_wishes(patient, therapist, ctx):
    ranged = therapist(age_min=25, age_max=40)
    assert "therapist_wishes" in failed(patient(age=24), ranged, ctx)
    assert "therapist_wishes" not in failed(patient(age=25), ranged, ctx)
    assert "therapist_wishes" not in failed(patient(age=40), ranged, ctx)
    assert "therapist_wishes" in failed(patient(age=41), ranged, ctx)
    only_men = therapist(patient_genders=frozenset({"male"}))
    assert "therapist_wishes" in failed(patient(gender="female"), only_men, ctx)


def test_required_languages_must_be_a_subset(patient, therapist, ctx):
    t = therapist(languages=frozenset({"en", "tr"}))
    assert "language" not in failed(patient(languages=frozenset({"en"})), t, ctx)
    assert "language" not in failed(patient(languages=frozenset({"de", "en", "tr"})), t, ctx)
    assert "language" in failed(patient(languages=frozenset({"en", "ar"})), t, ctx)


def test_barrier_free_need(patient, therapist, ctx):
    assert "accessibility" in failed(patient(barrier_free=True), therapist(), ctx)
    assert "accessibility" not in failed(
        patient(barrier_free=True), therapist(barrier_free=True), ctx
    )


def test_exclusions_and_pairs_already_asked(patient, therapist, ctx):
    assert "exclusions" in failed(patient(excluded=frozenset({7})), therapist(), ctx)
    assert "exclusions" in failed(patient(already_asked=frozenset({7})), therapist(), ctx)


def test_availability_overlap_of_59_fails_and_60_passes(patient, therapist, ctx):
    t = therapist(consultation_hours={"mon": ["09:00-12:00"]})
    assert "availability" in failed(patient(availability={"mon": ["11:01-13:00"]}), t, ctx)
    assert "availability" not in failed(patient(availability={"mon": ["11:00-13:00"]}), t, ctx)


def test_availability_is_not_checked_when_a_side_has_no_windows(patient, therapist, ctx):
    assert "availability" not in failed(
        patient(availability={"mon": ["18:00-19:00"]}), therapist(), ctx
    )


def test_evaluate_explains_each_criterion(patient, therapist, ctx):
    checks = evaluate(patient(age=None), therapist(status="blocked"), ctx)
    reasons = {c.name: c.reason for c in checks}
    assert reasons["status"] == "therapist is blocked"
    assert reasons["age_group"] == "patient age unknown"
    assert len(checks) == 12
