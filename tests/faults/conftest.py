"""Fault tests reuse the integration fixtures (database, scratch schema, private brokers)."""

from integration.conftest import (  # noqa: F401
    broker,
    clean_scratch,
    migrated_db,
    private_broker,
    scratch,
    topic_prefix,
)
