"""Code shared by all six services: settings, database, events, Kafka, HTTP, jobs, clock."""
