"""The daily refresh gathers SQLite's planner statistics, but none for the open grants' index
by organisation: with one average over the organisations that hold grants, SQLite would read
every grant to find an organisation's (none, for most)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from komar.cases.access import scope
from komar.cases.findings import GRANT_INDEX
from komar.cases.models import AccessGrant, Mother

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")


def plan(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


def test_the_refresh_leaves_the_grants_index_without_statistics(
    sokha, shares_with_legal_aid, legal_aid
) -> None:
    assert AccessGrant.objects.filter(organisation=legal_aid, ended_at__isnull=True).exists()
    call_command("refresh_findings", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'cases_accessgrant'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert indexes and GRANT_INDEX not in indexes  # the others' statistics are gathered
    # Sokha's organisation holds no grant: the grants' half of her scope is a search of an
    # index by organisation, not a scan of every grant.
    sql, params = Mother.objects.filter(scope(sokha)).values("pk").query.sql_with_params()
    shown = plan(sql, params)
    assert "SEARCH U0 USING" in shown and "SCAN U0" not in shown
