"""What the geocoding service's use cases refuse, as `shared.errors` kinds."""

from __future__ import annotations

from shared.errors import InvalidInput, NotFound, Unavailable


class LocationNotFound(NotFound):
    """No provider knows the address (never answered with 0/0)."""

    code = "not_found"

    def __init__(self, postal_code: str) -> None:
        message = (
            f"Postleitzahl {postal_code} ist unbekannt."
            if postal_code
            else "Adresse nicht gefunden."
        )
        super().__init__(message, {"postal_code": postal_code or None})


class GeocodingUnavailable(Unavailable):
    """No provider could answer now; try again later."""

    code = "geocoding_unavailable"

    def __init__(self, provider: str) -> None:
        super().__init__(
            "Geokodierung ist gerade nicht erreichbar; bitte später erneut.",
            {"provider": provider},
        )


class NoDestinations(InvalidInput, ValueError):
    """A distance list needs at least one destination (also a ValueError: a bad argument)."""

    code = "validation_error"

    def __init__(self) -> None:
        super().__init__("Mindestens ein Ziel angeben.", {"destinations": ["at least 1 item"]})


class TooManyDestinations(InvalidInput, ValueError):
    """More destinations than one call may carry (also a ValueError: a bad argument)."""

    code = "validation_error"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"Höchstens {limit} Ziele pro Anfrage.", {"destinations": [f"at most {limit} items"]}
        )
