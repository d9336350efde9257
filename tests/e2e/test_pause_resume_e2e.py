"""A patient pauses while the round's requests are being e-mailed and resumes a week later, over
the whole stack (HTTP, the real broker, PgBouncer, the SMTP catcher): no e-mail or call about
the patient while paused; after the resume the therapists who were never contacted are proposed
again, the one already e-mailed is not, and the consistency check finds nothing (issue 16)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from e2e.test_placement_loop import (  # the stack fixture and helpers of the placement loop
    MAIL,
    Api,
    carried,
    import_practices,
    mails_to,
    new_mails,
    practice,
    register,
    running,
    text_of,
    until,
)

pytestmark = pytest.mark.e2e
__all__ = ["running"]  # the module-scoped stack fixture, used by the test below
JOBS = ("outreach", "send-emails", "follow-ups")
OPEN = {"proposed", "queued", "contacted", "follow_up_scheduled"}


def open_by_therapist(api: Api, patient_id: int) -> dict[int, int]:
    return {r["therapist_id"]: r["id"] for r in api.requests_of(patient_id) if r["status"] in OPEN}


def calls_of(api: Api, therapist_id: int) -> list[dict]:
    return api.call("GET", "communication", f"/api/phone-calls?therapist_id={therapist_id}")[
        "items"
    ]


def test_a_pause_between_planning_and_sending_strands_nobody(running):
    """Failed before issue 16: the pause cancelled the requests still waiting in drafts, and
    "already asked" then excluded those therapists forever, so the resumed patient got nobody
    new."""
    api, tag = Api(), uuid.uuid4().hex[:8]
    before = {p.name for p in MAIL.glob("*.eml")}
    [anna] = import_practices(api, tag, [practice(tag, "Anna", 50.7770, 6.0850)]).values()
    patient = register(api, "Pia", tag)
    until(lambda: anna in open_by_therapist(api, patient), "a request to Anna")
    until(lambda: carried(api, anna) == 1, "Anna's draft")
    api.job("communication", "send-emails")
    until(lambda: mails_to(before, f"anna-{tag}@"), "the inquiry to Anna")

    later = import_practices(
        api, tag, [practice(tag, "Berta", 50.7800, 6.0900), practice(tag, "Carla", 50.7790, 6.0870)]
    )
    berta, carla = later[f"berta-{tag}@praxis.example"], later[f"carla-{tag}@praxis.example"]
    until(lambda: {berta, carla} <= set(open_by_therapist(api, patient)), "requests to B and C")
    for therapist_id in (berta, carla):
        until(lambda t=therapist_id: carried(api, t) == 1, f"a draft for {therapist_id}")
    paused_ids = open_by_therapist(api, patient)

    # The round's e-mails are planned; the patient pauses before they go out.
    api.call("PUT", "patient", f"/api/patients/{patient}/status", json={"status": "paused"})
    until(lambda: not open_by_therapist(api, patient), "the patient's requests cancelled")
    until(lambda: carried(api, berta) == 0 and carried(api, carla) == 0, "drafts emptied")
    sent_before = {p.name for p in MAIL.glob("*.eml")}
    week_later = datetime.now(UTC) + timedelta(days=7)
    for job in JOBS:
        api.job("communication", job, as_of=week_later)
    references = [f"PR-{request_id}" for request_id in paused_ids.values()]
    about_patient = [m for m in new_mails(sent_before) if any(r in text_of(m) for r in references)]
    assert about_patient == [], "no e-mail about a paused patient"
    assert calls_of(api, berta) == [] and calls_of(api, carla) == []

    # A week later the patient resumes: the never-contacted therapists are proposed again.
    api.call("PUT", "patient", f"/api/patients/{patient}/status", json={"status": "searching"})

    def both_again() -> dict[int, int] | None:
        found = open_by_therapist(api, patient)
        return found if {berta, carla} <= set(found) else None

    again = until(both_again, "Berta and Carla proposed again")
    assert anna not in again, "the therapist already e-mailed is never asked twice"

    # ... and the consistency check finds the three services agreeing.
    for therapist_id in (berta, carla):
        until(lambda t=therapist_id: carried(api, t) == 1, f"communication has {therapist_id}")
    check = api.job("patient", "consistency-check")["result"]
    assert check["checked"] >= 1, check
    assert (check["repaired"], check["listed"]) == (0, 0), check
