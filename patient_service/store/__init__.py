"""SQL on the patient schema and the service's outbox events, in the caller's transaction."""
