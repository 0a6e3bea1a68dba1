"""manage.py backup: a copy of the demo restores into an empty database with the same rows."""

import io
import sqlite3
import subprocess

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from crm.backup import _sqlite_copy, back_up, backups_in, pg_environment


def _row_counts(cursor, tables) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_restores_a_backup_of_the_demo_into_an_empty_database_with_the_same_rows(tmp_path):
    """About 10 s: seeds the demo and runs pg_dump and pg_restore for real."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump backups are for PostgreSQL")
    call_command("seed_demo", customers=15, seed=7, stdout=io.StringIO())
    backup = back_up(tmp_path, keep=3)
    assert backup.suffix == ".dump" and backup.stat().st_size > 0

    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        before = _row_counts(cursor, tables)
    assert before["customers_customer"] >= 15 and before["customers_purchase"] > 0  # apps seed their own too

    fresh = f"{connection.settings_dict['NAME']}_restored"
    env = pg_environment(connection.settings_dict)
    subprocess.run(["dropdb", "--if-exists", fresh], env=env, check=True)
    subprocess.run(["createdb", fresh], env=env, check=True)
    try:
        restore = subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", fresh, str(backup)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert restore.returncode == 0, restore.stderr
        with psycopg2.connect(dbname=fresh, **_libpq_kwargs(connection.settings_dict)) as restored:
            after = _row_counts(restored.cursor(), tables)
        restored.close()
    finally:
        subprocess.run(["dropdb", "--if-exists", fresh], env=env, check=True)
    assert after == before


def _libpq_kwargs(db: dict) -> dict:
    return {k.lower(): db[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if db.get(k)}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_keeps_only_the_newest_copies(tmp_path, time_machine):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump backups are for PostgreSQL")
    (tmp_path / "notes.txt").write_text("not a backup")
    written = []
    for hour in (1, 2, 3):
        time_machine.move_to(f"2026-11-0{hour}T02:30:00+08:00")
        written.append(back_up(tmp_path, keep=2))
    assert backups_in(tmp_path) == written[1:]
    assert (tmp_path / "notes.txt").exists()


def test_the_sqlite_copy_is_consistent_while_another_connection_writes(tmp_path):
    source = tmp_path / "live.sqlite3"
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)")
    writer.executemany("INSERT INTO customer (name) VALUES (?)", [(f"客{i}",) for i in range(500)])
    writer.commit()
    writer.execute("INSERT INTO customer (name) VALUES ('未提交')")  # an open transaction is not copied
    _sqlite_copy(source, tmp_path / "copy.sqlite3")
    writer.rollback()
    writer.close()
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("SELECT count(*) FROM customer").fetchone()[0] == 500
