"""What the matching service's use cases refuse, as `shared.errors` kinds."""

from __future__ import annotations

from shared.errors import Conflict, InvalidInput, NotFound


class RequestNotFound(NotFound):
    """No placement request with this id."""

    code = "not_found"

    def __init__(self, request_id: int) -> None:
        super().__init__(
            f"Keine Vermittlungsanfrage mit der Nummer {request_id}.", {"request_id": request_id}
        )


class RequestClosed(Conflict):
    """The request is in a terminal state and can no longer change."""

    code = "request_closed"

    def __init__(self, request_id: int, status: str) -> None:
        super().__init__(
            f"Die Vermittlungsanfrage {request_id} ist bereits abgeschlossen ({status}).",
            {"request_id": request_id, "status": status},
        )


class PatientNotFound(NotFound):
    """Matching knows no patient with this id."""

    code = "not_found"

    def __init__(self, patient_id: int) -> None:
        super().__init__(
            f"Keine Patientin / kein Patient mit der Nummer {patient_id}.",
            {"patient_id": patient_id},
        )


class TherapistNotFound(NotFound):
    """Matching knows no therapist with this id."""

    code = "not_found"

    def __init__(self, therapist_id: int) -> None:
        super().__init__(
            f"Keine Therapeutin / kein Therapeut mit der Nummer {therapist_id}.",
            {"therapist_id": therapist_id},
        )


class NothingCooling(Conflict):
    """The therapist has no running cooling period to lift."""

    code = "not_cooling"

    def __init__(self, therapist_id: int) -> None:
        super().__init__(
            f"Für Therapeut:in {therapist_id} läuft keine Sperrfrist, die sich aufheben ließe.",
            {"therapist_id": therapist_id},
        )


class LiftReasonMissing(InvalidInput):
    """Lifting a cooling period needs a reason."""

    code = "validation_error"

    def __init__(self) -> None:
        super().__init__(
            "Bitte geben Sie einen Grund an, warum die Sperrfrist aufgehoben wird.",
            {"reason": ["Pflichtfeld"]},
        )
