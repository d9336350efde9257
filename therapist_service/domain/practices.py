"""Practice identity: therapists sharing a practice e-mail or phone share one practice."""

from __future__ import annotations


def practice_keys(email: str | None, phone: str | None) -> set[str]:
    """Keys under which therapists share a practice: the practice e-mail and phone."""
    keys = set()
    if email:
        keys.add(f"email:{email.strip().lower()}")
    if phone:
        keys.add(f"phone:{phone.strip()}")
    return keys
