"""A patient's age changes without any edit: the daily `announce-birthdays` job publishes
patient.updated (changed_fields ["age"]) for searching and paused patients born on the day, so
matching re-checks the age rule of open requests (issue 16, item 9). Before this change a patient
who turned 18 or 21 kept the old age in every service until some other change was made."""

from __future__ import annotations

from datetime import UTC, date, datetime

from integration.patient_service.conftest import SECRET
from sqlalchemy import text

from patient_service.domain.dates import birthdays_on
from shared.http.auth import issue_token

ADMIN = {"Authorization": f"Bearer {issue_token(SECRET, 'admin-eva', 'admin')}"}
BIRTHDAY = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 in Berlin


def born_on_2_march(app, ids: bool = False):
    """The searching or paused patients born on a 2 March (their count, or their ids)."""
    query = text(
        "SELECT id FROM patient_service.patients WHERE status IN ('searching', 'paused') "
        "AND EXTRACT(MONTH FROM birth_date) = 3 AND EXTRACT(DAY FROM birth_date) = 2"
    )
    with app.extensions["psymatch"].engine.connect() as conn:
        found = list(conn.execute(query).scalars())
    return found if ids else len(found)


def updates_of(outbox, app, patient_id: int) -> list[dict]:
    return [e for e in outbox(app, patient_id) if e["event_type"] == "patient.updated"]


def test_a_searching_patient_turning_18_is_announced_with_the_new_age(
    app, client, auth, create, clock, outbox
):
    turning = create(birth_date="2008-03-02")
    other = create(birth_date="2008-03-03")
    for patient in (turning, other):
        client.put(
            f"/api/patients/{patient['id']}/status", json={"status": "searching"}, headers=auth
        )
    clock.set(BIRTHDAY)
    # other tests of the session leave patients behind; those born on 2 March count too
    before = born_on_2_march(app)

    ran = client.post("/api/jobs/announce-birthdays/run", json={}, headers=ADMIN)

    assert ran.status_code == 200, ran.get_json()
    assert ran.get_json()["result"] == {"announced": before}
    assert turning["id"] in born_on_2_march(app, ids=True)
    [announced] = updates_of(outbox, app, turning["id"])
    assert announced["payload"]["age"] == 18
    assert announced["payload"]["changed_fields"] == ["age"]
    assert updates_of(outbox, app, other["id"]) == []


def test_patients_not_searching_or_paused_are_not_announced(app, client, create, clock, outbox):
    registered = create(birth_date="2008-03-02")  # still `registered`: matching does not know it
    clock.set(BIRTHDAY)
    client.post("/api/jobs/announce-birthdays/run", json={}, headers=ADMIN)
    assert updates_of(outbox, app, registered["id"]) == []


def test_29_february_birthdays_are_announced_on_1_march_of_other_years():
    assert birthdays_on(date(2027, 3, 1)) == [(3, 1), (2, 29)]
    assert birthdays_on(date(2028, 3, 1)) == [(3, 1)]
    assert birthdays_on(date(2028, 2, 29)) == [(2, 29)]
