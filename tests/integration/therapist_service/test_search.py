"""Search: filters, radius with distances (nearest first), and the GiST index in the plan."""

import random

import pytest
from integration.therapist_service.helpers import new_therapist
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from therapist_service.domain.search import Filters, Near
from therapist_service.store.search import search_query

pytestmark = pytest.mark.integration
VT = {"procedure": "VT", "age_group": "adults", "setting": "individual"}
TP_KIDS = {"procedure": "TP", "age_group": "children_adolescents", "setting": "group"}


@pytest.fixture
def spot():
    """A random empty spot in the Atlantic, so other tests' therapists are never near."""
    return random.uniform(-40, -30), random.uniform(-40, -20)


@pytest.fixture
def placed(client, staff, spot, token_word):
    lat, lon = spot
    specs = [
        ("near", 0.05, [VT], ["en"]),
        ("mid", 0.15, [VT, TP_KIDS], []),
        ("edge", 0.22, [TP_KIDS], ["tr"]),
        ("far", 0.40, [VT], ["en"]),
    ]
    made = {}
    for name, dlat, offers, languages in specs:
        made[name] = new_therapist(
            client,
            staff,
            last_name=f"{token_word}{name}",
            latitude=lat + dlat,
            longitude=lon,
            offers=offers,
            languages=languages,
            postal_code="99" + str(len(made)) * 3,
        )
    return made


def names(response, token_word):
    assert response.status_code == 200, response.json
    return [item["last_name"].removeprefix(token_word) for item in response.json["items"]]


def test_radius_search_returns_the_nearest_first_with_distances(
    client, staff, spot, placed, token_word
):
    lat, lon = spot
    response = client.get(
        f"/api/therapists?near_lat={lat}&near_lon={lon}&radius_km=25", headers=staff
    )
    assert names(response, token_word) == ["near", "mid", "edge"]
    distances = [item["distance_km"] for item in response.json["items"]]
    assert distances == sorted(distances) and 24 < distances[-1] < 25
    assert response.json["total"] == 3


@pytest.mark.parametrize(
    "query,expected",
    [
        ("procedure=TP", ["mid", "edge"]),
        ("procedure=VT&age_group=children_adolescents", []),
        ("procedure=TP&age_group=children_adolescents&setting=group", ["mid", "edge"]),
        ("language=en", ["near", "far"]),
        ("postal_code=992", ["edge"]),
        ("accepting=unknown", ["near", "mid", "edge", "far"]),
        ("accepting=yes", []),
        ("status=active&per_page=2&page=2", ["edge", "far"]),
    ],
)
def test_filters_combine_with_the_text_query(client, staff, placed, token_word, query, expected):
    response = client.get(f"/api/therapists?q={token_word}&{query}", headers=staff)
    assert names(response, token_word) == expected


def test_half_a_radius_query_is_a_400(client, staff):
    response = client.get("/api/therapists?near_lat=50.1", headers=staff)
    assert response.status_code == 400
    response = client.get("/api/therapists?near_lat=91&near_lon=0&radius_km=-1", headers=staff)
    assert set(response.json["error"]["details"]) >= {"near_lat", "radius_km"}


def test_like_wildcards_in_q_are_literal(client, staff, placed, token_word):
    assert names(client.get("/api/therapists?q=%25_%25", headers=staff), token_word) == []


def test_radius_query_uses_the_gist_index(ctx):
    stmt = search_query(Filters(status="active", near=Near(50.94, 6.96, 25))).limit(20)
    compiled = stmt.compile(dialect=postgresql.dialect())
    with ctx.engine.connect() as conn, conn.begin() as tx:
        conn.execute(
            text(
                "INSERT INTO therapist_service.therapists (source, last_name, latitude, longitude) "
                "SELECT 'manual', 'explain-' || i, 47.3 + random() * 7.7, 5.9 + random() * 9.1 "
                "FROM generate_series(1, 20000) AS i"
            )
        )
        conn.execute(text("ANALYZE therapist_service.therapists"))
        plan = "\n".join(
            conn.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).scalars()
        )
        tx.rollback()
    assert "ix_therapists_location" in plan, plan
    assert "Seq Scan" not in plan, plan
