"""The findings evaluated in other processes, by the demo load as it goes (`seed_demo`'s
`Beside`) and by the daily refresh with `--jobs`: the same findings and deadlines as one
process gives.

Committed data (`transaction=True`), as forked processes read it through connections of their
own. On the tests' in-memory SQLite database they would see none of it, so the evaluation stays
in the test's process there; on PostgreSQL it runs in the forked processes.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from komar.casefile.management.commands import seed_demo
from komar.casefile.tests.test_seed_demo import fingerprint
from komar.cases import demo as registry
from komar.cases import findings
from komar.cases.models import Deadline, Finding

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def stored() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    flags = {
        (
            f.rule_code,
            f.rule_version,
            f.mother_id,
            f.child_id,
            f.facility_id,
            f.born_on,
            str(f.facts),
        )
        for f in Finding.objects.filter(resolved_at__isnull=True)
    }
    deadlines = set(
        Deadline.objects.values_list(
            "code", "mother_id", "child_id", "facility_id", "born_on", "due_on", "lapses_on"
        )
    )
    return flags, deadlines


def test_several_processes_store_what_one_process_stores(monkeypatch: Any, tmp_path: Path) -> None:
    # Each evaluation writes down which process made it (a file: the processes share no memory).
    log = tmp_path / "evaluated-in"
    expect = findings.expect

    def recording(mother_ids: Any, today: Any) -> findings.Expectation:
        with log.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return expect(mother_ids, today)

    def evaluated_in() -> set[int]:
        pids = {int(line) for line in log.read_text().split()} if log.exists() else set()
        log.unlink(missing_ok=True)
        return pids

    monkeypatch.setattr(findings, "expect", recording)
    monkeypatch.setattr(seed_demo, "expect", recording)
    forked = not (connection.vendor == "sqlite" and connection.is_in_memory_db())
    elsewhere = forked and len(os.sched_getaffinity(0)) > 1  # the demo keeps a core to draw

    # The demo evaluates beside its drawing; one process, evaluating again, changes nothing.
    call_command("seed_demo", "--seed", "3", "--size", "150", stdout=io.StringIO())
    pids = evaluated_in()
    assert pids and (os.getpid() not in pids) == elsewhere
    call_command("refresh_findings", "--check", stdout=io.StringIO())
    assert evaluated_in() == {os.getpid()}
    seeded = stored()
    assert len(seeded[0]) > 50 and len(seeded[1]) > 20

    # The daily command with two processes stores them all again, the same.
    Finding.objects.all().delete()
    Deadline.objects.all().delete()
    out = io.StringIO()
    call_command("refresh_findings", "--jobs", "2", "--chunk", "40", stdout=out)
    assert "150 women" in out.getvalue()
    assert stored() == seeded
    # On the tests' in-memory SQLite database the forked processes would see no rows.
    pids = evaluated_in()
    assert pids and (os.getpid() not in pids) == forked
    call_command("refresh_findings", "--check", "--jobs", "2", "--chunk", "40", stdout=out)


def test_jobs_and_chunks_must_be_counted_from_one() -> None:
    for option in ("--jobs", "--chunk"):
        with pytest.raises(CommandError, match="must be 1 or more"):
            call_command("refresh_findings", option, "0", stdout=io.StringIO())


def failing_step(mother_ids: Any) -> None:
    raise ValueError(f"no rows for {len(mother_ids)} women")


def test_a_step_failing_beside_the_load_stops_it() -> None:
    failing = seed_demo.Beside(failing_step, enabled=True)
    with pytest.raises((CommandError, ValueError), match="no rows for 2 women"), failing as beside:
        beside.ask([1, 2])
        list(beside.rest())


def test_the_load_beside_gives_the_rows_the_load_alone_gives(monkeypatch: Any) -> None:
    """Every table, with the health records drawn and the flags stored by processes of their
    own (on PostgreSQL) and by the load's own process (one core), over three chunks."""
    monkeypatch.setattr(registry, "CHUNK_SIZE", 50)
    call_command("seed_demo", "--seed", "5", "--size", "150", stdout=io.StringIO())
    beside = fingerprint()
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    call_command("seed_demo", "--seed", "5", "--size", "150", "--flush", stdout=io.StringIO())
    assert fingerprint() == beside
