"""`@operation` query parsing: list fields take repeats, single fields refuse them."""

from flask import Flask
from pydantic import BaseModel

from shared.http.errors import ApiError, render_error
from shared.http.operations import query_arguments


class Query(BaseModel):
    q: str | None = None
    procedure: list[str] = []


def parse(url: str):
    app = Flask("t")
    with app.test_request_context(url):
        return query_arguments(Query)


def test_single_value_fields_take_one_value():
    assert parse("/x?q=anna") == {"q": "anna"}


def test_repeated_single_value_parameter_is_a_400():
    try:
        parse("/x?q=a&q=b")
    except ApiError as exc:
        assert exc.status == 400 and "q" in exc.details
    else:
        raise AssertionError("repeated parameter accepted")


def test_list_fields_collect_every_value():
    assert parse("/x?procedure=VT&procedure=TP") == {"procedure": ["VT", "TP"]}


def test_database_data_errors_are_400_not_500():
    from sqlalchemy.exc import DataError

    app = Flask("t")
    with app.test_request_context("/"):
        response = render_error(DataError("INSERT", {}, ValueError("NUL character")))
    assert response.status_code == 400
