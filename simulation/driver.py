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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from communication_service.domain.calls import CallState
from scripts import generate_data
from shared import rules
from shared.patient_vocabulary import PatientStatus
from shared.vocabulary import CoolingAfter, ResponseOutcome, answer_starts_cooling
from simulation import checks, invariants
from simulation.behaviour import NOBODY, Behaviour, PracticeState
from simulation.results import SYSTEM, PatientOutcome, StrategyResult
from simulation.stack_api import CaughtMail, Mailbox, StackApi
from simulation.workdays import WorkCalendar
from simulation.world import Patient, World

BERLIN = ZoneInfo("Europe/Berlin")
# The simulated day (Europe/Berlin): jobs at 07:00, the e-mail answers that came in are
# recorded at 07:30, the calls at their slots (phone hours begin at 08:00 at the earliest),
# the day ends at 19:00.
MORNING, EVENING = 7, 19
ANSWERS = (7, 30)
MAX_SEND_ROUNDS = 50
LOOKUP_THREADS = 6  # read-only look-ups of caught e-mails, side by side
COOLING = timedelta(days=rules.COOLING_PERIOD_DAYS)
SCHEDULED = CallState.SCHEDULED.value
OPEN_REQUEST_STATES = ("proposed", "queued", "contacted", "follow_up_scheduled")


@dataclass
class Observations:
    """Everything the driver saw or did, in simulated time (patients and practices by their
    simulation index)."""

    log: invariants.ObservationLog = field(default_factory=invariants.ObservationLog)
    acceptances: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    held_acceptances: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    placed_day: dict[int, int] = field(default_factory=dict)
    emails: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    calls: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    messages: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    calls_per_day: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def status(self, patient: int, at: datetime, status: str) -> None:
        self.log.statuses.setdefault(patient, []).append(invariants.StatusChange(at, status))


class SystemRun:
    """One run of a scenario through the system."""

    def __init__(
        self,
        api: StackApi,
        world: World,
        mailbox: Mailbox,
        progress: Callable[[str], None] = print,
        strategy: str = SYSTEM,
        cooling_after: CoolingAfter = CoolingAfter.ANY_ANSWER,
    ) -> None:
        self.api, self.world, self.mailbox, self.progress = api, world, mailbox, progress
        self.strategy, self.cooling_after = strategy, cooling_after
        self.behaviour = Behaviour(world)
        self.places = PracticeState()
        self.calendar = WorkCalendar(world.scenario.start, world.scenario.horizon_days)
        self.obs = Observations()
        self.patient_ids: dict[int, int] = {}  # simulation index -> patient id
        self.index_of: dict[int, int] = {}  # patient id -> simulation index
        self.practice_of: dict[int, int] = {}  # therapist id -> practice index
        self.practice_by_email: dict[str, int] = {}
        self.therapist_of: dict[int, int] = {}  # practice index -> therapist id
        self.request_patient: dict[int, int] = {}  # placement request id -> patient id
        self.pending_answers: dict[int, list[tuple[int, list[int]]]] = defaultdict(list)
        self.reported: set[invariants.Violation] = set()
        self.lookups = ThreadPoolExecutor(LOOKUP_THREADS, thread_name_prefix="lookup")
        self.started = time.monotonic()

    # -- set-up ---------------------------------------------------------------------------

    def at(self, day: int, hour: int, minute: int = 0) -> datetime:
        when = self.calendar.date_of(day)
        return datetime(when.year, when.month, when.day, hour, minute, tzinfo=BERLIN)

    def set_up(self) -> None:
        """Move the clock to the first morning, import the practices, learn their ids."""
        self.api.set_clock(self.at(0, MORNING - 1))
        self.mailbox.skip_existing()
        records = [p.record for p in self.world.practices]
        responses = []
        for document in generate_data.upload_documents(records, "simulation"):
            responses.extend(document["responses"])
        body = {"area": "simulation", "full_run": False, "responses": responses}
        run = self.api.call("POST", "scraping", "/api/imports", (202,), admin=True, json=body)
        self._wait_import(run["id"])
        index_by_external = {p.record["id"]: p.index for p in self.world.practices}
        for therapist in self.api.pages("therapist", "/api/therapists"):
            index = index_by_external.get(therapist.get("external_id"))
            if index is not None:
                self.practice_of[therapist["id"]], self.therapist_of[index] = index, therapist["id"]
        for practice in self.world.practices:
            if practice.record.get("email"):
                self.practice_by_email[practice.record["email"].lower()] = practice.index
        missing = len(self.world.practices) - len(self.therapist_of)
        if missing:
            raise RuntimeError(f"{missing} practices are not in the therapist service")

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

    def run(self) -> list[dict[str, int]]:
        """Every day of the scenario; the invariant counts after each day."""
        found = []
        for day in range(self.world.scenario.horizon_days):
            self.day(day)
            counts = self.check()
            found.append(counts)
            self._progress(day, counts)
        return found

    def day(self, day: int) -> None:
        self.api.set_clock(self.at(day, MORNING))
        self.patient_events(day)
        self.api.settle()
        self.run_jobs()
        self.learn_requests()
        self.read_mail(day)
        if self.calendar.is_working_day(day):
            self.api.set_clock(self.at(day, *ANSWERS))
            self.answer_emails(day)
            self.api.settle()
            self.make_calls(day)
            self.api.settle()
        self.api.set_clock(self.at(day, EVENING))
        # matching runs every hour in production: by the evening, requests closed during the
        # day have been replaced
        self.api.job("matching", "expire-requests")
        self.api.settle()
        self.api.job("matching", "matching-round")
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
        for patient in self.world.patients:
            plan = patient.plan
            if plan.arrival_day == day:
                self.register(patient, now)
            elif patient.index in self.patient_ids and patient.index not in self.obs.placed_day:
                change = self._status_change(plan, day)
                if change:
                    self.change_status(patient.index, change, now)

    @staticmethod
    def _status_change(plan: Any, day: int) -> str | None:
        if plan.cancel_day == day:
            return PatientStatus.CANCELLED
        if plan.pause and plan.pause[0] == day:
            return PatientStatus.PAUSED
        if plan.pause and plan.pause[1] == day and plan.cancel_day is None:
            return PatientStatus.SEARCHING
        return None

    def register(self, patient: Patient, now: datetime) -> None:
        created = self.api.call(
            "POST", "patient", "/api/patients", (201,), who=patient.index, json=patient.body
        )
        patient_id = int(created["id"])
        self.patient_ids[patient.index], self.index_of[patient_id] = patient_id, patient.index
        self.change_status(patient.index, PatientStatus.SEARCHING, now)

    def change_status(self, index: int, status: str, now: datetime) -> None:
        path = f"/api/patients/{self.patient_ids[index]}/status"
        response = self.api.send("PUT", "patient", path, who=index, json={"status": status})
        if response.status_code == 200:
            self.obs.status(index, now, str(status))

    def note_placements(self, day: int) -> None:
        for patient in self.api.pages("patient", "/api/patients?status=placed"):
            index = self.index_of.get(patient["id"])
            if index is not None and index not in self.obs.placed_day:
                self.obs.placed_day[index] = day
                self.obs.status(index, self.at(day, EVENING), PatientStatus.PLACED)

    # -- e-mails ----------------------------------------------------------------------------

    def read_mail(self, day: int) -> None:
        """Every outreach e-mail caught today: logged, and its answer planned as the practice
        would give it (or not). The look-ups run side by side; what they found is taken in
        the order of the e-mails' ids."""
        to_practices = [
            (mail, self.practice_by_email[mail.to])
            for mail in self.mailbox.new()
            if mail.to in self.practice_by_email  # else to a patient
        ]
        found = [row for row in self.lookups.map(self._looked_up, to_practices) if row]
        for practice, email_row, patients in sorted(found, key=lambda f: f[1]["id"]):
            request_ids = list(email_row["placement_request_ids"])
            sent_at = datetime.fromisoformat(email_row["sent_at"])
            self.obs.log.emails.append(invariants.SentEmail(practice, sent_at, patients))
            self._count_contact(practice, patients, day, self.obs.emails)
            answer_day = self.behaviour.email_answer_day(practice, day)
            if answer_day is not None:
                self.pending_answers[answer_day].append((practice, request_ids))

    def learn_requests(self) -> None:
        """Which patient each open request is about (matching, for all patients at once)."""
        ids = list(self.patient_ids.values())
        self.request_patient.update(checks.open_requests(self.api, "matching", ids))

    def _looked_up(
        self, caught: tuple[CaughtMail, int]
    ) -> tuple[int, dict[str, Any], tuple[int, ...]] | None:
        """The outreach e-mail behind a caught message and the patients it is about."""
        mail, practice = caught
        email_row = self._email_of(mail, practice)
        if email_row is None or email_row["purpose"] != "outreach":
            return None
        request_ids = email_row["placement_request_ids"]
        return practice, email_row, tuple(self._index_of_request(r, practice) for r in request_ids)

    def _count_contact(
        self, practice: int, patients: tuple[int, ...], day: int, per_patient: dict[int, int]
    ) -> None:
        self.obs.messages[practice].append(day)
        for patient in patients:
            per_patient[patient] += 1

    def _email_of(self, mail: CaughtMail, practice: int) -> dict[str, Any] | None:
        """The e-mail's record: by the id its Message-ID carries (`<...psymatch.<id>@...>`),
        else found among the practice's e-mails."""
        email_id = mail.email_id
        if email_id is not None:
            row = self.api.call("GET", "communication", f"/api/emails/{email_id}")
            if row.get("therapist_id") == self.therapist_of[practice]:
                return row
        therapist_id = self.therapist_of[practice]
        wanted = mail.message_id.strip("<>")
        for item in self.api.pages("communication", f"/api/emails?therapist_id={therapist_id}"):
            if (item.get("message_id") or "").strip("<>") == wanted:
                return self.api.call("GET", "communication", f"/api/emails/{item['id']}")
        return None

    def _index_of_request(self, request_id: int, practice: int) -> int:
        if request_id not in self.request_patient:
            path = f"/api/placement-requests?therapist_id={self.therapist_of[practice]}"
            for item in self.api.pages("matching", path):
                self.request_patient[item["id"]] = item["patient_id"]
        return self.index_of[self.request_patient[request_id]]

    def answer_emails(self, day: int) -> None:
        now = self.at(day, *ANSWERS)
        for practice, request_ids in sorted(self.pending_answers.pop(day, [])):
            outcomes = [self._outcome(practice, r, day) for r in request_ids]
            body = {
                "therapist_id": self.therapist_of[practice],
                "channel": "email",
                "outcomes": outcomes,
            }
            response = self.api.send("POST", "communication", "/api/responses", json=body)
            if response.status_code in (200, 201):
                self._answered(practice, now, outcomes)

    def _outcome(self, practice: int, request_id: int, day: int) -> dict[str, Any]:
        patient = self.world.patients[self.index_of[self.request_patient[request_id]]]
        outcome = self.behaviour.answer(self.places, practice, patient, day)
        return {"placement_request_id": request_id, "outcome": str(outcome)}

    def _answered(self, practice: int, now: datetime, outcomes: list[dict[str, Any]]) -> None:
        """An answer starts the practice's cooling period (under the stack's COOLING_AFTER:
        any answer by default); acceptances are counted: those about a searching patient must
        lead to one placement, the others (the patient paused or cancelled since the contact)
        are held for staff."""
        if answer_starts_cooling([o["outcome"] for o in outcomes], self.cooling_after):
            self.obs.log.cooling.append(invariants.CoolingWindow(practice, now, now + COOLING))
        for outcome in outcomes:
            if outcome["outcome"] == ResponseOutcome.ACCEPTED:
                patient = self.index_of[self.request_patient[outcome["placement_request_id"]]]
                status = invariants.status_at(self.obs.log.statuses.get(patient, []), now)
                if status in (PatientStatus.SEARCHING, PatientStatus.PLACED):
                    self.obs.acceptances[patient] += 1
                else:
                    self.obs.held_acceptances[patient] += 1

    # -- calls ------------------------------------------------------------------------------

    def make_calls(self, day: int) -> None:
        """The day's scheduled calls in slot order; the clock is at each slot's start. Each call
        is looked at again when its slot comes, as staff see it in the console: one cancelled
        meanwhile (an earlier call's answer started the practice's cooling period) is not
        made."""
        path = f"/api/phone-calls?date={self.calendar.date_of(day).isoformat()}&status=scheduled"
        calls = sorted(
            self.api.pages("communication", path), key=lambda c: (c["slot_start"] or "", c["id"])
        )
        now = self.at(day, *ANSWERS)
        for call in calls:
            slot_start = datetime.fromisoformat(call["slot_start"])
            if slot_start > now:
                now = slot_start
                self.api.set_clock(now)
            current = self.api.call("GET", "communication", f"/api/phone-calls/{call['id']}")
            if current["state"] == SCHEDULED and current["slot_start"] == call["slot_start"]:
                self.call_practice(current, now, day)

    def call_practice(self, call: dict[str, Any], now: datetime, day: int) -> None:
        practice = self.practice_of[call["therapist_id"]]
        for item in call["patients"]:
            self.request_patient[item["placement_request_id"]] = item["patient_id"]
        patients = tuple(self.index_of[item["patient_id"]] for item in call["patients"])
        hours = self.world.practices[practice].phone_hours
        # a first-contact call is the practice's outreach; its later attempts are not new ones
        first = call["purpose"] == "first_contact" and call["attempt"] == 1
        self.obs.log.calls.append(invariants.Call(practice, now, patients, hours, first))
        self._count_contact(practice, patients, day, self.obs.calls)
        self.obs.calls_per_day[day] += 1
        reached = self.behaviour.reached(practice, NOBODY, day)
        outcomes = (
            [self._outcome(practice, i["placement_request_id"], day) for i in call["patients"]]
            if reached
            else []
        )
        path = f"/api/phone-calls/{call['id']}/outcome"
        response = self.api.send(
            "PUT", "communication", path, json={"reached": reached, "outcomes": outcomes}
        )
        if response.status_code == 200 and reached:
            self._answered(practice, now, outcomes)

    # -- invariants -------------------------------------------------------------------------

    def check(self) -> dict[str, int]:
        """The invariant counts after the day (the stack has settled); each breach not seen
        before is printed with its detail."""
        found = self.breaches()
        for violations in found.values():
            for violation in violations:
                if violation not in self.reported:
                    self.reported.add(violation)
                    self.progress(
                        f"  breach: {violation.check} {violation.subject}: {violation.detail}"
                    )
        return invariants.counts(found)

    def breaches(self) -> dict[str, list[invariants.Violation]]:
        found = invariants.check_log(self.obs.log)
        found.update(checks.state_breaches(self.api, self.patient_ids, dict(self.obs.acceptances)))
        return found

    # -- results ----------------------------------------------------------------------------

    def result(self) -> StrategyResult:
        outcomes = tuple(
            PatientOutcome(
                patient=p.index,
                arrival_day=p.plan.arrival_day,
                urgent=p.plan.urgent,
                placed_day=self.obs.placed_day.get(p.index),
                emails=self.obs.emails.get(p.index, 0),
                calls=self.obs.calls.get(p.index, 0),
            )
            for p in self.world.patients
        )
        return StrategyResult(
            self.strategy,
            self.world.scenario.horizon_days,
            outcomes,
            {k: tuple(v) for k, v in self.obs.messages.items()},
            dict(self.obs.calls_per_day),
            sum(self.obs.held_acceptances.values()),
        )

    def _progress(self, day: int, violations: dict[str, int]) -> None:
        log = self.obs.log
        self.progress(
            f"{self.strategy}: day {day + 1:3d} ({self.calendar.date_of(day):%a %d.%m.}): "
            f"placed {len(self.obs.placed_day)}, e-mails {len(log.emails)}, "
            f"calls {len(log.calls)}, invariant violations {sum(violations.values())} "
            f"[{time.monotonic() - self.started:.0f} s]"
        )
