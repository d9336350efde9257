"""Checkouts set up their databases side by side on one PostgreSQL cluster, whose roles are
shared: the role setup takes turns (an advisory lock), so none fails. Before this change four of
five parallel setups failed with "tuple concurrently updated" (a CI run was lost to it)."""

from __future__ import annotations

import threading

import pytest
from support.testdb import TEST_DB

from scripts import infra

pytestmark = pytest.mark.integration


def test_parallel_database_setups_all_succeed(migrated_db):
    errors: list[str] = []

    def setup() -> None:
        try:
            infra.setup_database(TEST_DB)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(f"{type(exc).__name__}: {exc}"[:200])

    threads = [threading.Thread(target=setup) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
