"""What the public answer page shows and accepts, in German.

The e-mail's patients exactly as pseudonymous as the e-mail, each one's recorded answer, why
answering is closed, the answers a posted form holds, and what recording them did."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from communication_service.domain import labels
from communication_service.domain.answer_links import (
    LINK_OUTCOME_CODES,
    LINK_OUTCOMES,
    LINKED_PURPOSES,
    OUTCOME_FIELD_PREFIX,
)
from communication_service.domain.requests import is_open
from communication_service.domain.responses import OutcomeEffect

BERLIN = ZoneInfo("Europe/Berlin")
OUTCOME_LABELS = {
    **{outcome.value: label for outcome, label in LINK_OUTCOMES},
    "rejected_other": "Abgesagt (anderer Grund)",
    "no_show": "Nicht erschienen",
}
CHANNEL_LABELS = {"email": "per E-Mail", "phone": "telefonisch", "link": "über diese Seite"}


@dataclass(frozen=True)
class PageProblem:
    """A link that leads nowhere: HTTP status, German title and text (with the office phone)."""

    status: int
    title: str
    text: str


def invalid_link(phone: str) -> PageProblem:
    return PageProblem(
        403,
        "Link ungültig",
        "Dieser Link ist ungültig oder unvollständig. Bitte verwenden Sie den Link genau so, "
        f"wie er in unserer E-Mail steht, oder rufen Sie uns an: {phone}.",
    )


def expired_link(phone: str) -> PageProblem:
    return PageProblem(
        410,
        "Link abgelaufen",
        "Dieser Link ist abgelaufen: Die Anfrage ist nicht mehr offen. Wenn Sie uns trotzdem "
        f"etwas mitteilen möchten, rufen Sie uns bitte an: {phone}.",
    )


def page_token_refused(phone: str) -> PageProblem:
    return PageProblem(
        403,
        "Bitte auf der Seite bestätigen",
        "Ihre Antwort wurde nicht gespeichert. Bitte öffnen Sie den Link aus unserer E-Mail "
        "erneut und bestätigen Sie Ihre Antwort mit der Schaltfläche auf der Seite. Bei Fragen "
        f"erreichen Sie uns unter {phone}.",
    )


def closed_notice(
    email: Mapping[str, Any],
    therapist: Mapping[str, Any] | None,
    requests: list[Mapping[str, Any]],
    answers: Mapping[int, Any],
    phone: str,
) -> str | None:
    """Why this page takes no answers (opted out, blocked, withdrawn), or None when it does."""
    if therapist is not None and therapist.get("opted_out"):
        return (
            "Sie haben uns mitgeteilt, dass Sie keine Anfragen mehr von uns erhalten möchten. "
            "Über diese Seite nehmen wir daher keine Antworten mehr entgegen. Wenn Sie uns "
            f"dennoch etwas mitteilen möchten, rufen Sie uns bitte an: {phone}."
        )
    if therapist is None or therapist.get("status") != "active":
        return (
            "Über diese Seite können wir derzeit keine Antworten von Ihrer Praxis entgegennehmen. "
            f"Bitte rufen Sie uns an: {phone}."
        )
    open_ones = [r for r in requests if _answerable(r, answers)]
    if email.get("state") == "cancelled" or (not open_ones and not answers):
        return (
            "Diese Anfrage haben wir zurückgezogen: Für die genannten Personen suchen wir über "
            "diese E-Mail keinen Platz mehr. Eine Antwort ist nicht nötig. Vielen Dank!"
        )
    return None


def answers_refused(email: Mapping[str, Any], therapist: Mapping[str, Any] | None) -> bool:
    """A confirmation is refused outright for an opted-out, blocked or unknown practice and a
    withdrawn e-mail; answers about requests closed meanwhile go to the use case, which tells
    (a late acceptance: the place is gone)."""
    if therapist is None or therapist.get("opted_out") or therapist.get("status") != "active":
        return True
    return email.get("state") == "cancelled"


def links_allowed(email: Mapping[str, Any]) -> bool:
    """Only sent outreach e-mails and reminders open a page."""
    return email.get("purpose") in LINKED_PURPOSES and email.get("state") in ("sent", "cancelled")


def _answerable(request: Mapping[str, Any], answers: Mapping[int, Any]) -> bool:
    return request["placement_request_id"] not in answers and is_open(request["state"])


def patient_rows(
    requests: list[Mapping[str, Any]],
    answers: Mapping[int, Mapping[str, Any]],
    accepting: bool,
    preselect: Mapping[int, str],
) -> list[dict[str, Any]]:
    """One row per patient of the e-mail: the e-mail's pseudonymous summary, the recorded answer
    or why the request is closed, and (when answering is open) the choices."""
    rows = []
    for request in requests:
        request_id = request["placement_request_id"]
        view = labels.summary_view(request)
        answer = answers.get(request_id)
        row: dict[str, Any] = {
            **{key: view[key] for key in SUMMARY_KEYS},
            "request_id": request_id,
            "field": f"{OUTCOME_FIELD_PREFIX}{request_id}",
            "answer": _answer_text(answer) if answer else None,
            "closed": None,
            "choices": [],
        }
        if answer is None and not is_open(request["state"]):
            row["closed"] = _closed_text(request.get("close_reason"))
        elif answer is None and accepting:
            chosen = preselect.get(request_id)
            row["choices"] = [
                {"value": outcome.value, "label": label, "checked": outcome.value == chosen}
                for outcome, label in LINK_OUTCOMES
            ]
        rows.append(row)
    return rows


# What the e-mail shows of a patient, and so all the page shows (never names or contacts).
SUMMARY_KEYS = (
    "reference",
    "age_text",
    "gender",
    "insurance",
    "complaints",
    "availability",
    "distance",
    "urgent",
)


def _answer_text(answer: Mapping[str, Any]) -> str:
    label = OUTCOME_LABELS.get(answer["outcome"], answer["outcome"])
    channel = CHANNEL_LABELS.get(answer.get("channel", ""), "")
    when = german_date(answer["recorded_at"]) if answer.get("recorded_at") else ""
    return " ".join(part for part in (label, f"({channel}, am {when})" if when else "") if part)


def _closed_text(reason: str | None) -> str:
    if reason == "expired":
        return "Diese Anfrage ist abgelaufen."
    return "Diese Anfrage ist nicht mehr offen: Der Platz wird nicht mehr benötigt."


def german_date(value: datetime) -> str:
    return value.astimezone(BERLIN).strftime("%d.%m.%Y")


def preselection(request_id: str | None, outcome: str | None, carried: set[int]) -> dict[int, str]:
    """The answer a per-patient link preselects (ignored unless it names one of the e-mail's
    requests and one of the three link answers)."""
    if not request_id or not request_id.isdigit() or outcome not in LINK_OUTCOME_CODES:
        return {}
    number = int(request_id)
    return {number: str(outcome)} if number in carried else {}


@dataclass(frozen=True)
class PostedAnswers:
    """The answers of a posted form: those to record, and the fields that were not valid."""

    outcomes: list[tuple[int, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def posted_answers(form: Mapping[str, str], carried: list[int]) -> PostedAnswers:
    """`antwort-<request id>` = one of the three link answers, for requests of this e-mail only;
    every other field is ignored (and named), so no other e-mail's request can be answered."""
    allowed = set(carried)
    outcomes, ignored = [], []
    for name, value in form.items():
        if not name.startswith(OUTCOME_FIELD_PREFIX):
            continue
        suffix = name.removeprefix(OUTCOME_FIELD_PREFIX)
        if suffix.isdigit() and int(suffix) in allowed and value in LINK_OUTCOME_CODES:
            outcomes.append((int(suffix), value))
        else:
            ignored.append(name)
    order = {request_id: position for position, request_id in enumerate(carried)}
    return PostedAnswers(sorted(outcomes, key=lambda item: order[item[0]]), ignored)


# What recording did per request: the response use case's `outcome_effect` (OutcomeEffect),
# or one of the page's own checks (already_answered, not_answered).
EFFECT_TEXTS: dict[str, str] = {
    OutcomeEffect.PLACEMENT_REQUESTED: (
        "Vielen Dank für Ihre Zusage! Wir melden uns in Kürze bei Ihnen und "
        "geben Ihnen die Kontaktdaten der Person weiter."
    ),
    OutcomeEffect.LATE_ACCEPTANCE: (
        "Vielen Dank für Ihre Zusage! Die Anfrage war zwar schon abgelaufen, die "
        "Person sucht aber noch: wir melden uns in Kürze bei Ihnen."
    ),
    OutcomeEffect.RECORDED: "Vielen Dank für Ihre Rückmeldung, wir haben sie notiert.",
    OutcomeEffect.PLACE_GONE: (
        "Vielen Dank für Ihre Zusage. Leider hat die Person inzwischen bereits "
        "einen Therapieplatz gefunden; der Platz wird nicht mehr benötigt."
    ),
    OutcomeEffect.HELD_FOR_STAFF: (
        "Vielen Dank, Ihre Antwort ist bei uns eingegangen. Unser Team prüft sie "
        "und meldet sich bei Ihnen."
    ),
    "already_answered": "Zu dieser Anfrage lag bereits eine Antwort vor; sie wurde nicht "
    "geändert. Möchten Sie sie ändern, rufen Sie uns bitte an.",
    "not_answered": "Sie haben hierzu keine Antwort ausgewählt.",
}


def effect_text(effect: str | None, outcome: str | None, was_open: bool) -> str:
    """German text of what one answer did (`effect`: the use case's `outcome_effect`)."""
    if effect in EFFECT_TEXTS:
        return EFFECT_TEXTS[effect]
    if outcome == "accepted":
        return EFFECT_TEXTS[
            OutcomeEffect.PLACEMENT_REQUESTED if was_open else OutcomeEffect.HELD_FOR_STAFF
        ]
    return EFFECT_TEXTS[OutcomeEffect.RECORDED]


def reported_effects(result: Mapping[str, Any]) -> dict[int, str]:
    """Per-request `outcome_effect` of the response use case's result (POST /api/responses)."""
    return {
        int(item["placement_request_id"]): str(item["outcome_effect"])
        for item in result.get("outcomes") or []
        if isinstance(item, Mapping) and "outcome_effect" in item
    }


def cooling_text(days: int) -> str:
    """What any recorded answer starts (the cooling period of docs/domain.md)."""
    weeks = days // 7
    span = f"{weeks} Wochen" if days % 7 == 0 and weeks > 1 else f"{days} Tagen"
    return f"Damit Sie Ruhe haben, schicken wir Ihnen in den nächsten {span} keine neuen Anfragen."
