"""SQL on the therapist schema and the service's outbox events, in the caller's transaction."""
