"""The driver: runs a scenario against the running stack, one simulated day after the other.

Each day it moves the stack's clock (`PUT /api/clock`), lets the patients of the day arrive,
pause, resume or cancel (simulated staff, `POST /api/patients`, `PUT .../status`), runs the jobs
(`POST /api/jobs/<name>/run`), waits until every service has caught up (`GET /api/pipeline`),
reads what the system sent (the SMTP catcher's folder, the day's call list) and answers as the
practices' hidden behaviour says: e-mail answers (`POST /api/responses`) on the day the
practice answers, call outcomes (`PUT /api/phone-calls/<id>/outcome`) at the call's slot.
What it saw goes into an observation log that the invariants are checked on after every day.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scripts import generate_data
from shared.vocabulary import ResponseOutcome
from simulation.stack_api import CaughtMail, Mailbox, StackApi

BERLIN = ZoneInfo("Europe/Berlin")
MORNING, ANSWERS, EVENING = 7, 10, 19  # hours of the simulated day (Europe/Berlin)
MAX_SEND_ROUNDS = 50
STAFF_TEAM = 4


@dataclass
class Contact:
    """One outreach contact the system made: an e-mail or a call, to a practice, about patients."""

    channel: str  # "email" | "phone"
    practice: str  # the 116117 id
    at: datetime
    patients: tuple[int, ...]  # simulation indexes
    call_slot: tuple[datetime, datetime] | None = None


@dataclass
class Observations:
    """Everything the driver saw or did, in simulated time."""

    contacts: list[Contact] = field(default_factory=list)
    answers: list[tuple[str, datetime]] = field(default_factory=list)  # practice, recorded at
    acceptances: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    placed_day: dict[int, int] = field(default_factory=dict)
    status: dict[int, list[tuple[datetime, str]]] = field(default_factory=lambda: defaultdict(list))
    calls_per_day: dict[int, int] = field(default_factory=lambda: defaultdict(int))


class SystemRun:
    """One run of the scenario through the system."""

    def __init__(
        self,
        api: StackApi,
        world: Any,
        hidden: Any,
        mailbox: Mailbox,
        progress: Callable[[str], None] = print,
    ) -> None:
        self.api, self.world, self.hidden, self.mailbox = api, world, hidden, mailbox
        self.progress = progress
        self.obs = Observations()
        self.patient_ids: dict[int, int] = {}  # simulation index -> patient id
        self.index_of: dict[int, int] = {}  # patient id -> simulation index
        self.practice_of: dict[int, str] = {}  # therapist id -> 116117 id
        self.practice_by_email: dict[str, str] = {}
        self.therapist_of: dict[str, int] = {}
        self.request_patient: dict[int, int] = {}  # placement request id -> patient id
        self.pending_answers: dict[int, list[tuple[int, int, list[int]]]] = defaultdict(list)
        self.started = time.monotonic()

    # -- set-up ---------------------------------------------------------------------------

    def at(self, day: int, hour: int, minute: int = 0) -> datetime:
        when = self.world.start + timedelta(days=day)
        return datetime(when.year, when.month, when.day, hour, minute, tzinfo=BERLIN)

    def set_up(self) -> None:
        """Move the clock to the first morning, import the practices, learn their ids."""
        self.api.set_clock(self.at(0, MORNING - 1))
        self.mailbox.skip_existing()
        documents = generate_data.upload_documents(self.world.practices, "simulation")
        body = {"area": "simulation", "full_run": False, "responses": []}
        for document in documents:
            body["responses"].extend(document["responses"])
        run = self.api.call("POST", "scraping", "/api/imports", (202,), admin=True, json=body)
        self._wait_import(run["id"])
        for therapist in self.api.pages("therapist", "/api/therapists"):
            external = therapist.get("external_id")
            if external:
                self.practice_of[therapist["id"]] = external
                self.therapist_of[external] = therapist["id"]
        for record in self.world.practices:
            if record.get("email"):
                self.practice_by_email[record["email"].lower()] = record["id"]

    def _wait_import(self, run_id: int) -> None:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            self.api.job("scraping", "process-imports")
            run = self.api.call("GET", "scraping", f"/api/imports/{run_id}?per_page=1", admin=True)
            if run["status"] in {"succeeded", "failed", "stopped"}:
                if run["status"] != "succeeded":
                    raise RuntimeError(f"the practices' import ended {run['status']}")
                self.api.settle(600)
                return
            time.sleep(0.5)
        raise TimeoutError("the practices' import did not finish in 600 s")

    # -- the days ---------------------------------------------------------------------------

    def run(self, check: Callable[[SystemRun, int], dict[str, int]]) -> list[dict[str, int]]:
        """Every day of the scenario; `check` gives the invariant counts after each day."""
        counts = []
        for day in range(self.world.days):
            self.day(day)
            found = check(self, day)
            counts.append(found)
            self._progress(day, found)
        return counts

    def day(self, day: int) -> None:
        working = self.world.is_working_day(day)
        self.api.set_clock(self.at(day, MORNING))
        self.patient_events(day)
        self.api.settle()
        self.run_jobs()
        self.read_mail(day)
        if working:
            self.api.set_clock(self.at(day, ANSWERS))
            self.answer_emails(day)
            self.api.settle()
            self.make_calls(day)
            self.api.settle()
        self.api.set_clock(self.at(day, EVENING))
        self.api.job("matching", "expire-requests")
        self.api.settle()
        self.note_placements(day)

    def run_jobs(self) -> None:
        """Matching first, then outreach, sending until nothing is left, then the follow-ups."""
        self.api.job("matching", "matching-round")
        self.api.settle()
        self.api.job("communication", "outreach")
        self.api.settle()
        for _ in range(MAX_SEND_ROUNDS):
            if not self.api.job_result("communication", "send-emails").get("delivered"):
                break
        self.api.settle()
        self.api.job("communication", "follow-ups")
        self.api.settle()

    # -- patients ---------------------------------------------------------------------------

    def patient_events(self, day: int) -> None:
        now = self.at(day, MORNING)
        for plan in self.world.arrivals(day):
            self.register(plan, now)
        for plan, status in self.world.status_changes(day):
            patient_id = self.patient_ids.get(plan.index)
            if patient_id is None or plan.index in self.obs.placed_day:
                continue
            response = self.api.send(
                "PUT",
                "patient",
                f"/api/patients/{patient_id}/status",
                who=plan.index,
                json={"status": status},
            )
            if response.status_code == 200:
                self.obs.status[plan.index].append((now, status))

    def register(self, plan: Any, now: datetime) -> None:
        body = dict(plan.body, urgent=plan.urgent)
        created = self.api.call("POST", "patient", "/api/patients", (201,), who=plan.index, json=body)
        patient_id = int(created["id"])
        self.patient_ids[plan.index], self.index_of[patient_id] = patient_id, plan.index
        self.api.call(
            "PUT",
            "patient",
            f"/api/patients/{patient_id}/status",
            who=plan.index,
            json={"status": "searching"},
        )
        self.obs.status[plan.index].append((now, "searching"))

    def note_placements(self, day: int) -> None:
        for patient in self.api.pages("patient", "/api/patients?status=placed"):
            index = self.index_of.get(patient["id"])
            if index is not None and index not in self.obs.placed_day:
                self.obs.placed_day[index] = day
                self.obs.status[index].append((self.at(day, EVENING), "placed"))

    # -- e-mails ----------------------------------------------------------------------------

    def read_mail(self, day: int) -> None:
        """Every outreach e-mail caught today: logged, and its answer planned as the practice
        would give it (or not)."""
        for mail in self.mailbox.new():
            practice = self.practice_by_email.get(mail.to)
            if practice is None:
                continue  # to a patient
            email_row = self._email_of(mail, practice)
            if email_row is None or email_row["purpose"] != "outreach":
                continue
            request_ids = list(email_row["placement_request_ids"])
            patients = tuple(self._index_of_request(r, practice) for r in request_ids)
            sent_at = datetime.fromisoformat(email_row["sent_at"])
            self.obs.contacts.append(Contact("email", practice, sent_at, patients))
            delay = self.hidden.email_answer_delay(practice, patients, day)
            if delay is not None:
                answer_day = self.world.working_day_after(day, delay)
                self.pending_answers[answer_day].append(
                    (self.therapist_of[practice], email_row["id"], request_ids)
                )

    def _email_of(self, mail: CaughtMail, practice: str) -> dict[str, Any] | None:
        therapist_id = self.therapist_of[practice]
        for item in self.api.pages("communication", f"/api/emails?therapist_id={therapist_id}"):
            if item.get("message_id") and item["message_id"].strip("<>") == mail.message_id.strip(
                "<>"
            ):
                return self.api.call("GET", "communication", f"/api/emails/{item['id']}")
        return None

    def _index_of_request(self, request_id: int, practice: str) -> int:
        if request_id not in self.request_patient:
            therapist_id = self.therapist_of[practice]
            path = f"/api/placement-requests?therapist_id={therapist_id}"
            for item in self.api.pages("matching", path):
                self.request_patient[item["id"]] = item["patient_id"]
        return self.index_of[self.request_patient[request_id]]

    def answer_emails(self, day: int) -> None:
        now = self.at(day, ANSWERS)
        for therapist_id, _email_id, request_ids in self.pending_answers.pop(day, []):
            practice = self.practice_of[therapist_id]
            outcomes = [
                {
                    "placement_request_id": r,
                    "outcome": self._answer(practice, r, day),
                }
                for r in request_ids
            ]
            body = {"therapist_id": therapist_id, "channel": "email", "outcomes": outcomes}
            response = self.api.send("POST", "communication", "/api/responses", json=body)
            if response.status_code in (200, 201):
                self.obs.answers.append((practice, now))
                self._count_acceptances(practice, outcomes)

    def _answer(self, practice: str, request_id: int, day: int) -> str:
        patient = self.index_of[self.request_patient[request_id]]
        return str(self.hidden.outcome(practice, patient, day))

    def _count_acceptances(self, practice: str, outcomes: list[dict[str, Any]]) -> None:
        for outcome in outcomes:
            if outcome["outcome"] == ResponseOutcome.ACCEPTED:
                patient = self.index_of[self.request_patient[outcome["placement_request_id"]]]
                self.obs.acceptances[patient] += 1

    # -- calls ------------------------------------------------------------------------------

    def make_calls(self, day: int) -> None:
        """The day's scheduled calls in slot order; the clock is at each slot's start."""
        path = f"/api/phone-calls?date={self.at(day, 0).date().isoformat()}&status=scheduled"
        calls = sorted(
            self.api.pages("communication", path), key=lambda c: (c["slot_start"] or "", c["id"])
        )
        now = self.at(day, ANSWERS)
        for call in calls:
            slot_start = datetime.fromisoformat(call["slot_start"])
            slot_end = datetime.fromisoformat(call["slot_end"])
            if slot_start > now:
                now = slot_start
                self.api.set_clock(now)
            self.call_practice(call, now, (slot_start, slot_end), day)

    def call_practice(
        self, call: dict[str, Any], now: datetime, slot: tuple[datetime, datetime], day: int
    ) -> None:
        practice = self.practice_of[call["therapist_id"]]
        for item in call["patients"]:
            self.request_patient[item["placement_request_id"]] = item["patient_id"]
        patients = tuple(self.index_of[item["patient_id"]] for item in call["patients"])
        self.obs.contacts.append(Contact("phone", practice, now, patients, slot))
        self.obs.calls_per_day[day] += 1
        reached = self.hidden.reached(practice, day)
        outcomes = (
            [
                {
                    "placement_request_id": item["placement_request_id"],
                    "outcome": self._answer(practice, item["placement_request_id"], day),
                }
                for item in call["patients"]
            ]
            if reached
            else []
        )
        body = {"reached": reached, "outcomes": outcomes}
        response = self.api.send(
            "PUT", "communication", f"/api/phone-calls/{call['id']}/outcome", json=body
        )
        if response.status_code == 200 and reached:
            self.obs.answers.append((practice, now))
            self._count_acceptances(practice, outcomes)

    # -- progress ---------------------------------------------------------------------------

    def _progress(self, day: int, violations: dict[str, int]) -> None:
        emails = sum(1 for c in self.obs.contacts if c.channel == "email")
        calls = sum(1 for c in self.obs.contacts if c.channel == "phone")
        when: date = self.at(day, 0).date()
        self.progress(
            f"day {day + 1:3d} ({when:%a %d.%m.}): placed {len(self.obs.placed_day)}, "
            f"e-mails {emails}, calls {calls}, invariant violations {sum(violations.values())} "
            f"[{time.monotonic() - self.started:.0f} s]"
        )
