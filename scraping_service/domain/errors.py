"""What the scraping service's use cases refuse, as `shared.errors` kinds."""

from __future__ import annotations

from shared.errors import InvalidInput, NotFound


class ImportRunNotFound(NotFound):
    """No import run has this id."""

    code = "not_found"

    def __init__(self, run_id: int) -> None:
        super().__init__(f"No import run {run_id}.")


class NotAnArztsucheResponse(InvalidInput):
    """An uploaded document is not an Arztsuche response (nor a list or wrapper of them)."""

    code = "validation_error"

    def __init__(self, problem: str) -> None:
        super().__init__(f"Not an Arztsuche response: {problem}", {"body": [problem]})
