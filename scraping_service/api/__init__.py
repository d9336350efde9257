"""REST resources of the scraping service."""

from __future__ import annotations

from flask_restful import Api

from scraping_service.api.resources import (
    ImportListResource,
    ImportResource,
    LiveResource,
    LiveStopResource,
)


def register_routes(api: Api) -> None:
    """Add this service's resources to the app."""
    api.add_resource(ImportListResource, "/api/imports")
    api.add_resource(ImportResource, "/api/imports/<int:run_id>")
    api.add_resource(LiveResource, "/api/live")
    api.add_resource(LiveStopResource, "/api/live/stop")
