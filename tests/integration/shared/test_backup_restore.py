"""The backup of docker-compose.yml works and restores (issue 20): the `backup` container's own
script (pg_dump -Fc in a loop, retention of BACKUP_KEEP files) runs against a freshly migrated
database, and the newest dump is restored with pg_restore into a new, empty database that then
holds all six schemas, their migration versions and a marked row. Failed before this change:
compose had no backup service (KeyError 'backup')."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text
from support.testdb import TEST_DB

from scripts import infra
from scripts.stack import migrate
from shared.config import SERVICE_NAMES

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs pg_dump/pg_restore"),
]

ROOT = Path(__file__).resolve().parents[3]
SOURCE_DB = f"{TEST_DB}_backup_src"
RESTORED_DB = f"{TEST_DB}_backup_restored"
MARK = {"backup-test": "a row written before the backup"}


def admin_engine(database: str):
    return create_engine(f"postgresql+psycopg2://postgres@127.0.0.1:5432/{database}")


def drop(database: str) -> None:
    engine = create_engine(infra.admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    engine.dispose()


def backup_script(backups: Path) -> str:
    """The compose service's script as its shell sees it, writing into `backups`."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    script = compose["services"]["backup"]["entrypoint"][2]
    return script.replace("$$", "$").replace("/backups", str(backups))


@pytest.fixture
def source_db():
    infra.reset_database(SOURCE_DB)
    migrate(SOURCE_DB)
    engine = admin_engine(SOURCE_DB)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO geocoding_service.job_runs (job_name, trigger, started_at, status,"
                " result) VALUES ('backup-test', 'api', now(), 'succeeded', CAST(:r AS jsonb))"
            ),
            {"r": json.dumps(MARK)},
        )
    engine.dispose()
    yield SOURCE_DB
    drop(SOURCE_DB)
    drop(RESTORED_DB)


def test_the_compose_backup_loop_keeps_the_newest_dumps_and_one_restores(source_db, tmp_path):
    backups, bin_dir = tmp_path / "backups", tmp_path / "bin"
    backups.mkdir()
    bin_dir.mkdir()
    # `sleep` stand-in: a second passes (new file name), the third call ends the loop (sh -e).
    (bin_dir / "sleep").write_text(
        '#!/bin/sh\nn=$(cat "$0.count" 2>/dev/null || echo 0); echo $((n + 1)) > "$0.count"\n'
        '[ "$n" -lt 2 ] || exit 1\nexec /bin/sleep 1.1\n'
    )
    (bin_dir / "sleep").chmod(0o755)
    password = tmp_path / "postgres_password"
    password.write_text("unused-locally-trust-auth")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "PGHOST": "127.0.0.1",
        "PGPORT": "5432",
        "PGUSER": "postgres",
        "PGDATABASE": source_db,
        "PGPASSWORD_FILE": str(password),
        "BACKUP_INTERVAL_S": "60",
        "BACKUP_KEEP": "2",
    }
    run = subprocess.run(
        ["sh", "-ec", backup_script(backups)], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.stdout.count("backup: wrote psymatch-") == 3, run.stdout + run.stderr
    dumps = sorted(backups.glob("psymatch-*.dump"))
    assert len(dumps) == 2, "retention: only the newest BACKUP_KEEP files are kept"
    assert (backups / ".last-success").exists()
    assert not list(backups.glob("*.partial"))

    infra.setup_database(RESTORED_DB)  # a fresh, empty database (roles exist cluster-wide)
    restore = subprocess.run(
        ["pg_restore", "-h", "127.0.0.1", "-U", "postgres", "-d", RESTORED_DB, "--clean",
         "--if-exists", "--exit-on-error", str(dumps[-1])],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert restore.returncode == 0, restore.stderr

    source, restored = admin_engine(source_db), admin_engine(RESTORED_DB)
    try:
        for service in SERVICE_NAMES:
            version = f"SELECT version_num FROM {service}.alembic_version"
            with source.connect() as a, restored.connect() as b:
                expected = a.execute(text(version)).scalars().all()
                assert expected, service
                assert b.execute(text(version)).scalars().all() == expected, service
        with restored.connect() as conn:
            owners = dict(
                conn.execute(
                    text("SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace")
                ).all()
            )
            row = conn.execute(
                text("SELECT result FROM geocoding_service.job_runs WHERE job_name='backup-test'")
            ).scalar_one()
        assert {s: owners.get(s) for s in SERVICE_NAMES} == {s: s for s in SERVICE_NAMES}
        assert row == MARK
    finally:
        source.dispose()
        restored.dispose()
