"""Template resources: the catalogue and a preview with sample data."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from communication_service.api.common import NOT_FOUND, STAFF, communication_context
from communication_service.api.schemas.templates import Preview, TemplateList
from communication_service.services import templates
from shared.http.operations import operation

TAGS = ("templates",)


class TemplateListResource(Resource):
    @operation(
        "E-mail templates",
        roles=STAFF,
        tags=TAGS,
        responses={200: ("Templates", TemplateList)},
    )
    def get(self) -> Any:
        return {"items": templates.templates()}


class TemplatePreviewResource(Resource):
    @operation(
        "Render a template with sample data",
        roles=STAFF,
        tags=TAGS,
        responses={200: ("Rendered", Preview), 404: NOT_FOUND},
        audit=("template", "name"),
    )
    def post(self, name: str) -> Any:
        return templates.preview(communication_context(), name)
