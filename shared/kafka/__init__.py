"""Everything that talks to Kafka: the robust producer, the outbox relay, the consumer loop."""
