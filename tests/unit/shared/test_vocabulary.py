"""The shared vocabulary: stored values are the ones docs/domain.md names."""

from shared import vocabulary as v


def test_values_match_the_domain_vocabulary():
    assert v.values(v.Procedure) == ("VT", "TP", "AP", "ST")
    assert v.values(v.AgeGroup) == ("adults", "children_adolescents")
    assert v.values(v.Setting) == ("individual", "group")
    assert v.values(v.Capacity) == ("yes", "no", "unknown")
    assert v.values(v.Channel) == ("email", "phone", "link")
    assert tuple(v.CONTACT_CHANNELS) == ("email", "phone")  # link: an answer channel only
    assert v.values(v.TherapistStatus) == ("active", "blocked", "inactive")
    assert v.values(v.ResponseOutcome) == (
        "accepted",
        "rejected_no_capacity",
        "rejected_not_suitable",
        "rejected_other",
        "no_show",
    )


def test_members_compare_equal_to_their_stored_strings():
    assert v.Capacity.NO == "no"
    assert f"{v.Procedure.VT}" == "VT"
