"""Load a fictional, deterministic demo dataset: organisations, users, women and their children,
and the casework about them, composed from each app's own demo module.

    manage.py seed_demo [--seed N] [--size N] [--flush] [--force]

- `cases/demo.py`: the registry (organisations, users, women, custody, children, placements,
  consents), the safety checks and `--flush`.
- `counselling/demo.py`: sessions and decisions, drawn for each chunk of women from their facts.
- `assessments/demo.py`: assessments and determinations, drawn from what counselling drew.
- `casework/demo.py`: case notes for the women counselling counselled (its own generator).
- `legal/demo.py`: legal cases, hearings, applications and diversion screenings, drawn for each
  chunk of women from their custody (its own generator); `--flush` deletes them first.
- `health/demo.py`: the children's measurements, immunisations, milestones and health checks,
  drawn for each chunk (its own generator).
- `transitions/demo.py`: carers, their assessments, transition plans, separations and follow-up
  visits that fit the registry's placements, drawn for each chunk (its own generator).
- `monitoring/demo.py`: the facilities' attendance registers, monthly snapshots and checklists,
  once every woman is in.
- `research/demo.py`: research projects, once every woman is in.

The casework has a generator of its own (seeded from the seed plus an offset), so that the
registry data stay the same whatever the workflows draw. The workflows share it, drawing woman by
woman in layer order: the order of the draws is part of "same seed, same data". The stored
findings are those the nightly `refresh_findings` stores. The health records and the findings
of each chunk are made by processes of their own while the next chunks are drawn (`Beside`).
See the registry's module for the rules the data follow (no audit rows, codes derived from the
seed, demo users reset and never deleted).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, Generic, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, router, transaction
from django.utils import timezone

from komar.accounts.models import Organisation, User
from komar.assessments import demo as assessments_demo
from komar.cases import demo as registry
from komar.cases.findings import (
    expect,
    forked_processes_see_the_rows,
    refresh_findings,
    update_planner_statistics,
)
from komar.cases.models import Mother
from komar.casework import demo as casework_demo
from komar.casework.models import CaseNote
from komar.counselling import demo as counselling_demo
from komar.facilities.models import Facility
from komar.health import demo as health_demo
from komar.legal import demo as legal_demo
from komar.monitoring import demo as monitoring_demo
from komar.research import demo as research_demo
from komar.transitions import demo as transitions_demo

CASEWORK_SEED_OFFSET = 1_000_003
# The case notes draw from a generator of their own: adding them changed no other demo row.
NOTES_SEED_OFFSET = 2_000_003
# The legal histories too: adding them changed no other demo row.
LEGAL_SEED_OFFSET = 3_000_017
# And each workflow built after it.
HEALTH_SEED_OFFSET = 4_000_037
TRANSITIONS_SEED_OFFSET = 5_000_011
MONITORING_SEED_OFFSET = 6_000_001
RESEARCH_SEED_OFFSET = 7_000_003
WAIT_FOR_WRITES_MS = 30 * 60 * 1000

R = TypeVar("R")


def store_findings(mother_ids: Sequence[int], today: dt.date) -> tuple[int, int]:
    """Evaluate the rules for these women (before taking the database's write lock) and store
    the findings and deadlines, as the nightly refresh does: how many were raised and set."""
    expectation = expect(mother_ids, today)
    difference = refresh_findings(
        mother_ids, today=today, expectation=expectation, insert=registry.write_rows
    )
    return len(difference.raised), len(difference.deadlines_set)


class Beside(Generic[R]):
    """A step of the load done for each chunk of women once their rows are committed, by a
    process of its own forked from this one (with the state of the generators it holds): one
    chunk after another, in the order asked, so that its draws and its rows are those it
    would give here. Where a forked process would not see the rows (inside a transaction, on
    an in-memory database: the tests') or no other core is free, it is done here, in order,
    when its results are taken.

        with Beside(step, enabled=True) as beside:
            beside.ask(ids)  # once her rows are committed
            for ids, result in beside.done():  # those done so far; .rest() waits for all
                ...
    """

    def __init__(self, step: Callable[[Sequence[int]], R], *, enabled: bool) -> None:
        self.step = step
        self.enabled = enabled
        self.asked: deque[Sequence[int]] = deque()
        self.pipe: Any = None
        self.process: Any = None

    def __enter__(self) -> Beside[R]:
        self.enabled = self.enabled and forked_processes_see_the_rows()
        if self.enabled:
            connections.close_all()  # the forked process opens its own
            context = multiprocessing.get_context("fork")
            self.pipe, theirs = context.Pipe()
            self.process = context.Process(target=_serve, args=(theirs, self.step), daemon=True)
            self.process.start()
            theirs.close()
        return self

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        if self.process is None:
            return
        if kind is None:
            self.pipe.send(None)
        else:
            self.process.terminate()
        self.process.join()
        self.process = None

    def ask(self, mother_ids: Sequence[int]) -> None:
        self.asked.append(mother_ids)
        if self.enabled:
            try:
                self.pipe.send(list(mother_ids))
            except BrokenPipeError:  # it stopped: say why
                self._failed(self.pipe.recv()[0] if self.pipe.poll() else "it stopped")

    def done(self) -> Iterator[tuple[Sequence[int], R]]:
        """The chunks done so far, in order (here: all of them, done now)."""
        while self.asked and (not self.enabled or self.pipe.poll()):
            yield self._take()

    def rest(self) -> Iterator[tuple[Sequence[int], R]]:
        """Every chunk asked for, in order, waiting for each."""
        while self.asked:
            yield self._take()

    def _take(self) -> tuple[Sequence[int], R]:
        mother_ids = self.asked.popleft()
        if not self.enabled:
            return mother_ids, self.step(mother_ids)
        try:
            failure, result = self.pipe.recv()
        except EOFError:
            failure, result = "it stopped", None
        if failure:
            self._failed(failure)
        return mother_ids, result

    def _failed(self, failure: str) -> None:
        raise CommandError(f"A step of the demo load failed in its process:\n{failure}")


def _serve(pipe: Any, step: Callable[[Sequence[int]], Any]) -> None:
    """In the forked process: do the step for each chunk asked for, and send back its result,
    or why it failed (and stop)."""
    try:
        connection = connections[router.db_for_write(Mother)]
        if connection.vendor == "sqlite":
            # Its writes wait for the load's, some long (the monitoring records): longer than
            # the app's 20 s.
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {WAIT_FOR_WRITES_MS}")
        while (mother_ids := pipe.recv()) is not None:
            pipe.send(("", step(mother_ids)))
    except Exception:
        pipe.send((traceback.format_exc(), None))
    finally:
        connections.close_all()


class Casework:
    """Each workflow's demo generator, drawing woman by woman from one shared generator."""

    def __init__(self, seed: int, ref: registry.Reference) -> None:
        rng = random.Random(seed + CASEWORK_SEED_OFFSET)  # noqa: S311 - not secrets
        self.counselling = counselling_demo.CounsellingGenerator(rng, ref)
        self.assessments = assessments_demo.AssessmentGenerator(rng, ref)
        notes_rng = random.Random(seed + NOTES_SEED_OFFSET)  # noqa: S311 - not secrets
        self.notes = casework_demo.NoteGenerator(notes_rng, ref)
        legal_rng = random.Random(seed + LEGAL_SEED_OFFSET)  # noqa: S311 - not secrets
        self.legal = legal_demo.LegalGenerator(legal_rng, ref)
        self.health = health_demo.HealthGenerator(
            random.Random(seed + HEALTH_SEED_OFFSET),  # noqa: S311 - not secrets
            ref,
        )
        self.transitions = transitions_demo.TransitionsGenerator(
            random.Random(seed + TRANSITIONS_SEED_OFFSET),  # noqa: S311 - not secrets
            ref,
        )

    def insert(self, women: Sequence[registry.WomanFacts]) -> None:
        """Draw and write the casework of one chunk of women (inside the caller's transaction),
        but for the health records, drawn once it is committed (`Beside`). Each workflow is
        handed what the one below it drew for the woman."""
        sessions = counselling_demo.CounsellingRows()
        assessed = assessments_demo.AssessmentRows()
        notes: list[CaseNote] = []
        for woman in women:
            counselled = self.counselling.woman(woman, sessions)
            if counselled is not None:
                self.assessments.woman(counselled, assessed)
                self.notes.woman(counselled.woman, counselled.counsellor, notes)
        counselling_demo.insert_counselling(sessions)
        assessments_demo.insert_assessments(assessed)
        casework_demo.insert_notes(notes)
        legal = legal_demo.LegalRows()
        self.legal.chunk(women, legal)
        legal_demo.insert_legal(legal)
        self.transitions.chunk(women)


class Command(BaseCommand):
    help = "Load a fictional demo dataset (deterministic for a seed) and the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data")
        parser.add_argument("--size", type=int, default=300, help="number of women")
        parser.add_argument("--flush", action="store_true", help="delete earlier demo data first")
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even in production mode, or with women or users outside the demo "
            "(or demo data already there, without --flush)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.started = started = time.monotonic()
        size: int = options["size"]
        if size < 0:
            raise CommandError("--size must be 0 or more.")
        registry.check_database(force=options["force"], flush=options["flush"])
        reference_rows = registry.read_reference_rows()
        women_facilities = reference_rows.facilities

        with transaction.atomic():
            organisation_ids = registry.demo_organisation_ids()
            if options["flush"] and organisation_ids:
                research_demo.flush(organisation_ids)
                monitoring_demo.flush(organisation_ids)
                transitions_demo.flush(registry.demo_mothers(organisation_ids))
                health_demo.flush(registry.demo_mothers(organisation_ids))
                legal_demo.flush(registry.demo_mothers(organisation_ids))
                flushed = registry.flush_demo_data(organisation_ids)
                self.stdout.write(f"Deleted {flushed} demo women and their records.")
            organisations = registry.ensure_organisations()
            users = registry.ensure_users(organisations, women_facilities)
            counselling_demo.fill_facility_facts(women_facilities, timezone.localdate())
        organisation_ids = [o.pk for o in organisations.values()]

        today = timezone.localdate()
        ref = registry.reference(
            reference_rows, organisations, users, today=today, now=timezone.now()
        )
        generator = registry.Generator(random.Random(options["seed"]), ref)  # noqa: S311
        casework = Casework(options["seed"], ref)
        self.verbose = options["verbosity"] > 1
        # Once a chunk of women is written, two steps follow, each by a process of its own
        # while this one draws the next chunks (nobody else uses the data yet): the health
        # records (their generator reads her children back), then the stored flags, as the
        # nightly refresh stores them (no rule reads the monitoring or research records
        # written last).
        enabled = len(os.sched_getaffinity(0)) > 1
        health = Beside(casework.health.chunk_written, enabled=enabled)
        flags = Beside(partial(store_findings, today=today), enabled=enabled)
        raised = deadlines = 0
        with health, flags:
            done = 0
            while done < size:
                drawn = [generator.woman() for _ in range(min(registry.CHUNK_SIZE, size - done))]
                with transaction.atomic():
                    women = registry.insert_women(drawn, today=today, limit_months=ref.limit_months)
                    casework.insert(women)
                health.ask([w.mother.pk for w in women])
                for written, _nothing in health.done():
                    flags.ask(written)
                for _ids, (new_flags, new_deadlines) in flags.done():
                    raised, deadlines = raised + new_flags, deadlines + new_deadlines
                done += len(drawn)
                if size > registry.CHUNK_SIZE:
                    self.step(f"{done} of {size} women")

            monitoring = monitoring_demo.draw(
                random.Random(options["seed"] + MONITORING_SEED_OFFSET),  # noqa: S311
                ref,
            )
            with transaction.atomic():
                registry.write_tables(monitoring)
                research_demo.seed(
                    random.Random(options["seed"] + RESEARCH_SEED_OFFSET),  # noqa: S311
                    ref,
                )
            self.step("monitoring and research records written")
            for written, _nothing in health.rest():
                flags.ask(written)
            self.step("health records written")
            for _ids, (new_flags, new_deadlines) in flags.rest():
                raised, deadlines = raised + new_flags, deadlines + new_deadlines
            self.step(f"flags raised {raised}, deadlines set {deadlines}")
        update_planner_statistics()
        self.step("planner statistics updated")
        self.report(organisation_ids, today, women_facilities, time.monotonic() - started)

    def step(self, done: str) -> None:
        """Say what is done, and when (-v 2)."""
        if self.verbose:
            self.stdout.write(f"  {time.monotonic() - self.started:6.1f} s  {done}")

    def report(
        self,
        organisation_ids: list[int],
        today: dt.date,
        women_facilities: list[Facility],
        seconds: float,
    ) -> None:
        mothers = registry.demo_mothers(organisation_ids)
        counts = registry.summary(organisation_ids, today)
        counts |= counselling_demo.summary(mothers)
        counts |= assessments_demo.summary(mothers)
        counts |= casework_demo.summary(mothers)
        counts |= legal_demo.summary(mothers)
        counts |= health_demo.summary(mothers)
        counts |= transitions_demo.summary(mothers)
        counts |= monitoring_demo.summary(organisation_ids)
        counts |= research_demo.summary(organisation_ids)
        lines = [f"Demo data loaded in {seconds:.1f} s:"]
        lines += [f"  {label:<20} {count}" for label, count in counts.items()]
        lines += ["", f"Demo logins (password {registry.DEMO_PASSWORD}):"]
        names = {o.pk: o.name_en for o in Organisation.objects.filter(pk__in=organisation_ids)}
        for spec in registry.USERS:
            user = User.objects.get(username=spec.username)
            if spec.facilities == "all":
                where = f"all {len(women_facilities)} facilities holding women"
            else:
                where = ", ".join(n for n in spec.facilities.split("|") if n) or "-"
            role = user.get_role_display()
            organisation = names.get(user.organisation_id or 0, "")
            lines.append(f"  {spec.username:<11} {role:<18} {organisation:<37} {where}")
        self.stdout.write("\n".join(lines))
