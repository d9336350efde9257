"""Pure rules of the patient service (standard library only)."""
