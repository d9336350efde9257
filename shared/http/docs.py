"""Swagger UI at `/docs`, served by the service itself (no CDN), with its assets under
`/docs/assets/<name>`.

The Swagger UI files (Apache-2.0, SmartBear) come from the pinned pip package
`flask-swagger-ui` (its `dist/` folder); only the files the page needs are served, from an
allow-list. The page loads the service's own `/openapi.json`; its "Authorize" button takes a
bearer token (the document declares the `bearerAuth` scheme). Every URL in the page and in
the start script is relative, so the page also works behind a reverse proxy with a path prefix.
"""

from __future__ import annotations

import html
import json
from importlib.resources import files
from typing import Any

ASSETS_PATH = "/docs/assets"

# name -> mimetype; `swagger-init.js` is ours (below), the rest comes from the package.
ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-init.js": "text/javascript",
}

_UI_CONFIG = {
    "url": "openapi.json",  # relative to the page: this service's own document
    "dom_id": "#swagger-ui",
    "deepLinking": True,
    "validatorUrl": None,  # never ask validator.swagger.io about the document
    "persistAuthorization": False,  # a token typed into Authorize lives only in the tab
    "displayRequestDuration": True,
}

INIT_SCRIPT = (
    "window.onload = function () {\n"
    f"  var config = {json.dumps(_UI_CONFIG)};\n"
    "  config.presets = [SwaggerUIBundle.presets.apis];\n"
    '  config.layout = "BaseLayout";\n'
    "  window.ui = SwaggerUIBundle(config);\n"
    "};\n"
)


def asset_bytes(name: str) -> bytes | None:
    """The content of an allowed asset, or None for any other name."""
    if name not in ASSETS:
        return None
    if name == "swagger-init.js":
        return INIT_SCRIPT.encode()
    return (files("flask_swagger_ui") / "dist" / name).read_bytes()


def render_docs(spec: dict[str, Any]) -> str:
    """The Swagger UI page; without JavaScript it shows a plain table of the operations."""
    title = html.escape(spec["info"]["title"])
    assets = ASSETS_PATH.lstrip("/")
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<link rel='stylesheet' href='{assets}/swagger-ui.css'></head><body>"
        f"<div id='swagger-ui'></div><noscript>{_overview(spec, title)}</noscript>"
        f"<script src='{assets}/swagger-ui-bundle.js'></script>"
        f"<script src='{assets}/swagger-init.js'></script></body></html>"
    )


def _overview(spec: dict[str, Any], title: str) -> str:
    rows = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            roles = ", ".join(op.get("x-roles", [])) or "public"
            rows.append(
                f"<tr><td>{method.upper()}</td><td><code>{html.escape(path)}</code></td>"
                f"<td>{html.escape(op['summary'])}</td><td>{roles}</td></tr>"
            )
    return (
        f"<h1>{title}</h1><p><a href='openapi.json'>openapi.json</a></p>"
        f"<table border='1'><tr><th>Method</th><th>Path</th><th>Summary</th><th>Roles</th>"
        f"</tr>{''.join(rows)}</table>"
    )


def document_assets(spec: dict[str, Any]) -> dict[str, Any]:
    """Narrow the asset route's `name` to the allow-list in the OpenAPI document."""
    op = spec["paths"].get(f"{ASSETS_PATH}/{{name}}", {}).get("get")
    if op is not None:
        for parameter in op["parameters"]:
            if parameter["name"] == "name":
                parameter["schema"] = {"type": "string", "enum": sorted(ASSETS)}
    return spec
