"""What the console sends the services: an RS256 token per person, minutes of lifetime, the
role the page needs (an admin does the placement work as staff), never the menu of a page
that does not exist."""

from __future__ import annotations

import importlib.util

import pytest
from support.console import url

from staff_console.views import MENU

pytestmark = pytest.mark.integration


def patients_page(console) -> None:
    console.api.get(
        url("patient", "/api/patients"),
        json={"items": [], "page": 1, "per_page": 20, "total": 0},
    )


def test_staff_pages_send_a_staff_token_naming_the_person(console):
    patients_page(console)
    client = console.client("staff", username="lena-tokens")
    assert client.get("/patientinnen").status_code == 200
    claims = console.bearer_claims()
    assert claims["sub"] == "console:lena-tokens" and claims["role"] == "staff"
    assert claims["iss"] == "psymatch-staff-console"
    assert claims["exp"] - claims["iat"] <= 120


def test_an_admin_works_as_staff_on_the_placement_pages_and_as_admin_on_admin_pages(console):
    patients_page(console)
    console.api.get(
        url("scraping", "/api/imports"),
        json={"items": [], "page": 1, "per_page": 20, "total": 0},
    )
    client = console.client("admin", username="root-tokens")
    assert client.get("/patientinnen").status_code == 200
    assert console.bearer_claims()["role"] == "staff"
    assert client.get("/importe/").status_code == 200
    claims = console.bearer_claims()
    assert (claims["sub"], claims["role"]) == ("console:root-tokens", "admin")


def test_every_menu_entry_has_its_page(console):
    for module, endpoint, _, _ in MENU:
        assert importlib.util.find_spec(f"staff_console.views.{module}"), module
        assert endpoint in console.app.view_functions, endpoint
