"""The SQLite connection's settings, read back from SQLite itself in a process of its own."""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings

READ_PRAGMAS = (
    "import django; django.setup(); from django.db import connection; "
    "c = connection.cursor(); "
    "print(c.execute('PRAGMA cache_size').fetchone()[0], "
    "c.execute('PRAGMA mmap_size').fetchone()[0], "
    "c.execute('PRAGMA journal_mode').fetchone()[0])"
)


def _run(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", READ_PRAGMAS],
        env={
            "DJANGO_SETTINGS_MODULE": "komar.settings",
            "PATH": "/usr/bin:/bin",
            "KOMAR_DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
        cwd=str(settings.PROJECT_DIR),
    )


def test_each_sqlite_connection_gets_its_page_cache_and_memory_map(tmp_path) -> None:
    result = _run({}, tmp_path)
    assert result.returncode == 0, result.stderr
    # A negative cache size is in KiB (SQLite's convention): 64 MiB; the map is in bytes.
    assert result.stdout.split() == [str(-64 * 1024), str(1024 * 1024 * 1024), "wal"]


def test_the_cache_and_the_map_follow_their_settings(tmp_path) -> None:
    result = _run({"KOMAR_SQLITE_CACHE_MIB": "8", "KOMAR_SQLITE_MMAP_MIB": "0"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(-8 * 1024), "0", "wal"]


def test_a_cache_of_nothing_refuses_to_start(tmp_path) -> None:
    result = _run({"KOMAR_SQLITE_CACHE_MIB": "0"}, tmp_path)
    assert result.returncode != 0
    assert "KOMAR_SQLITE_CACHE_MIB" in result.stderr
