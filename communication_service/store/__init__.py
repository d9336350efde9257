"""SQL on the communication schema and the service's outbox events, in the caller's transaction."""
