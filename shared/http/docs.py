"""The human-readable overview of a service's OpenAPI document at `/docs`."""

from __future__ import annotations

import html
from typing import Any


def render_docs(spec: dict[str, Any]) -> str:
    """A dependency-free HTML overview of the OpenAPI document (no CDN needed)."""
    rows = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            roles = ", ".join(op.get("x-roles", [])) or "public"
            rows.append(
                f"<tr><td>{method.upper()}</td><td><code>{html.escape(path)}</code></td>"
                f"<td>{html.escape(op['summary'])}</td><td>{roles}</td></tr>"
            )
    title = html.escape(spec["info"]["title"])
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><h1>{title}</h1><p><a href='/openapi.json'>openapi.json</a></p>"
        f"<table border='1'><tr><th>Method</th><th>Path</th><th>Summary</th><th>Roles</th>"
        f"</tr>{''.join(rows)}</table></body></html>"
    )
