"""Schemas of `GET /api/symptoms`: the symptom catalogue."""

from __future__ import annotations

from pydantic import BaseModel


class SymptomRead(BaseModel):
    code: str
    label_de: str
    group: str
    crisis: bool


class SymptomListRead(BaseModel):
    items: list[SymptomRead]
