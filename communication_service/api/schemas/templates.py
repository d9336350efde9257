"""Schemas of `GET /api/templates` and the preview."""

from __future__ import annotations

from pydantic import BaseModel


class TemplateRead(BaseModel):
    name: str
    audience: str
    description: str


class TemplateList(BaseModel):
    items: list[TemplateRead]


class Preview(BaseModel):
    name: str
    subject: str
    text: str
    html: str
