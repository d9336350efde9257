"""Pure rules of the therapist service (standard library only)."""
