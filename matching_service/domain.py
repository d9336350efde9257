"""Pure rules of the matching service (standard library only)."""
