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


def test_the_grants_half_of_a_deadline_list_reads_its_kind_side_by_side(
    vicheka, shares_with_legal_aid
) -> None:
    """A legal officer's organisation sees the women shared with it (the grants): her list of one
    kind of deadline reads that kind's rows of each such woman from `deadline_grant_idx`, not
    each woman's every deadline, after the daily refresh gathered the statistics too."""
    import datetime as dt

    from django.test.utils import CaptureQueriesContext

    from komar.cases.queries import count_deadlines, deadlines_by

    call_command("refresh_findings", stdout=io.StringIO())
    today = dt.date(2026, 3, 2)
    with CaptureQueriesContext(connection) as captured:
        deadlines_by(vicheka, "legal_screening_due", today=today, by=dt.date.max, count=10)
        count_deadlines(vicheka, "legal_screening_due", today=today)
    lists = [q["sql"] for q in captured.captured_queries if '"cases_deadline"' in q["sql"]]
    assert len(lists) == 2
    for sql in lists:
        shown = plan(sql, ())
        assert "USING INDEX deadline_grant_idx (code=? AND mother_id=?" in shown, shown
        assert "deadline_mother_idx" not in shown, shown
