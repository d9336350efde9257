"""SQL on the scraping schema and the service's outbox events, in the caller's transaction."""
