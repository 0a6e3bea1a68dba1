"""Consistent copies of the database into a folder, the newest N kept.

- SQLite: Python's online backup API, page by page, so the copy is a consistent
  snapshot while the web server, worker and beat keep writing (a plain file copy of a
  WAL database is not).
- PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot; restore with
  ``pg_restore``, see docs/operations.md). The password travels in PGPASSWORD, never
  on the command line where ``ps`` shows it.

A copy is written under a ``.partial`` name and renamed when complete, so a crash
mid-way never leaves something that looks like a backup; only complete copies count
towards the N kept.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

PREFIX = "kedang-"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}


class BackupError(Exception):
    pass


def backups_in(folder: Path) -> list[Path]:
    """The complete backups in ``folder``, oldest first (names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.suffix in SUFFIXES.values() and p.is_file()
    )


def back_up(folder: Path, keep: int, using: str = "default") -> Path:
    """Write one backup of database ``using`` into ``folder``; delete all but the newest ``keep``."""
    if keep < 1:
        raise BackupError("keep must be at least 1")
    vendor = connections[using].vendor
    if vendor not in SUFFIXES:
        raise BackupError(f"no backup for a {vendor} database")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{PREFIX}{stamp}{SUFFIXES[vendor]}"
    partial = target.with_name(target.name + ".partial")
    try:
        if vendor == "sqlite":
            _sqlite_copy(Path(settings.DATABASES[using]["NAME"]), partial)
        else:
            _pg_dump(settings.DATABASES[using], partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    for old in backups_in(folder)[:-keep]:
        old.unlink()
    return target


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def pg_environment(db: dict) -> dict:
    """The libpq environment for pg_dump / pg_restore / psql to reach database ``db``."""
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _pg_dump(db: dict, target: Path) -> None:
    result = subprocess.run(
        ["pg_dump", "--format=custom", "--file", str(target)],
        env=pg_environment(db),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
