"""The Flask app every service starts from: context, auth, errors, hooks, core routes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar, cast

from flask import Flask, Response, current_app
from flask_restful import Api, Resource
from werkzeug.middleware.proxy_fix import ProxyFix

from shared.audit import audit_writer
from shared.clock import follow
from shared.config import BaseServiceSettings
from shared.context import ServiceContext
from shared.http.audit import install_audit_trail
from shared.http.auth import Authenticator, build_authenticator
from shared.http.clock import CLOCK_RESOURCES, ClockPeers
from shared.http.cors import install_cors
from shared.http.docs import document_assets
from shared.http.errors import render_error
from shared.http.health import HealthChecks
from shared.http.limits import PublicRouteLimit, document_rate_limit, install_rate_limit
from shared.http.observability import configure_logging, install_request_hooks
from shared.http.openapi import build_openapi
from shared.http.ops import CORE_RESOURCES, context
from shared.http.pipeline import Pipeline

__all__ = ["PublicRouteLimit", "Route", "context", "context_of", "create_service_app"]

Route = tuple[type[Resource], str]
Context = TypeVar("Context", bound=ServiceContext)


def context_of(kind: type[Context]) -> Context:
    """The current app's context as the service's own typed context class."""
    ctx = current_app.extensions["psymatch"]
    if not isinstance(ctx, kind):
        raise TypeError(f"this app's context is a {type(ctx).__name__}, not a {kind.__name__}")
    return cast(Context, ctx)


class ServiceApi(Api):
    """flask-restful Api whose errors use the platform's JSON error body."""

    def handle_error(self, e: Exception) -> Response:  # noqa: N802 - flask-restful's name
        return render_error(e)


def create_service_app(
    ctx: ServiceContext,
    title: str,
    routes: Iterable[Route] = (),
    public_limits: Sequence[PublicRouteLimit] = (),
) -> Flask:
    """Build the app: core routes first, then the service's own `routes` (resource, URL);
    `public_limits` budget the requests per URL of public prefixes (signed links)."""
    settings = ctx.settings
    configure_logging(settings.service_name, settings.log_level)
    app = Flask(settings.service_name)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    if settings.trusted_proxy_hops:  # client address (rate limits, audit) from the proxy
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["psymatch"] = ctx
    app.extensions["token_verifier"] = _verifier(settings)
    app.extensions["health"] = HealthChecks(ctx)
    app.extensions["pipeline"] = Pipeline(ctx)
    app.extensions["clock_peers"] = ClockPeers(settings)
    app.before_request(lambda: follow(ctx.clock))  # a PUT /api/clock that returned holds here
    install_request_hooks(app, settings.service_name)
    install_rate_limit(app, settings, public_limits)
    install_cors(app, settings)
    install_audit_trail(app, audit_writer(ctx.session_factory, ctx.tables), ctx.clock)
    app.register_error_handler(Exception, render_error)
    api = ServiceApi(app, catch_all_404s=True)
    for resource, url in [*CORE_RESOURCES, *CLOCK_RESOURCES, *routes]:
        api.add_resource(resource, url)
    spec = document_assets(build_openapi(app, title))
    app.extensions["openapi"] = document_rate_limit(spec, settings)
    return app


def _verifier(settings: BaseServiceSettings) -> Authenticator:
    return build_authenticator(settings)
