"""Suite-wide hooks."""

import logging
import os

# Suites write far faster than staff do; tests of the limiter switch it on in their own settings.
os.environ.setdefault("RATE_LIMIT_ENABLED", "false")


def pytest_sessionfinish(session, exitstatus):
    """Kafka client threads of finished tests may still log while the interpreter shuts down."""
    logging.raiseExceptions = False
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
