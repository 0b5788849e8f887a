"""Time a full research export and the factor study (`komar.research.bench.run`); `scripts/bench`
runs it in a process of its own and puts the figures in its report."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from komar.research import bench


class Command(BaseCommand):
    help = "Time a full research export and the factor study over the current database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="one JSON object per step")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            timings = bench.run()
        except ValueError as error:
            raise CommandError(str(error)) from None
        for timing in timings:
            if options["json"]:
                self.stdout.write(json.dumps(dataclasses.asdict(timing)))
            else:
                self.stdout.write(timing.line())
