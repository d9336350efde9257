"""Property tests: haversine is symmetric, zero on identical points, close to geodesic."""

from __future__ import annotations

from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from geocoding_service.domain.distances import haversine_km, haversine_many
from geocoding_service.domain.locations import Point

lat_de = st.floats(min_value=47.27, max_value=55.06, allow_nan=False)
lon_de = st.floats(min_value=5.87, max_value=15.04, allow_nan=False)
lat_any = st.floats(min_value=-90, max_value=90, allow_nan=False)
lon_any = st.floats(min_value=-180, max_value=180, allow_nan=False)


@given(lat_any, lon_any, lat_any, lon_any)
def test_haversine_is_symmetric(lat1, lon1, lat2, lon2):
    assert abs(haversine_km(lat1, lon1, lat2, lon2) - haversine_km(lat2, lon2, lat1, lon1)) < 1e-9


@given(lat_any, lon_any)
def test_haversine_is_zero_on_identical_points(lat, lon):
    assert haversine_km(lat, lon, lat, lon) == 0.0


@settings(max_examples=300)
@given(lat_de, lon_de, lat_de, lon_de)
def test_haversine_is_within_half_a_percent_of_geodesic_inside_germany(lat1, lon1, lat2, lon2):
    exact = geodesic((lat1, lon1), (lat2, lon2)).km
    approx = haversine_km(lat1, lon1, lat2, lon2)
    assert abs(approx - exact) <= 0.005 * exact + 1e-6


@given(lat_de, lon_de, st.lists(st.tuples(lat_de, lon_de), min_size=1, max_size=20))
def test_batch_distances_equal_single_distances(lat, lon, points):
    batch = haversine_many(Point(lat, lon), [Point(a, b) for a, b in points])
    singles = [haversine_km(lat, lon, a, b) for a, b in points]
    assert all(abs(x - y) < 1e-9 for x, y in zip(batch, singles, strict=True))
