"""Audit rows: record references, actions from methods, clipped columns, route declarations."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData

from shared.audit import AUDIT_TABLE, AuditEntry, RecordRef, action_for, audit_entries_table
from shared.http.operations import AuditRecord, audit_records, operation

AT = datetime(2026, 11, 26, 9, 15, tzinfo=UTC)


def entry(**changes):
    values = {
        "at": AT,
        "subject": "staff-anna",
        "role": "staff",
        "action": "update",
        "method": "PATCH",
        "route": "/api/patients/<int:patient_id>",
        "record": RecordRef("patient", "42"),
        "status": 200,
        "request_id": "req-1",
    }
    return AuditEntry(**{**values, **changes})


def test_record_reference_parses_type_and_id():
    assert RecordRef.parse("patient:42") == RecordRef("patient", "42")
    assert RecordRef.parse("job:send-emails") == RecordRef("job", "send-emails")
    assert str(RecordRef("placement_request", "7")) == "placement_request:7"


@pytest.mark.parametrize(
    "text", ["patient", "patient:", ":42", "Patient:42", "patient:4 2", "pa-tient:1", "a:b:c"]
)
def test_malformed_record_references_are_refused(text):
    with pytest.raises(ValueError):
        RecordRef.parse(text)


@pytest.mark.parametrize(
    ("method", "route", "action"),
    [
        ("GET", "/api/patients/<int:patient_id>", "read"),
        ("POST", "/api/patients", "create"),
        ("POST", "/api/placement-requests/<int:request_id>/cancel", "action"),
        ("POST", "/api/jobs/<string:name>/run", "action"),
        ("PUT", "/api/patients/<int:patient_id>/status", "update"),
        ("PATCH", "/api/patients/<int:patient_id>", "update"),
        ("DELETE", "/api/patients/<int:patient_id>", "delete"),
    ],
)
def test_action_follows_from_method_and_route(method, route, action):
    assert action_for(method, route) == action


def test_row_has_the_record_columns_and_no_record_object():
    row = entry().row()
    assert row == {
        "at": AT,
        "subject": "staff-anna",
        "role": "staff",
        "action": "update",
        "method": "PATCH",
        "route": "/api/patients/<int:patient_id>",
        "status": 200,
        "request_id": "req-1",
        "record_type": "patient",
        "record_id": "42",
    }


def test_row_without_record_and_overlong_values_fit_the_columns():
    row = entry(record=None, subject="s" * 500, request_id="r" * 100).row()
    assert row["record_type"] is None and row["record_id"] is None
    assert len(row["subject"]) == 200 and len(row["request_id"]) == 64


def test_table_is_registered_on_the_given_metadata():
    metadata = MetaData(schema="x_service")
    table = audit_entries_table(metadata)
    assert metadata.tables["x_service." + AUDIT_TABLE] is table
    assert [c.name for c in table.columns] == [
        "id",
        "at",
        "subject",
        "role",
        "action",
        "method",
        "route",
        "record_type",
        "record_id",
        "status",
        "request_id",
    ]


def test_a_pair_declares_a_url_variable():
    assert audit_records(("patient", "patient_id")) == (AuditRecord("patient", path="patient_id"),)
    assert audit_records(None) == ()


def test_several_records_keep_their_order():
    declared = (AuditRecord("email", path="email_id"), AuditRecord("patient", response="x"))
    assert audit_records(declared) == declared
    assert audit_records(list(declared)) == declared


def test_a_declaration_needs_exactly_one_source_and_a_snake_type():
    with pytest.raises(ValueError):
        AuditRecord("patient")
    with pytest.raises(ValueError):
        AuditRecord("patient", path="a", query="b")
    with pytest.raises(ValueError):
        AuditRecord("Patient Data", path="a")
    with pytest.raises(TypeError):
        audit_records(("patient", AuditRecord("x", path="y"), "z"))  # type: ignore[arg-type]


def test_operation_keeps_the_declaration_in_its_spec():
    @operation("x", roles=("staff",), audit=("patient", "patient_id"))
    def view(patient_id):
        return {}

    assert view.__openapi__.audit == (AuditRecord("patient", path="patient_id"),)
