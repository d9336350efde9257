"""Text PostgreSQL can store: the one check every service's request schemas run on free text."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator


def storable(value: Any) -> Any:
    """Reject strings PostgreSQL cannot store (NUL characters, lone surrogates); other values
    pass unchanged (use it as a `mode="before"` validator or through `StorableText`)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("must be valid Unicode text") from exc
    return value


StorableText = Annotated[str, AfterValidator(storable)]
