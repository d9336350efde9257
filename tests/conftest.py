"""Suite-wide hooks."""

import logging


def pytest_sessionfinish(session, exitstatus):
    """Kafka client threads of finished tests may still log while the interpreter shuts down."""
    logging.raiseExceptions = False
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
