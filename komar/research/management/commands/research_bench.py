"""Print the research timings (`komar.research.bench.run`) for `scripts/bench`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from komar.research import bench


class Command(BaseCommand):
    help = "Time a full research export and the factor study over the current database."

    def handle(self, *args: Any, **options: Any) -> None:
        for timing in bench.run():
            self.stdout.write(timing.line())
