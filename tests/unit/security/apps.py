"""A minimal service app built by the shared factory (no database, no broker touched)."""

from __future__ import annotations

from flask_restful import Resource
from pydantic import BaseModel, ConfigDict
from sqlalchemy import create_engine
from support.tokens import token_for

from shared.clock import FakeClock, OverridableClock
from shared.config import BaseServiceSettings
from shared.context import ServiceContext
from shared.db import make_session_factory
from shared.http.app_factory import create_service_app
from shared.http.operations import operation
from shared.outbox import OutboxWriter

SECRET = "security-test-secret-security-test-secret"
LEAKED_DETAIL = "password=hunter2 in /srv/psymatch/secret_module.py"


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str


class NoteListResource(Resource):
    @operation("Notes", roles=("staff", "admin"))
    def get(self):
        return {"items": []}

    @operation("Write a note", roles=("staff", "admin"), body=NoteIn, responses={201: ("", None)})
    def post(self, body: NoteIn):
        return {"text": body.text}, 201


class BrokenResource(Resource):
    @operation("Fails unexpectedly", roles=("staff",))
    def get(self):
        raise RuntimeError(LEAKED_DETAIL)


ROUTES = [(NoteListResource, "/api/notes"), (BrokenResource, "/api/broken")]


def build_app(**overrides):
    """The shared app factory with a never-connected engine and the given settings."""
    settings = BaseServiceSettings(
        service_name="patient_service", jwt_secret=SECRET, _env_file=None, **overrides
    )
    engine = create_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    ctx = ServiceContext(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        tables={},
        clock=OverridableClock(FakeClock()),
        outbox=OutboxWriter(None, "patient_service", "patient-events"),
    )
    return create_service_app(ctx, "security test app", ROUTES)


def bearer(role: str = "staff", subject: str = "tester") -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(SECRET, subject, role)}"}
