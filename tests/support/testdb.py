"""The disposable test database; PSYMATCH_TEST_DB lets parallel work use its own copy."""

import os

TEST_DB = os.environ.get("PSYMATCH_TEST_DB", "psymatch_test")
