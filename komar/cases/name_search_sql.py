"""SQL for the trigram name index (see migration 0003).

On SQLite, Django rebuilds a table to alter one of its columns, and the rebuild drops the
table's triggers: any migration that alters cases_mother must call `reinstall` afterwards.
"""

from __future__ import annotations

from typing import Any

SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS cases_mother_fts_ai",
    "DROP TRIGGER IF EXISTS cases_mother_fts_ad",
    "DROP TRIGGER IF EXISTS cases_mother_fts_au",
    """CREATE TRIGGER cases_mother_fts_ai AFTER INSERT ON cases_mother BEGIN
        INSERT INTO cases_mother_fts(rowid, name_km, name_latin, other_names)
        VALUES (new.id, new.name_km, new.name_latin, new.other_names);
    END""",
    """CREATE TRIGGER cases_mother_fts_ad AFTER DELETE ON cases_mother BEGIN
        INSERT INTO cases_mother_fts(cases_mother_fts, rowid, name_km, name_latin, other_names)
        VALUES ('delete', old.id, old.name_km, old.name_latin, old.other_names);
    END""",
    """CREATE TRIGGER cases_mother_fts_au AFTER UPDATE OF name_km, name_latin, other_names
        ON cases_mother BEGIN
        INSERT INTO cases_mother_fts(cases_mother_fts, rowid, name_km, name_latin, other_names)
        VALUES ('delete', old.id, old.name_km, old.name_latin, old.other_names);
        INSERT INTO cases_mother_fts(rowid, name_km, name_latin, other_names)
        VALUES (new.id, new.name_km, new.name_latin, new.other_names);
    END""",
    "INSERT INTO cases_mother_fts(cases_mother_fts) VALUES ('rebuild')",
]


def reinstall(apps: Any, schema_editor: Any) -> None:
    """Recreate the SQLite triggers and rebuild the index; nothing to do on PostgreSQL."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)
