"""Pure therapist rules: offers as sets, source diffs, distances, bounding boxes, practice keys."""

import pytest

from therapist_service.domain.fields import MANUAL_FIELDS, SOURCE_FIELDS, diff_fields
from therapist_service.domain.geo import EARTH_RADIUS_KM, bounding_box, haversine_km
from therapist_service.domain.offers import Offer, normalise_offers, offers_match, procedures_of
from therapist_service.domain.practices import practice_keys


def offers(*triples):
    return [Offer(p, a, s) for p, a, s in triples]


VT_TP = offers(("VT", "adults", "individual"), ("TP", "adults", "individual"))


@pytest.mark.parametrize("wanted", [["VT"], ["TP"], ["VT", "AP"], []])
def test_a_vt_and_tp_therapist_matches_a_patient_who_wants_either(wanted):
    assert offers_match(VT_TP, wanted)


def test_a_vt_and_tp_therapist_does_not_match_an_ap_only_wish():
    assert not offers_match(VT_TP, ["AP"])


def test_offers_are_never_collapsed_to_one_value():
    raw = [
        {"procedure": "TP", "age_group": "adults", "setting": "group"},
        {"procedure": "VT", "age_group": "children_adolescents", "setting": "individual"},
        {"procedure": "VT", "age_group": "children_adolescents", "setting": "individual"},
    ]
    normalised = normalise_offers(raw)
    assert len(normalised) == 2
    assert procedures_of(Offer.from_dict(o) for o in normalised) == {"VT", "TP"}


def test_age_group_and_setting_must_hold_in_the_same_offer():
    mixed = offers(("VT", "adults", "group"), ("TP", "children_adolescents", "individual"))
    assert offers_match(mixed, ["VT"], "adults", "group")
    assert not offers_match(mixed, ["VT"], "children_adolescents")
    assert not offers_match(mixed, ["TP"], setting="group")


def test_diff_lists_only_changed_source_fields_present_in_the_incoming_record():
    current = {"city": "Aachen", "phone": "+492411", "status": "blocked", "languages": ["en"]}
    incoming = {"city": "Aachen", "phone": "+492412", "status": "active", "languages": ["en", "tr"]}
    changes = diff_fields(current, incoming)
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("phone", "+492411", "+492412"),
        ("languages", ["en"], ["en", "tr"]),
    ]


def test_manual_and_source_fields_do_not_overlap():
    assert not set(MANUAL_FIELDS) & set(SOURCE_FIELDS)


def test_haversine_known_distance_aachen_cologne():
    assert haversine_km(50.7753, 6.0839, 50.9375, 6.9603) == pytest.approx(64.3, abs=0.5)


@pytest.mark.parametrize("lat,lon", [(50.77, 6.08), (54.8, 9.4), (47.4, 10.3), (0.0, 0.0)])
def test_bounding_box_contains_every_point_on_the_radius(lat, lon):
    box = bounding_box(lat, lon, 25)
    for bearing in range(0, 360, 15):
        plat, plon = _destination(lat, lon, 24.99, bearing)
        assert box.south <= plat <= box.north and box.west <= plon <= box.east


def _destination(lat, lon, km, bearing):
    import math

    delta, theta = km / EARTH_RADIUS_KM, math.radians(bearing)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(
        math.sin(p1) * math.cos(delta) + math.cos(p1) * math.sin(delta) * math.cos(theta)
    )
    l2 = l1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(p1),
        math.cos(delta) - math.sin(p1) * math.sin(p2),
    )
    return math.degrees(p2), math.degrees(l2)


def test_practice_keys_normalise_email_case():
    assert practice_keys(" Praxis@X.example ", "+492411") == {
        "email:praxis@x.example",
        "phone:+492411",
    }
    assert practice_keys(None, "") == set()
