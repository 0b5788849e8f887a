"""Write the research exports waiting in the queue (or one named export), oldest first, then
bring the factor studies' stored numbers up to date (`study.refresh_stored`).

Run from cron every minute, or started by the page for one large export; no queue server."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from komar.research import actions, study
from komar.research.models import ResearchExport


class Command(BaseCommand):
    help = "Write the research exports that are waiting."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--export", help="the code of one export to write")
        parser.add_argument("--limit", type=int, default=None)
        parser.add_argument(
            "--no-studies",
            action="store_true",
            help="leave the factor studies' stored numbers as they are",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["export"]:
            export = (
                ResearchExport.objects.select_related("project", "requested_by")
                .filter(code=options["export"], status=ResearchExport.Status.QUEUED)
                .first()
            )
            done = [actions.do_write_export(export)] if export else []
        else:
            done = actions.run_queue(options["limit"])
        for export in done:
            self.stdout.write(
                f"{export.code} {export.status} rows={export.rows} k={export.k_achieved}"
            )
        if options["export"] or options["no_studies"]:
            return
        for project, first, last, again in study.refresh_stored(timezone.localdate()):
            years = f"{first or ''}-{last or ''}" if first or last else "all years"
            state = "computed again" if again else "up to date"
            self.stdout.write(f"study {project.code} ({years}): {state}")
