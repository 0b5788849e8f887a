"""Report every stored record that breaks a date rule (see komar/casefile/integrity.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from komar.casefile.integrity import find_broken


class Command(BaseCommand):
    help = (
        "List the records whose dates break Komar's date rules (impossible dates only), by the "
        "codes of the woman and of the record. Exits with an error if there is any."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--limit", type=int, default=50, help="List at most this many records (default 50)."
        )

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        kinds: Counter[str] = Counter()
        for n, broken in enumerate(find_broken()):
            kinds[broken.kind] += 1
            if n < limit:
                self.stdout.write(
                    f"{broken.mother_code} {broken.record} {broken.record_code} {broken.kind}"
                )
        if kinds:
            summary = ", ".join(f"{kind}: {count}" for kind, count in kinds.most_common())
            raise CommandError(f"{sum(kinds.values())} records break a date rule ({summary}).")
        self.stdout.write("No record breaks a date rule.")
