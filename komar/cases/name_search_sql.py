"""SQL of the search index (see migration 0007 and `cases/search.py`).

A table of search entries, one per source row, made of search keys
(`komar.lib.names.name_key` and `number_key`, turned here into nested SQL `replace()` calls
from the same lists, so that the database and Python compute the same keys):

- a woman: her names (Khmer, Latin, other names) and her numbers (national ID, family book,
  other identity document, phone);
- a child with a name: the child's names, pointing to the mother;
- a custody episode with a prison number: that number, pointing to the woman.

An entry's id is the source row's id times 4 plus its kind (0 woman, 1 child, 2 episode). The
names are padded with spaces, so that a trigram such as " so" marks the start of a word.

Triggers on the three tables keep the entries in step, whatever writes the rows (actions, the
demo's bulk inserts, the admin). SQLite: an FTS5 `trigram` table, `cases_search_fts`.
PostgreSQL: a plain table, `cases_search_entry`, with `pg_trgm` GIN indexes on both columns.

On SQLite, Django rebuilds a table to alter one of its columns, and the rebuild drops the
table's triggers: any migration that alters cases_mother, cases_child or cases_custodyepisode
must call `reinstall` afterwards. `reinstall` always installs the current index and rebuilds
its entries; it is idempotent. Changing the key lists in `komar.lib.names` also needs a
migration that calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from komar.lib.names import NAME_KEY_REPLACEMENTS, NUMBER_KEY_REPLACEMENTS

# All SQL here is built from this module's constants and the key lists (quoted by `_literal`);
# what users type is always passed as a parameter (hence the `noqa: S608` below).

# Migration 0003's index (name columns only, replaced by 0007). Kept for that migration.
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
LEGACY_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS cases_mother_fts_ai",
    "DROP TRIGGER IF EXISTS cases_mother_fts_ad",
    "DROP TRIGGER IF EXISTS cases_mother_fts_au",
    "DROP TABLE IF EXISTS cases_mother_fts",
]
LEGACY_POSTGRES_DROP = [
    "DROP INDEX IF EXISTS mother_name_km_trgm",
    "DROP INDEX IF EXISTS mother_name_latin_trgm",
    "DROP INDEX IF EXISTS mother_other_names_trgm",
]

FTS_TABLE = "cases_search_fts"  # SQLite
PG_TABLE = "cases_search_entry"  # PostgreSQL
MOTHER, CHILD, EPISODE = 0, 1, 2
KINDS = 4  # rowid = source id * KINDS + kind
_ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _literal(value: str) -> str:
    # The SQL text is run with parameters: a "%" would be read as a placeholder.
    assert "%" not in value
    return "'" + value.replace("'", "''") + "'"


# SQLite's parser takes about 30 nested calls: on SQLite the replacements are chained through
# nested scalar subqueries, this many to each.
_SQLITE_CHUNK = 16


def _chain(expr: str, replacements: Sequence[tuple[str, str]]) -> str:
    for old, new in replacements:
        expr = f"replace({expr}, {_literal(old)}, {_literal(new)})"
    return expr


def _replacements_sql(expr: str, replacements: Sequence[tuple[str, str]], vendor: str) -> str:
    # ASCII-only lower-casing on both (SQLite's lower() without ICU; translate() on PostgreSQL),
    # as in komar.lib.names.
    if vendor == "postgresql":
        lowered = f"translate({expr}, '{_ASCII_UPPER}', '{_ASCII_UPPER.lower()}')"
        return f"trim({_chain(lowered, replacements)})"
    chunks = [
        replacements[i : i + _SQLITE_CHUNK] for i in range(0, len(replacements), _SQLITE_CHUNK)
    ]
    sql = f"(SELECT lower({expr}) AS k)"
    for chunk in chunks[:-1]:
        sql = f"(SELECT {_chain('k', chunk)} AS k FROM {sql})"  # noqa: S608 - constants
    return f"(SELECT trim({_chain('k', chunks[-1])}) FROM {sql})"  # noqa: S608 - constants


def name_key_sql(expr: str, vendor: str) -> str:
    return _replacements_sql(expr, NAME_KEY_REPLACEMENTS, vendor)


def number_key_sql(expr: str, vendor: str) -> str:
    return _replacements_sql(expr, NUMBER_KEY_REPLACEMENTS, vendor)


# The entry of each source, over a row alias (`new`, a table name).


def _name_key(expr: str, vendor: str) -> str:
    return f"komar_name_key({expr})" if vendor == "postgresql" else name_key_sql(expr, vendor)


def _number_key(expr: str, vendor: str) -> str:
    return f"komar_number_key({expr})" if vendor == "postgresql" else number_key_sql(expr, vendor)


def _padded(expr: str) -> str:
    return f"' ' || {expr} || ' '"


def _mother_values(row: str, vendor: str) -> str:
    names = _padded(
        _name_key(f"{row}.name_km || ',' || {row}.name_latin || ',' || {row}.other_names", vendor)
    )
    columns = ["national_id_number", "family_book_number", "other_identity_document", "phone"]
    numbers = " || ' ' || ".join(_number_key(f"{row}.{c}", vendor) for c in columns)
    return f"{row}.id, {names}, {numbers}"


def _child_values(row: str, vendor: str) -> str:
    names = _padded(_name_key(f"{row}.name_km || ',' || {row}.name_latin", vendor))
    return f"{row}.mother_id, {names}, ''"


def _episode_values(row: str, vendor: str) -> str:
    return f"{row}.mother_id, '', {_number_key(f'{row}.prison_number', vendor)}"


@dataclass(frozen=True)
class _Source:
    table: str
    stem: str  # of trigger names
    columns: str  # whose update changes the entry
    kind: int
    condition: str  # "{r}" is the row alias
    values: Callable[[str, str], str]  # (row alias, vendor) -> mother_id, names, numbers


_SOURCES = [
    _Source(
        "cases_mother",
        "mother",
        "name_km, name_latin, other_names, national_id_number, family_book_number, "
        "other_identity_document, phone",
        MOTHER,
        "",
        _mother_values,
    ),
    _Source(
        "cases_child",
        "child",
        "name_km, name_latin, mother_id",
        CHILD,
        "{r}.name_km <> '' OR {r}.name_latin <> ''",
        _child_values,
    ),
    _Source(
        "cases_custodyepisode",
        "episode",
        "prison_number, mother_id",
        EPISODE,
        "{r}.prison_number <> ''",
        _episode_values,
    ),
]


def _insert(source: _Source, row: str, vendor: str) -> str:
    table, entry = (FTS_TABLE, "rowid") if vendor == "sqlite" else (PG_TABLE, "entry")
    condition = source.condition.format(r=row)
    where = f" WHERE {condition}" if condition else ""
    origin = f" FROM {row}" if row == source.table else ""
    return (
        f"INSERT INTO {table}({entry}, mother_id, names, numbers) "
        f"SELECT {row}.id * {KINDS} + {source.kind}, {source.values(row, vendor)}{origin}{where}"
    )


# SQLite.

_SQLITE_TABLE = f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
    names, numbers, mother_id UNINDEXED, tokenize='trigram')"""
SQLITE_TRIGGER_NAMES = sorted(
    f"cases_search_{source.stem}_{event}" for source in _SOURCES for event in ("ai", "au", "ad")
)


def _sqlite_statements() -> list[str]:
    statements = [*LEGACY_SQLITE_DROP[:3], _SQLITE_TABLE]
    for source in _SOURCES:
        stem, table = source.stem, source.table
        delete = f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id * {KINDS} + {source.kind};"  # noqa: S608
        insert = _insert(source, "new", "sqlite") + ";"
        statements += [
            f"DROP TRIGGER IF EXISTS cases_search_{stem}_{e}" for e in ("ai", "au", "ad")
        ]
        statements += [
            f"CREATE TRIGGER cases_search_{stem}_ai AFTER INSERT ON {table} BEGIN {insert} END",
            f"CREATE TRIGGER cases_search_{stem}_au AFTER UPDATE OF {source.columns} ON {table} "
            f"BEGIN {delete} {insert} END",
            f"CREATE TRIGGER cases_search_{stem}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        ]
    statements.append(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 - a constant
    statements += [_insert(source, source.table, "sqlite") for source in _SOURCES]
    return statements


def sqlite_uninstall() -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGER_NAMES),
        f"DROP TABLE IF EXISTS {FTS_TABLE}",
    ]


# PostgreSQL.

_FUNCTIONS = {
    "komar_name_key": name_key_sql("$1", "postgresql"),
    "komar_number_key": number_key_sql("$1", "postgresql"),
}


def _postgres_statements() -> list[str]:
    statements = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
    statements += [
        f"CREATE OR REPLACE FUNCTION {name}(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$SELECT {body}$$"
        for name, body in _FUNCTIONS.items()
    ]
    statements += [
        f"""CREATE TABLE IF NOT EXISTS {PG_TABLE} (
            entry bigint PRIMARY KEY, mother_id integer NOT NULL,
            names text NOT NULL, numbers text NOT NULL)""",
        # The case list's search by name and by number.
        f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_names ON {PG_TABLE} USING gin (names gin_trgm_ops)",
        f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_numbers ON {PG_TABLE} "
        "USING gin (numbers gin_trgm_ops)",
    ]
    for source in _SOURCES:
        function = f"cases_search_{source.stem}_sync"
        statements += [
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    DELETE FROM {PG_TABLE} WHERE entry = OLD.id * {KINDS} + {source.kind};
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    {_insert(source, "NEW", "postgresql")};
                END IF;
                RETURN NULL;
            END $$""",  # noqa: S608
            f"DROP TRIGGER IF EXISTS cases_search_{source.stem} ON {source.table}",
            f"CREATE TRIGGER cases_search_{source.stem} "
            f"AFTER INSERT OR DELETE OR UPDATE OF {source.columns} ON {source.table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    statements.append(f"TRUNCATE {PG_TABLE}")
    statements += [_insert(source, source.table, "postgresql") for source in _SOURCES]
    return statements


def postgres_uninstall() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS cases_search_{source.stem} ON {source.table}"
        for source in _SOURCES
    ]
    statements += [f"DROP FUNCTION IF EXISTS cases_search_{s.stem}_sync()" for s in _SOURCES]
    statements.append(f"DROP TABLE IF EXISTS {PG_TABLE}")
    statements += [f"DROP FUNCTION IF EXISTS {name}(text)" for name in _FUNCTIONS]
    return statements


def reinstall(apps: Any, schema_editor: Any) -> None:
    """Install the current search index and rebuild its entries: the table if missing, the
    triggers (and on PostgreSQL the key functions) recreated."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = _sqlite_statements()
    elif vendor == "postgresql":
        statements = _postgres_statements()
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql)


# Queries.


@dataclass(frozen=True)
class Condition:
    """What an entry must contain: every one of `texts` (`all`) or any of them, in its names
    or (`numbers`) in its numbers."""

    texts: Sequence[str]
    all: bool = False
    numbers: bool = False


def candidates(
    vendor: str,
    scope: tuple[str, Sequence[Any]],
    condition: Condition,
    *,
    rank_by: Sequence[str],
    pools: Sequence[tuple[int, int]],
) -> tuple[str, list[Any]]:
    """The entries that meet `condition`, for women in the scope subquery (the SQL of the ids,
    as `scope_id`, of the caller's queryset of women, already filtered). For each (kind, limit)
    of `pools`, at most `limit` entries of that kind, those containing the most of the strings
    `rank_by` first (shortest first among equals). Rows of (mother_id, kind, names, numbers).

    Every condition is served by the trigram index: FTS5 phrases on SQLite (a phrase of three
    characters or more is any substring), LIKE with the GIN indexes on PostgreSQL. On SQLite the
    entries that meet it in the scope are found once for every pool (`_sqlite_hits`)."""
    scope_sql, scope_params = scope
    column = "numbers" if condition.numbers else "names"
    joiner = " AND " if condition.all else " OR "
    params: list[Any]
    if vendor == "postgresql":
        match = "(" + joiner.join(f"{column} LIKE %s" for _ in condition.texts) + ")"
        match_params = [f"%{_like_escape(text)}%" for text in condition.texts]
        contains = f"(strpos({column}, %s) > 0)::int"
        ids = "string_agg(mother_id::text, ',')"

        # Each pool asks the index with its own kind: the planner then expects few rows and
        # looks up each entry's woman (one pass for all pools is a hash join over every woman).
        def source(kind: int) -> str:
            return (
                f"{PG_TABLE} WHERE {match} AND entry %% {KINDS} = {kind} "
                f"AND mother_id IN ({scope_sql})"
            )

        prefix, params = "", []
        source_params: list[Any] = [*match_params, *scope_params]
    else:
        phrases = joiner.join('"' + text.replace('"', '""') + '"' for text in condition.texts)
        match = f"{FTS_TABLE} MATCH %s"
        contains = f"(instr({column}, %s) > 0)"
        ids = "group_concat(mother_id)"

        def source(kind: int) -> str:
            return f"hits WHERE entry %% {KINDS} = {kind}"

        prefix, params = _sqlite_hits(scope, column, match, [f"{column} : ({phrases})"])
        source_params = []
    order = f"length({column})"
    if rank_by:
        order = " + ".join([contains] * len(rank_by)) + f" DESC, {order}"
    # Many women share a name: entries are grouped by their text, so that a pool holds that
    # many different names (or numbers), each with the ids of its women.
    texts = "'' AS names, numbers" if condition.numbers else "names, '' AS numbers"
    parts = []
    for kind, limit in pools:
        parts.append(
            f"SELECT * FROM (SELECT {ids} AS ids, {int(kind)} AS kind, {texts} "  # noqa: S608
            f"FROM {source(int(kind))} "
            f"GROUP BY {column} ORDER BY {order} LIMIT {int(limit)}) AS pool{int(kind)}"
        )
        params += [*source_params, *rank_by]
    return prefix + " UNION ALL ".join(parts), params


def _sqlite_hits(
    scope: tuple[str, Sequence[Any]], column: str, match: str, match_params: Sequence[Any]
) -> tuple[str, list[Any]]:
    """SQLite: a materialised CTE `hits` (entry, mother_id, `column`) of the entries that meet
    `match` whose woman is in the scope, read once for every pool (asking the index once per
    pool read every match twice).

    An entry's woman is found from its rowid (a woman's own entry is her id times 4; a child's or
    an episode's woman is read from that row by its id), and the entry's text is read only for
    the entries in her scope: reading a column of the FTS table looks up its content row (2.5 µs
    a row), and a common Khmer name matches ~15,000 entries at 100,000 women, ~2,000 of them in
    one organisation's scope. SQLite would build the ids of the whole scope for IN; a correlated
    EXISTS looks up each matching entry's woman instead."""
    scope_sql, scope_params = scope
    owners = " ".join(f"WHEN {source.kind} THEN {_owner(source)}" for source in _SOURCES)
    sql = (
        f"WITH matched AS MATERIALIZED (SELECT rowid AS entry FROM {FTS_TABLE} "  # noqa: S608
        f"WHERE {match}), "
        f"owned AS MATERIALIZED (SELECT entry, CASE entry %% {KINDS} {owners} END AS mother_id "
        "FROM matched), "
        f"hits AS MATERIALIZED (SELECT owned.entry, owned.mother_id, entries.{column} "
        f"FROM owned JOIN {FTS_TABLE} AS entries ON entries.rowid = owned.entry "
        f"WHERE EXISTS (SELECT 1 FROM ({scope_sql}) AS scope "
        "WHERE scope.scope_id = owned.mother_id)) "
    )
    return sql, [*match_params, *scope_params]


def _owner(source: _Source) -> str:
    """The SQL of the woman's id of an entry from `source`, from the entry's rowid."""
    if source.kind == MOTHER:
        return f"entry / {KINDS}"
    return f"(SELECT mother_id FROM {source.table} WHERE id = entry / {KINDS})"  # noqa: S608


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
