"""How well the name search finds people: the share of the spelling variants of
`cases/tests/data/name_variants.csv` (both scripts, word orders, doubled vowels, no spaces...)
for which the intended woman is among the first 10 results, over every woman in the database.

The test suite checks it at 1,000 women; `scripts/bench` runs this at 100,000 (issue "Honest
data": at least 95% at both sizes).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from komar.cases.models import Mother
from komar.cases.search import hit_rate, read_name_variants

VARIANTS = Path(__file__).resolve().parents[2] / "tests" / "data" / "name_variants.csv"


class Command(BaseCommand):
    help = "Search every spelling variant of the test set; print the top-10 hit rate."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument(
            "--minimum", type=float, default=0.95, help="exit with an error below this rate"
        )

    def handle(self, *args: Any, top: int, minimum: float, **options: Any) -> None:
        variants = read_name_variants(VARIANTS)
        started = time.perf_counter()
        result = hit_rate(Mother.objects.all(), variants, top=top)
        seconds = time.perf_counter() - started
        women = Mother.objects.count()
        for miss in result.misses:
            self.stdout.write(f"missed: {miss.query!r} (for {miss.intended!r}, {miss.script})")
        found = len(variants) - len(result.misses)
        self.stdout.write(
            f"search hit rate: {result.rate:.1%} in the first {top} ({found} of {len(variants)} "
            f"variants) among {women} women, {seconds / len(variants) * 1000:.0f} ms a search"
        )
        if result.rate < minimum:
            raise CommandError(f"below {minimum:.0%}")
