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
findings are computed at the end by `refresh_findings`, as every night. See the registry's
module for the rules the data follow (no audit rows, codes derived from the seed, demo users
reset and never deleted).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from collections.abc import Sequence
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from komar.accounts.models import Organisation, User
from komar.assessments import demo as assessments_demo
from komar.cases import demo as registry
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
        """Draw and write the casework of one chunk of women (inside the caller's transaction).
        Each workflow is handed what the one below it drew for the woman."""
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
        self.health.chunk(women)
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
        started = time.monotonic()
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
        done = 0
        while done < size:
            chunk = min(registry.CHUNK_SIZE, size - done)
            with transaction.atomic():
                women = registry.insert_women(
                    [generator.woman() for _ in range(chunk)],
                    today=today,
                    limit_months=ref.limit_months,
                )
                casework.insert(women)
            done += chunk
            if size > registry.CHUNK_SIZE and options["verbosity"] > 1:
                self.stdout.write(f"  {done} of {size} women")

        with transaction.atomic():
            monitoring_demo.seed(
                random.Random(options["seed"] + MONITORING_SEED_OFFSET),  # noqa: S311
                ref,
            )
            research_demo.seed(
                random.Random(options["seed"] + RESEARCH_SEED_OFFSET),  # noqa: S311
                ref,
            )

        # The flags, as the nightly refresh stores them (its one line only when asked for).
        verbose = options["verbosity"] > 1
        call_command("refresh_findings", stdout=self.stdout if verbose else io.StringIO())
        self.report(organisation_ids, today, women_facilities, time.monotonic() - started)

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
