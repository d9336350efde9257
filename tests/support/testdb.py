"""The disposable test databases; PSYMATCH_TEST_DB / PSYMATCH_E2E_DB let parallel work use
its own copies."""

import os

TEST_DB = os.environ.get("PSYMATCH_TEST_DB", "psymatch_test")
# The whole-stack tests (tests/e2e) run on their own database, selectable the same way.
E2E_DB = os.environ.get("PSYMATCH_E2E_DB", "psymatch_e2e")
