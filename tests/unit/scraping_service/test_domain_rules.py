"""Parsing rules: names, opening hours, offers, languages, contacts (domain and 116117 parser)."""

from __future__ import annotations

import pytest

from scraping_service import domain
from scraping_service.clients import listings
from scraping_service.domain import listing_fields
from scraping_service.domain.hours import parse_range
from scraping_service.domain.listing_fields import weekday_of


@pytest.mark.parametrize(
    ("titel", "vorname", "name", "expected"),
    [
        ("Dr.", "Miriam", "Dr. Miriam Testfeld", ("Dr.", "Miriam", "Testfeld")),
        ("", "", "Dr. med. Hans von Bergen", ("Dr. med.", "Hans", "von Bergen")),
        ("", "Jan", "Jan Von Der Heide", (None, "Jan", "von der Heide")),
        ("", "Anna", "Anna MÜLLER-LÜDENSCHEIDT", (None, "Anna", "Müller-Lüdenscheidt")),
        ("", "", "Van", (None, None, "Van")),
        ("Dr.", "Ute", "Testfeld", ("Dr.", "Ute", "Testfeld")),
        # "Null" is a real surname (failed before: it was taken for a placeholder).
        ("", "Eva", "Eva Null", (None, "Eva", "Null")),
        ("", "", "Null", (None, None, "Null")),
        ("", "", "   ", (None, None, None)),
        ("", "", None, (None, None, None)),
        ("M.Sc.", "Lena", "M.Sc. Lena  Koch", ("M.Sc.", "Lena", "Koch")),
    ],
)
def test_names_are_split_and_cleaned(titel, vorname, name, expected):
    person = domain.parse_person("Frau", titel, vorname, name)
    assert (person.title, person.first, person.last) == expected


@pytest.mark.parametrize(
    ("geschlecht", "anrede", "fg", "expected"),
    [
        ("W", "", [], "female"),
        ("M", "Frau", [], "male"),
        ("D", "", [], "diverse"),
        ("", "Herr", [], "male"),
        ("", "", ["Psychologische Psychotherapeutin"], "female"),
        (None, None, ["Psychologischer Psychotherapeut"], "unspecified"),
    ],
)
def test_gender_comes_from_code_then_salutation_then_specialty(geschlecht, anrede, fg, expected):
    assert domain.gender_of(geschlecht, anrede, fg) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00-08:50", "08:00-08:50"),
        ("8:00 - 12:00", "08:00-12:00"),
        ("14.00-16.30", "14:00-16:30"),
        ("09:00 bis 10:00 Uhr", "09:00-10:00"),
        ("12:00-11:00", None),
        ("25:00-26:00", None),
        ("abends", None),
        ("23:00-24:00", "23:00-24:00"),
    ],
)
def test_time_ranges_are_read_leniently_but_validated(text, expected):
    assert parse_range(text) == expected


def test_weekday_comes_from_an_iso_date_or_the_abbreviation():
    assert weekday_of({"d": "2026-11-24"}) == "tue"
    assert weekday_of({"d": "24.11.", "t": "Mo."}) == "mon"
    assert weekday_of({"d": "24.11."}) is None


def test_calendar_days_of_both_shapes_fold_into_weekdays():
    hours = listing_fields.fold_opening_hours(
        [
            {
                "d": "24.11.",
                "t": "Mo.",
                "tszDesTyps": [
                    {
                        "typ": "Telefonische Erreichbarkeit",
                        "sprechzeiten": [{"zeit": "08:00-08:50"}],
                    }
                ],
            },
            {
                "d": "2026-11-30",
                "typTsz": [
                    {
                        "typ": "Telefonische Erreichbarkeit",
                        "sprechzeiten": [{"z": "12:30 - 13:00"}],
                    },
                    {"typ": "Sprechstunde ohne Termin", "sprechzeiten": [{"z": "09:00 - 12:00"}]},
                ],
            },
            {"d": "2026-12-01", "typTsz": [{"typ": "Hausbesuch", "sprechzeiten": []}]},
            "garbage",
        ]
    )
    assert hours.phone == {"mon": ["08:00-08:50", "12:30-13:00"]}
    assert hours.consultation == {"mon": ["09:00-12:00"]}
    assert len(hours.problems) == 2


def test_psy_strings_map_to_offers_and_services_are_ignored():
    offers, problems = listing_fields.offers_from(
        [
            "Verhaltenstherapie für Erwachsene in Einzeltherapie",
            "Verhaltenstherapie für Erwachsene in Gruppentherapie",
            "Tiefenpsychologisch fundierte Psychotherapie für Kinder und Jugendliche",
            "Psychotherapeutische Sprechstunde",
            42,
            None,
        ]
    )
    assert offers == [
        ("VT", "adults", "individual"),
        ("VT", "adults", "group"),
        ("TP", "children_adolescents", "individual"),
    ]
    assert problems == []


def test_languages_are_iso_codes_and_unknown_names_are_reported():
    codes, problems = listing_fields.languages_from(
        ["Englisch", {"value": "Französisch"}, "Deutsch", "Farsi", "Persisch", "Elbisch"]
    )
    assert codes == ["en", "fa", "fr"] and problems == ["fs: unknown language 'Elbisch'"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["rollstuhlgerecht"], True),
        (["barrierefreier Zugang"], True),
        (["nicht barrierefrei"], False),
        (["Parkplätze"], False),
    ],
)
def test_barrier_free_hints(values, expected):
    assert (
        listing_fields.barrier_free([{"heading": "Barrierefreiheit", "values": values}]) is expected
    )


def test_fg_accepts_strings_and_value_objects():
    assert listing_fields.fachgebiete(["A", {"value": "B"}, {"key": "x"}, None]) == ["A", "B"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("www.praxis.de", "https://www.praxis.de"),
        ("HTTPS://Praxis.DE/", "https://praxis.de"),
        ("http://praxis.de/team?x=1", "http://praxis.de/team?x=1"),
        ("", None),
        ("null", None),
        ("ftp://praxis.de", None),
        ("nur telefonisch", None),
    ],
)
def test_websites_are_normalised(raw, expected):
    assert listings.clean_website(raw)[0] == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("52062", "52062"),
        (1067, "01067"),
        (" 50 667 ", "50667"),
        ("5206", "05206"),
        ("520621", None),
        ("abcde", None),
        (None, None),
    ],
)
def test_postal_codes(raw, expected):
    assert domain.clean_postal_code(raw) == expected


def test_coordinates_outside_germany_are_dropped():
    assert domain.valid_coordinates("50.77", 6.08) == (50.77, 6.08)
    assert domain.valid_coordinates(0, 0) is None
    assert domain.valid_coordinates(6.08, 50.77) is None
    assert domain.valid_coordinates(None, "x") is None
