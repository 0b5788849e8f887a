"""Trigram name search in both scripts: SQLite FTS5 `trigram`, PostgreSQL `pg_trgm`.

The SQLite table is an external-content FTS5 index kept in step with cases_mother by triggers,
so every write path (actions, bulk demo data, admin) is indexed.
"""

from django.db import migrations

from komar.cases.name_search_sql import SQLITE_TRIGGERS

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE cases_mother_fts USING fts5(
        name_km, name_latin, other_names,
        content='cases_mother', content_rowid='id', tokenize='trigram')""",
    *SQLITE_TRIGGERS,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS cases_mother_fts_ai",
    "DROP TRIGGER IF EXISTS cases_mother_fts_ad",
    "DROP TRIGGER IF EXISTS cases_mother_fts_au",
    "DROP TABLE IF EXISTS cases_mother_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The case list's name search (ILIKE '%...%') in each script.
    "CREATE INDEX IF NOT EXISTS mother_name_km_trgm ON cases_mother USING gin (name_km gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS mother_name_latin_trgm ON cases_mother "
    "USING gin (name_latin gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS mother_other_names_trgm ON cases_mother "
    "USING gin (other_names gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS mother_name_km_trgm",
    "DROP INDEX IF EXISTS mother_name_latin_trgm",
    "DROP INDEX IF EXISTS mother_other_names_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_seed_offence_categories")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
