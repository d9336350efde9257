"""German messages for what the services answer in English: field errors, refusals, labels."""

from __future__ import annotations

import re
from typing import Any

from staff_console.services import ApiRejected

# Pydantic's messages (the `details` of a 400) and their German wording.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^Field required$", "Pflichtfeld – bitte ausfüllen."),
    (r"^String should have at least (\d+) characters?$", "Mindestens {0} Zeichen."),
    (r"^String should have at most (\d+) characters?$", "Höchstens {0} Zeichen."),
    (r"^String should match pattern", "Das Format stimmt nicht."),
    (r"^value is not a valid email address", "Keine gültige E-Mail-Adresse."),
    (r"^Input should be a valid date", "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."),
    (r"^Input should be a valid integer", "Bitte eine ganze Zahl angeben."),
    (r"^Input should be a valid number", "Bitte eine Zahl angeben."),
    (r"^Input should be greater than or equal to (\S+)", "Mindestens {0}."),
    (r"^Input should be less than or equal to (\S+)", "Höchstens {0}."),
    (r"^Input should be greater than (\S+)", "Größer als {0}."),
    (r"^Input should be less than (\S+)", "Kleiner als {0}."),
    (r"^Input should be ", "Bitte einen der angebotenen Werte wählen."),
    (r"^Extra inputs are not permitted", "Dieses Feld ist hier nicht erlaubt."),
    (r"^Value error, (.*)$", "{0}"),
    (r"^List should have at least (\d+) items?", "Bitte mindestens {0} auswählen."),
)

CODE_MESSAGES = {
    "validation_error": "Bitte prüfen Sie die markierten Felder.",
    "conflict": "Das geht im aktuellen Zustand nicht.",
    "not_found": "Nicht gefunden.",
    "forbidden": "Dafür fehlt Ihrer Rolle die Berechtigung.",
    "unauthorized": "Die Anmeldung bei den Diensten ist fehlgeschlagen. Bitte neu anmelden.",
    "too_many_requests": "Zu viele Anfragen in kurzer Zeit. Bitte kurz warten.",
    "payload_too_large": "Die Datei ist zu groß.",
    "unprocessable_entity": "Die Angaben passen nicht zusammen.",
}


def german(message: str) -> str:
    for pattern, wording in _PATTERNS:
        match = re.match(pattern, message)
        if match:
            return wording.format(*match.groups())
    return message


def field_errors(details: dict[str, Any], prefix: str = "body.") -> dict[str, str]:
    """`{"body.address.postal_code": ["String should ..."]}` → `{"address.postal_code": "..."}`."""
    errors: dict[str, str] = {}
    for path, messages in (details or {}).items():
        key = path.removeprefix(prefix)
        texts = messages if isinstance(messages, list) else [messages]
        errors[key] = " ".join(german(str(text)) for text in texts)
    return errors


def refusal(exc: ApiRejected) -> str:
    """One sentence for the page: the German wording of the code, then the API's own text."""
    general = CODE_MESSAGES.get(exc.code)
    if exc.code in ("validation_error",) or not exc.message:
        return general or exc.message
    if general:
        return f"{general} ({exc.message})"
    return exc.message
