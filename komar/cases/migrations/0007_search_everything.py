"""Search everything: the woman's names and numbers, her children's names and her prison numbers,
as search keys (spelling variants folded together), in one trigram index.

Replaces 0003's index of the raw name columns. SQLite: the FTS5 table `cases_search_fts` and its
triggers on cases_mother, cases_child and cases_custodyepisode; PostgreSQL: the key functions and
GIN trigram indexes on the key expressions. See komar/cases/name_search_sql.py.
"""

from django.db import migrations

from komar.cases.name_search_sql import (
    LEGACY_POSTGRES_DROP,
    LEGACY_SQLITE_DROP,
    SQLITE_TRIGGERS,
    postgres_uninstall,
    reinstall,
    sqlite_uninstall,
)

# 0003's index, restored on the way back.
LEGACY_SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS cases_mother_fts USING fts5(
        name_km, name_latin, other_names,
        content='cases_mother', content_rowid='id', tokenize='trigram')""",
    *SQLITE_TRIGGERS,
]
LEGACY_POSTGRES_CREATE = [
    "CREATE INDEX IF NOT EXISTS mother_name_km_trgm ON cases_mother "
    "USING gin (name_km gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS mother_name_latin_trgm ON cases_mother "
    "USING gin (name_latin gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS mother_other_names_trgm ON cases_mother "
    "USING gin (other_names gin_trgm_ops)",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    drop = {"sqlite": LEGACY_SQLITE_DROP, "postgresql": LEGACY_POSTGRES_DROP}.get(vendor, [])
    for sql in drop:
        schema_editor.execute(sql)
    reinstall(apps, schema_editor)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [*sqlite_uninstall(), *LEGACY_SQLITE_CREATE]
    elif vendor == "postgresql":
        statements = [*postgres_uninstall(), *LEGACY_POSTGRES_CREATE]
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_case_list_columns")]
    operations = [migrations.RunPython(forward, backward)]
