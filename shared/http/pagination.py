"""`?page=&per_page=` parsing (max 100) and the list body of docs/architecture.md."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

MAX_PER_PAGE = 100


class PageQuery(BaseModel):
    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=20, ge=1, le=MAX_PER_PAGE)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page_body(items: list[Any], query: PageQuery, total: int) -> dict[str, Any]:
    return {"items": items, "page": query.page, "per_page": query.per_page, "total": total}
