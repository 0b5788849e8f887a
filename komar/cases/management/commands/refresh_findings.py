"""Re-evaluate every rule for every woman and her children, and store the findings.

Run daily from a timer (see docs/deployment.md): rules that depend on the date (a limit
approaching, a review falling due) change without any action, and a rule whose version changed
resolves the old version's findings and raises its own. `--check` writes nothing and reports
every stored finding (and deadline) that differs from a fresh evaluation (exit status 1 if any
does). `--jobs N` evaluates in N processes while this one writes, only for a database nobody
else writes to meanwhile, such as a dataset just loaded (the timer's run keeps to one).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from komar.cases.findings import (
    Difference,
    Evaluations,
    compare,
    refresh_findings,
    update_planner_statistics,
)
from komar.cases.models import Deadline, Finding, Mother
from komar.lib.rules import all_rules

CHUNK = 2000


class Command(BaseCommand):
    help = "Re-evaluate the rules for every woman and store the findings (daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing; report stored findings that differ from a fresh evaluation",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="evaluate in this many processes (the writes stay in one); only on a database "
            "nobody else writes to meanwhile, such as a dataset just seeded",
        )
        parser.add_argument(
            "--chunk", type=int, default=CHUNK, help="women evaluated and written together"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not all_rules():
            raise CommandError("No rules are registered (is komar.casefile installed?).")
        started = time.monotonic()
        today = timezone.localdate()
        total = Difference()
        jobs, size = options["jobs"], options["chunk"]
        if jobs < 1 or size < 1:
            raise CommandError("--jobs and --chunk must be 1 or more.")
        ids = list(Mother.objects.order_by("pk").values_list("pk", flat=True))
        chunks = [ids[start : start + size] for start in range(0, len(ids), size)]
        # One process evaluates and writes; with --jobs, others evaluate the chunks ahead.
        with Evaluations(today, jobs=jobs if jobs > 1 else 0) as evaluations:
            for chunk in chunks:
                evaluations.ask(chunk)
            for evaluated, expectation in evaluations.rest():
                if options["check"]:
                    difference, _expected = compare(evaluated, today, expectation)
                else:
                    difference = refresh_findings(evaluated, today=today, expectation=expectation)
                total.add(difference)
        # Findings of a retired rule are resolved above, as no fresh evaluation raises them.
        if not options["check"]:
            update_planner_statistics()
        seconds = time.monotonic() - started
        verb = "would raise" if options["check"] else "raised"
        self.stdout.write(
            f"{len(ids)} women in {seconds:.1f} s: {verb} {len(total.raised)}, "
            f"{'would update' if options['check'] else 'updated'} {len(total.updated)}, "
            f"{'would resolve' if options['check'] else 'resolved'} {len(total.resolved)}; "
            f"{Finding.objects.filter(resolved_at__isnull=True).count()} open flags; "
            f"deadlines: {'would set' if options['check'] else 'set'} {len(total.deadlines_set)}, "
            f"{'would move' if options['check'] else 'moved'} {len(total.deadlines_moved)}, "
            f"{'would drop' if options['check'] else 'dropped'} {len(total.deadlines_dropped)}; "
            f"{Deadline.objects.count()} deadlines."
        )
        if options["check"] and total:
            for expected in total.raised[:20]:
                self.stdout.write(
                    f"  missing: {expected.rule.code} mother={expected.mother_id} "
                    f"child={expected.child_id}"
                )
            for finding, fields in total.updated[:20]:
                self.stdout.write(f"  differs: finding {finding.pk} {finding.rule_code} {fields}")
            for finding in total.resolved[:20]:
                self.stdout.write(f"  stale: finding {finding.pk} {finding.rule_code}")
            for wanted in total.deadlines_set[:20]:
                self.stdout.write(
                    f"  missing: deadline {wanted.code} mother={wanted.mother_id} "
                    f"child={wanted.child_id}"
                )
            for deadline, fields in total.deadlines_moved[:20]:
                self.stdout.write(f"  differs: deadline {deadline.pk} {deadline.code} {fields}")
            for deadline in total.deadlines_dropped[:20]:
                self.stdout.write(f"  stale: deadline {deadline.pk} {deadline.code}")
            raise CommandError("Stored findings differ from a fresh evaluation.")
