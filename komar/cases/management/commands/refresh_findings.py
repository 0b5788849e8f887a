"""Re-evaluate every rule for every woman and her children, and store the findings.

Run daily from a timer (see docs/deployment.md): rules that depend on the date (a limit
approaching, a review falling due) change without any action, and a rule whose version changed
resolves the old version's findings and raises its own. `--check` writes nothing and reports
every stored finding (and deadline) that differs from a fresh evaluation (exit status 1 if any
does).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from komar.cases.findings import Difference, compare, refresh_findings
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

    def handle(self, *args: Any, **options: Any) -> None:
        if not all_rules():
            raise CommandError("No rules are registered (is komar.casefile installed?).")
        started = time.monotonic()
        today = timezone.localdate()
        total = Difference()
        ids = list(Mother.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            if options["check"]:
                difference, _expected = compare(chunk, today)
            else:
                difference = refresh_findings(chunk, today=today)
            total.add(difference)
        # Findings of a retired rule are resolved above, as no fresh evaluation raises them.
        if not options["check"]:
            # Planner statistics, daily: SQLite has no autovacuum to gather them, and without
            # them it reads a user's flags and reviews through the wrong indexes.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
                if connection.vendor == "sqlite":
                    _forget_grant_statistics(cursor)
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


# SQLite keeps one average per index (no histogram in Debian's build): the open grants' index by
# organisation is averaged over the organisations that hold grants, often a single one (the
# legal aid organisation), so the planner expects every grant to match and reads the whole
# table, for each part of a query that asks for an organisation's grants (3 ms each at 22,000
# grants, 17 of them in a social worker's "My work", whose organisation holds none). Without
# statistics for that index, SQLite reads the organisation's range of it (0.05 ms when empty,
# the same 3 ms as the table when the organisation holds them all).
GRANT_INDEX = "grant_open_org_idx"


def _forget_grant_statistics(cursor: Any) -> None:
    cursor.execute("DELETE FROM sqlite_stat1 WHERE idx = %s", [GRANT_INDEX])
    cursor.execute("ANALYZE sqlite_schema")  # the planner reloads the statistics
