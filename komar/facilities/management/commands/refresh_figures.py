"""Count again the stored figures of recent periods (`komar.facilities.figures`): run every
night from the same timer as `refresh_findings`, and with `--recent` every minute from the
exports' timer, for the figures of today (docs/deployment.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from komar.facilities import figures


class Command(BaseCommand):
    help = "Count again the stored figures of the periods of the last --days days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=400,
            help="periods that began or were counted this many days ago or since (400)",
        )
        parser.add_argument(
            "--recent",
            action="store_true",
            help="only the figures of periods not settled yet (today's) counted some minutes ago",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["recent"]:
            done = figures.refresh_recent(today)
        else:
            done = figures.refresh(today, options["days"])
        for kind, on, n in done:
            self.stdout.write(f"{kind} {on.isoformat()}: {n} facilities counted again")
        self.stdout.write(f"{len(done)} periods counted again")
