"""SQL on the geocoding schema and the service's outbox events, in the caller's transaction."""
