"""Behind the reverse proxy the client address (rate limits, audit) comes from X-Forwarded-For
with a configured number of trusted hops, never by default (issue 20)."""

from __future__ import annotations

import pytest
from flask import request

from geocoding_service.app import create_app
from geocoding_service.config import Settings


def seen_address(hops: int) -> str:
    app = create_app(Settings(_env_file=None, trusted_proxy_hops=hops))
    app.add_url_rule("/test-address", "test_address", lambda: {"address": request.remote_addr})
    client = app.test_client()
    answer = client.get(
        "/test-address",
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    return answer.get_json()["address"]


def test_by_default_x_forwarded_for_is_ignored():
    assert seen_address(0) == "10.0.0.2"


def test_with_one_trusted_hop_the_client_address_is_the_forwarded_one():
    """Failed before this change: X-Forwarded-For was never read, so behind a proxy every
    client shared the proxy's address (one rate-limit bucket, one audit address)."""
    assert seen_address(1) == "203.0.113.7"


def test_more_hops_than_allowed_are_refused():
    with pytest.raises(ValueError):
        Settings(_env_file=None, trusted_proxy_hops=6)
