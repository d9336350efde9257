"""What the patient service's use cases and rules refuse, as `shared.errors` kinds."""

from __future__ import annotations

from shared.errors import Conflict, InvalidInput, NotFound, Unavailable, Unprocessable


class PatientNotFound(NotFound):
    """No patient with this id."""

    code = "not_found"

    def __init__(self, patient_id: int) -> None:
        super().__init__(f"Patient {patient_id} not found.")
        self.patient_id = patient_id


class PatientErased(Conflict):
    """The patient's personal data was erased (Art. 17): the record no longer changes."""

    code = "patient_erased"

    def __init__(self, patient_id: int) -> None:
        super().__init__(f"Patient {patient_id} was erased; the record no longer changes.")
        self.patient_id = patient_id


class VersionConflict(Conflict):
    """The caller's version is stale: someone else changed the patient meanwhile."""

    code = "version_conflict"

    def __init__(self, current_version: int) -> None:
        super().__init__(
            "The patient was changed meanwhile; reload it.", {"current_version": current_version}
        )
        self.current_version = current_version


class TransitionRefused(Conflict):
    """A status change the lifecycle does not allow (docs/domain.md "States")."""

    code = "invalid_transition"

    def __init__(self, current: str, target: str, allowed: str) -> None:
        super().__init__(f"'{current}' → '{target}' is not allowed (allowed: {allowed}).")


class CaseIncomplete(Unprocessable):
    """The case lacks what the change needs; the details name each missing field."""

    code = "case_incomplete"

    def __init__(self, missing: dict[str, str]) -> None:
        super().__init__("The case is incomplete.", missing)
        self.missing = missing


class MalformedVersion(InvalidInput, ValueError):
    """`If-Match` carries no version number (also a ValueError: a bad argument)."""

    code = "validation_error"

    def __init__(self) -> None:
        message = "If-Match must carry the patient's version number"
        super().__init__(message, {"If-Match": [message]})


class VersionsDisagree(InvalidInput):
    """`If-Match` and the body's `version` name different versions."""

    code = "validation_error"

    def __init__(self) -> None:
        super().__init__("If-Match and version disagree.", {"version": ["must equal If-Match"]})


class ImplausibleDates(InvalidInput):
    """A birth date ahead or beyond the oldest age, or a past-only date in the future."""

    code = "validation_error"

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("Invalid request.", problems)


class ExportRefused(Unavailable):
    """A service did not answer during the export: no partial document is given."""

    code = "service_unavailable"

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(
            f"Export refused: {service} did not answer ({reason}).", {"service": service}
        )
        self.service = service


class NoCrisis(Conflict):
    """The patient has no crisis flag to acknowledge."""

    code = "no_crisis"

    def __init__(self, patient_id: int) -> None:
        super().__init__(f"Patient {patient_id} has no crisis flag to acknowledge.")
        self.patient_id = patient_id
