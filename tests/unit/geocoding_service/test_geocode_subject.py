"""`GET /api/geocode` takes an optional subject, complete or not at all."""

import pytest
from pydantic import ValidationError

from geocoding_service.api.schemas.geocoding import GeocodeQuery


def test_a_subject_comes_with_type_and_id():
    query = GeocodeQuery(postal_code="52062", subject_type="patient", subject_id=42)
    assert (query.subject_type, query.subject_id) == ("patient", 42)


@pytest.mark.parametrize("half", [{"subject_type": "patient"}, {"subject_id": 42}])
def test_half_a_subject_is_refused(half):
    with pytest.raises(ValidationError):
        GeocodeQuery(postal_code="52062", **half)
