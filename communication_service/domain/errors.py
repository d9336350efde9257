"""What the communication service's use cases refuse, as `shared.errors` kinds."""

from __future__ import annotations

from shared.errors import Conflict, NotFound, Unprocessable


class EmailNotFound(NotFound):
    """No e-mail with this id."""

    code = "not_found"

    def __init__(self, email_id: int) -> None:
        super().__init__(f"E-mail {email_id} not found.")
        self.email_id = email_id


class CallNotFound(NotFound):
    """No call with this id."""

    code = "not_found"

    def __init__(self, call_id: int) -> None:
        super().__init__(f"Call {call_id} not found.")
        self.call_id = call_id


class UnknownTemplate(NotFound, KeyError):
    """No template with this name (also a KeyError: a name not in the catalogue)."""

    code = "not_found"

    def __init__(self, name: str) -> None:
        super().__init__(f"No template named '{name}'.")
        self.name = name


class EmailNotRetryable(Conflict):
    """Only a failed e-mail can be queued again."""

    code = "conflict"

    def __init__(self, state: str) -> None:
        super().__init__(f"Only failed e-mails can be retried (this one is {state}).")


class OutreachForbiddenNow(Conflict):
    """The 7-day outreach window or a cooling period refuses the e-mail at this moment."""

    code = "conflict"

    def __init__(self) -> None:
        super().__init__(
            "The therapist's outreach limit or cooling period forbids this e-mail now."
        )


class RecordedConcurrently(Conflict):
    """Another request recorded the same answer (or call outcome) at the same time."""

    code = "conflict"


class AlreadyAnswered(Conflict):
    """Some requests already have a recorded answer."""

    code = "conflict"

    def __init__(self, ids: list[int]) -> None:
        super().__init__(f"Requests {ids} already have an answer.")
        self.ids = ids


class NotContacted(Unprocessable):
    """Some requests were never sent to this therapist."""

    code = "not_contacted"

    def __init__(self, ids: list[int]) -> None:
        super().__init__(
            f"Requests {ids} were never sent to this therapist.", {"placement_request_ids": ids}
        )
        self.ids = ids


class CallNotOpen(Conflict):
    """The call is completed, failed or cancelled already (or its next slot was just taken)."""

    code = "conflict"


class NotInCall(Unprocessable):
    """Outcomes for requests the call does not carry."""

    code = "not_in_call"

    def __init__(self, ids: list[int]) -> None:
        super().__init__(
            f"Requests {ids} are not part of this call.", {"placement_request_ids": ids}
        )
        self.ids = ids
