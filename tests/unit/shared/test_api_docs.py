"""`/docs` is Swagger UI served by the service itself (issue 20): local assets only, the
service's own document, bearer-token entry. Failed before this change: `/docs` was a plain
HTML table, `/docs/assets/...` answered 404 and the document had no global `security`."""

from __future__ import annotations

import importlib
import re

import pytest

from shared.config import SERVICE_NAMES
from shared.http.docs import ASSETS

SECRET = "docs-test-secret-docs-test-secret-xx"
URL_ATTRIBUTE = re.compile(r"""(?:src|href)\s*=\s*['"]([^'"]*)['"]""", re.IGNORECASE)


def build_app(service):
    settings_cls = importlib.import_module(f"{service}.config").Settings
    create_app = importlib.import_module(f"{service}.app").create_app
    return create_app(settings_cls(jwt_secret=SECRET, _env_file=None))


@pytest.fixture(scope="module")
def client():
    return build_app("geocoding_service").test_client()


def test_docs_is_swagger_ui_referencing_only_local_urls(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    urls = URL_ATTRIBUTE.findall(page)
    assert "docs/assets/swagger-ui-bundle.js" in urls
    assert "docs/assets/swagger-ui.css" in urls
    for url in urls:
        assert not re.match(r"^([a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE), url
    assert "http://" not in page and "https://" not in page


def test_the_start_script_loads_the_services_own_document_and_no_online_validator(client):
    response = client.get("/docs/assets/swagger-init.js")
    assert response.status_code == 200
    script = response.get_data(as_text=True)
    assert '"url": "openapi.json"' in script
    assert '"validatorUrl": null' in script
    assert "http://" not in script and "https://" not in script


@pytest.mark.parametrize("name, mimetype", ASSETS.items())
def test_every_asset_is_served_with_its_content_type_and_no_token(client, name, mimetype):
    response = client.get(f"/docs/assets/{name}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert len(response.data) > 100


def test_the_swagger_ui_bundle_is_version_5_which_renders_openapi_3_1(client):
    bundle = client.get("/docs/assets/swagger-ui-bundle.js").get_data(as_text=True)
    assert "SwaggerUIBundle" in bundle
    assert 'version:"5.' in bundle or "5.34.0" in bundle


@pytest.mark.parametrize("name", ["nope.js", "..%2Fdocs.py", "LICENSE", "index.css"])
def test_other_names_are_404(client, name):
    response = client.get(f"/docs/assets/{name}")
    assert response.status_code == 404


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_the_document_declares_bearer_auth_globally_and_public_operations_opt_out(service):
    document = build_app(service).test_client().get("/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert document["security"] == [{"bearerAuth": []}]
    for path, item in document["paths"].items():
        for method, op in item.items():
            expected = [{"bearerAuth": []}] if op.get("x-roles") else []
            assert op["security"] == expected, (method, path)
    assert document["paths"]["/docs"]["get"]["security"] == []
    asset = document["paths"]["/docs/assets/{name}"]["get"]
    assert asset["security"] == []
    assert asset["parameters"][0]["schema"]["enum"] == sorted(ASSETS)
