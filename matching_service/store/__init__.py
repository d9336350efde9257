"""SQL on the matching schema and the events built from its rows (the caller's transaction)."""
