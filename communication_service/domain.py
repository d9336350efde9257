"""Pure rules of the communication service (standard library only)."""
