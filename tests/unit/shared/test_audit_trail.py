"""The audit hook with a fake writer: what is recorded, what not, and failures never silent."""

import logging

import pytest
from flask import Flask
from flask_restful import Resource

from shared.audit import RecordRef
from shared.clock import FakeClock
from shared.http.app_factory import ServiceApi
from shared.http.audit import install_audit_trail, record_filter, values_at
from shared.http.auth import TokenVerifier, issue_token
from shared.http.errors import ApiError, render_error
from shared.http.observability import install_request_hooks
from shared.http.operations import AuditRecord, operation

SECRET = "audit-unit-secret-audit-unit-secret"
CLOCK = FakeClock()


class FakeWriter:
    def __init__(self):
        self.entries = []
        self.fail = False

    def write(self, entries):
        if self.fail:
            raise ConnectionError("database down")
        self.entries.extend(entries)


class PatientResource(Resource):
    @operation("read", roles=("staff",), audit=("patient", "patient_id"))
    def get(self, patient_id):
        if patient_id == 404:
            raise ApiError(404, "no such patient")
        return {"id": patient_id, "first_name": "Anna"}

    @operation("change", roles=("staff",), audit=("patient", "patient_id"))
    def patch(self, patient_id):
        return {"id": patient_id}


class PatientListResource(Resource):
    @operation("list", roles=("staff",), audit=AuditRecord("patient", response="items.id"))
    def get(self):
        return {"items": [{"id": 1, "last_name": "Muster"}, {"id": 2}, {"id": 1}]}

    @operation("register", roles=("staff",), audit=AuditRecord("patient", response="id"))
    def post(self):
        return {"id": 77, "email": "anna@example.org"}, 201


class EmailListResource(Resource):
    @operation(
        "emails",
        roles=("staff",),
        audit=(
            AuditRecord("patient", query="patient_id"),
            AuditRecord("patient", response="items.patient_id"),
        ),
    )
    def get(self):
        return {"items": []}


class CatalogueResource(Resource):
    @operation("undeclared read", roles=("staff",))
    def get(self):
        return {"items": []}

    @operation("undeclared write", roles=("staff",))
    def post(self):
        return {"ok": True}


class ResolutionResource(Resource):
    @operation(
        "resolve",
        roles=("service",),
        audit=AuditRecord("subject", response="subject_id", type_from="subject_type"),
    )
    def post(self):
        return {"subject_type": "therapist", "subject_id": 9}


@pytest.fixture
def writer():
    return FakeWriter()


@pytest.fixture
def client(writer):
    app = Flask("test_service")
    app.extensions["token_verifier"] = TokenVerifier(SECRET)
    install_request_hooks(app, "test_service")
    install_audit_trail(app, writer, CLOCK)
    app.register_error_handler(Exception, render_error)
    api = ServiceApi(app, catch_all_404s=True)
    api.add_resource(PatientListResource, "/api/patients")
    api.add_resource(PatientResource, "/api/patients/<int:patient_id>")
    api.add_resource(EmailListResource, "/api/emails")
    api.add_resource(CatalogueResource, "/api/catalogue")
    api.add_resource(ResolutionResource, "/api/resolutions")
    return app.test_client()


def bearer(role="staff", subject="staff-anna"):
    return {"Authorization": f"Bearer {issue_token(SECRET, subject, role)}"}


def records(writer):
    return [
        (e.record.record_type, e.record.record_id) if e.record else None for e in writer.entries
    ]


def test_a_write_is_recorded_with_subject_route_template_and_record(client, writer):
    response = client.patch("/api/patients/42", headers={**bearer(), "X-Request-ID": "req-9"})
    assert response.status_code == 200
    [entry] = writer.entries
    assert (entry.subject, entry.role, entry.action, entry.method) == (
        "staff-anna",
        "staff",
        "update",
        "PATCH",
    )
    assert entry.route == "/api/patients/<int:patient_id>"
    assert entry.record == RecordRef("patient", "42")
    assert (entry.status, entry.request_id, entry.at) == (200, "req-9", CLOCK.now())


def test_a_create_takes_the_new_id_from_the_answer_and_nothing_else(client, writer):
    client.post("/api/patients", headers=bearer())
    [entry] = writer.entries
    assert (entry.action, entry.record, entry.status) == ("create", RecordRef("patient", "77"), 201)
    assert "anna@example.org" not in repr(entry.row())


def test_a_patient_read_is_recorded_even_when_it_fails(client, writer):
    client.get("/api/patients/5", headers=bearer())
    client.get("/api/patients/404", headers=bearer())
    assert records(writer) == [("patient", "5"), ("patient", "404")]
    assert [e.status for e in writer.entries] == [200, 404]
    assert {e.action for e in writer.entries} == {"read"}


def test_a_list_read_records_each_listed_patient_once(client, writer):
    client.get("/api/patients", headers=bearer())
    assert records(writer) == [("patient", "1"), ("patient", "2")]


def test_a_list_filtered_by_patient_records_the_patient_even_when_empty(client, writer):
    client.get("/api/emails?patient_id=12", headers=bearer())
    client.get("/api/emails?patient_id=Anna", headers=bearer())
    assert records(writer) == [("patient", "12")]


def test_undeclared_reads_are_not_recorded_but_undeclared_writes_are(client, writer):
    client.get("/api/catalogue", headers=bearer())
    client.post("/api/catalogue", headers=bearer())
    assert records(writer) == [None]
    assert writer.entries[0].route == "/api/catalogue"


def test_the_record_type_can_come_from_the_answer(client, writer):
    client.post("/api/resolutions", headers=bearer("service", "patient_service"))
    assert records(writer) == [("therapist", "9")]


def test_unauthenticated_and_forbidden_calls_are_not_recorded(client, writer):
    assert client.patch("/api/patients/42").status_code == 401
    assert client.patch("/api/patients/42", headers=bearer("admin")).status_code == 403
    assert writer.entries == []


def test_a_write_whose_entry_fails_keeps_its_answer_and_logs_an_error(client, writer, caplog):
    writer.fail = True
    with caplog.at_level(logging.ERROR, logger="shared.http.audit"):
        response = client.patch("/api/patients/42", headers=bearer())
    assert response.status_code == 200
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert logged.audit_entries[0]["record_id"] == "42"
    assert logged.audit_entries[0]["subject"] == "staff-anna"


def test_a_patient_read_whose_entry_fails_is_refused(client, writer):
    writer.fail = True
    response = client.get("/api/patients/5", headers=bearer())
    assert response.status_code == 503
    assert "Anna" not in response.get_data(as_text=True)
    assert response.json["error"]["code"] == "service_unavailable"


def test_values_under_a_dotted_path_walk_lists():
    data = {"items": [{"patients": [{"patient_id": 1}, {"patient_id": 2}]}, {"patients": []}]}
    assert values_at(data, "items.patients.patient_id") == [1, 2]
    assert values_at({"id": 3}, "id") == [3]
    assert values_at({"error": {}}, "items.id") == []
    assert values_at(None, "id") == []


def test_record_filter_parses_or_says_the_expected_form():
    assert record_filter(None) is None
    assert record_filter("patient:42") == RecordRef("patient", "42")
    with pytest.raises(ApiError) as caught:
        record_filter("42")
    assert caught.value.status == 400
    assert "<record_type>:<record_id>" in caught.value.message
