"""What the therapist service's use cases refuse, as `shared.errors` kinds."""

from __future__ import annotations

from shared.errors import Conflict, NotFound, Unprocessable


class TherapistNotFound(NotFound):
    """No therapist with this id."""

    code = "not_found"

    def __init__(self, therapist_id: int) -> None:
        super().__init__(f"Therapist {therapist_id} not found.", {"therapist_id": therapist_id})
        self.therapist_id = therapist_id


class ExternalIdTaken(Conflict):
    """Another therapist already has this 116117 id."""

    code = "conflict"

    def __init__(self, external_id: str | None = None) -> None:
        message = (
            f"External id {external_id} is already in use."
            if external_id
            else "External id is already in use."
        )
        super().__init__(message)


class TransitionNotAllowed(Conflict):
    """Staff may not move a therapist from its current status to the one asked for."""

    code = "conflict"

    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"A therapist cannot go from {current} to {target}.")


class AgeRangeInvalid(Unprocessable):
    """The change would leave age_min above age_max (with the stored values)."""

    code = "unprocessable_entity"

    def __init__(self) -> None:
        super().__init__("age_min must not be greater than age_max.")
