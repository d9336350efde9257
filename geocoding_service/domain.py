"""Pure rules of the geocoding service (standard library only)."""
