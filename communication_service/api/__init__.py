"""REST resources of the communication service."""

from __future__ import annotations

from flask_restful import Api


def register_routes(api: Api) -> None:
    """Add this service's resources to the app."""
