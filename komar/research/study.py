"""The factor study: how often each factor is cited, with Wilson 95% intervals, and how the
decision (the child stays inside or lives outside) goes with each factor and characteristic.

Counted over the facts of `facts.iter_facts` (consented women only), in one pass at constant
memory. Tests: Fisher's exact test for a 2x2 table (scipy.stats.fisher_exact, two-sided);
otherwise Pearson's chi-square (scipy.stats.chi2_contingency, no continuity correction), and a
Monte Carlo test over tables with the same margins (9,999 resamples, a fixed seed, so a page
reads the same twice) when an expected count is under 5. Cells under `KOMAR_RESEARCH_K` are
suppressed wherever they are shown.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from komar.cases.models import CustodyEpisode, OffenceCategory
from komar.counselling.models import Factor
from komar.facilities.models import Facility
from komar.research import facts
from komar.research.facts import DecisionFact
from komar.research.models import ResearchProject

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a proportion (Wilson 1927; Newcombe 1998, method 3)."""
    if n == 0:
        return (0.0, 0.0)
    p = successes / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    return (max(0.0, (centre - half) / denominator), min(1.0, (centre + half) / denominator))


@dataclass(frozen=True)
class Share:
    n: int
    of: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.n < settings.KOMAR_RESEARCH_K

    @property
    def share(self) -> float:
        return self.n / self.of if self.of else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.n, self.of)

    @property
    def percent(self) -> str:
        return f"{100 * self.share:.1f}"

    @property
    def low(self) -> str:
        return f"{100 * self.interval[0]:.1f}"

    @property
    def high(self) -> str:
        return f"{100 * self.interval[1]:.1f}"


@dataclass(frozen=True)
class Test:
    name: str  # "fisher", "chi2", "permutation"
    statistic: float
    pvalue: float
    table: tuple[tuple[int, ...], ...]

    @property
    def label(self) -> Any:
        return {
            "fisher": _("Fisher's exact test"),
            "chi2": _("Chi-square test"),
            "permutation": _("Chi-square, Monte Carlo test"),
        }[self.name]

    @property
    def p(self) -> str:
        return "< 0.001" if self.pvalue < 0.001 else f"{self.pvalue:.3f}"


def test_table(table: list[list[int]]) -> Test | None:
    """Fisher's exact test for 2x2, chi-square otherwise (permutation when an expected count is
    under 5). Rows or columns that are all zero are dropped; None when under 2x2 is left."""
    # scipy takes seconds to import: on the first test, not at every worker's start.
    from scipy import stats  # type: ignore[import-untyped]  # no stubs installed

    array = np.array(table, dtype=int)
    array = array[array.sum(axis=1) > 0]
    if array.size:
        array = array[:, array.sum(axis=0) > 0]
    if array.ndim != 2 or array.shape[0] < 2 or array.shape[1] < 2:
        return None
    frozen = tuple(tuple(int(v) for v in row) for row in array)
    if array.shape == (2, 2):
        result = stats.fisher_exact(array)
        return Test("fisher", float(result.statistic), float(result.pvalue), frozen)
    expected = stats.contingency.expected_freq(array)
    if (expected < 5).any():
        result = stats.chi2_contingency(
            array,
            correction=False,
            method=stats.MonteCarloMethod(n_resamples=9999, rng=np.random.default_rng(2026)),
        )
        return Test("permutation", float(result.statistic), float(result.pvalue), frozen)
    result = stats.chi2_contingency(array, correction=False)
    return Test("chi2", float(result.statistic), float(result.pvalue), frozen)


AGE_BANDS = ("unborn", "0-11", "12-23", "24-35", "36+")


def age_band(fact: DecisionFact) -> str:
    if fact.about_unborn or fact.child_age_months is None:
        return "unborn"
    return AGE_BANDS[1 + min(fact.child_age_months // 12, 3)]


@dataclass
class Tally:
    decisions: int = 0
    inside: int = 0
    cited: Counter[str] = field(default_factory=Counter)
    cited_inside: Counter[str] = field(default_factory=Counter)


@dataclass
class FactorRow:
    code: str
    group: str
    label: str
    decisions: Share
    women: Share
    main: Share
    by: dict[str, list[Share]]  # characteristic -> a share per category
    test: Test | None  # the decision against citing it


@dataclass
class Characteristic:
    key: str
    title: Any
    categories: list[tuple[str, str]]  # value, label
    totals: list[int]
    inside: list[int]
    test: Test | None


@dataclass
class Study:
    on: dt.date
    decisions: int
    women: int
    inside: int
    with_factor: int
    with_main: int
    factors: list[FactorRow]
    groups: list[tuple[str, Any, Share, Share]]  # code, label, decisions, women
    characteristics: list[Characteristic]

    @property
    def inside_share(self) -> Share:
        return Share(self.inside, self.decisions)

    @property
    def small(self) -> bool:
        return 0 < self.women < settings.KOMAR_RESEARCH_K


def _labels() -> dict[str, dict[str, str]]:
    from django.utils.translation import get_language

    km = get_language() == "km"
    facilities = {
        str(pk): km_name if km else en
        for pk, en, km_name in Facility.objects.values_list("pk", "name_en", "name_km")
    }
    offences = {
        str(pk): km_label if km else en
        for pk, en, km_label in OffenceCategory.objects.values_list("pk", "label_en", "label_km")
    }
    statuses = {k: str(v) for k, v in CustodyEpisode.LegalStatus.choices}
    statuses["not_held"] = str(_("Not held that day"))
    ages = {"unborn": str(_("Unborn")), **{b: b for b in AGE_BANDS[1:]}}
    return {
        "legal_status": statuses,
        "child_age": ages,
        "offence": offences,
        "facility": facilities,
    }


CHARACTERISTICS: tuple[tuple[str, Any], ...] = (
    ("legal_status", _("Legal status at the session")),
    ("child_age", _("Child's age")),
    ("offence", _("Offence category")),
    ("facility", _("Facility")),
    ("year", _("Year")),
)


def _value(fact: DecisionFact, key: str) -> str:
    if key == "legal_status":
        return fact.legal_status
    if key == "child_age":
        return age_band(fact)
    if key == "offence":
        return str(fact.offence_id) if fact.offence_id else ""
    if key == "facility":
        return str(fact.facility_id) if fact.facility_id else ""
    return str(fact.held_on.year)


def compute(
    project: ResearchProject,
    on: dt.date,
    first_year: int | None = None,
    last_year: int | None = None,
    source: Iterable[DecisionFact] | None = None,
) -> Study:
    from django.utils.translation import get_language

    km = get_language() == "km"
    factor_rows = list(
        Factor.objects.order_by("group", "order", "code").values_list(
            "code", "group", "label_en", "label_km"
        )
    )
    groups = {code: group for code, group, _e, _k in factor_rows}
    total = Tally()
    main: Counter[str] = Counter()
    women_citing: Counter[str] = Counter()
    women_group: Counter[str] = Counter()
    decisions_group: Counter[str] = Counter()
    by: dict[str, dict[str, Tally]] = {key: defaultdict(Tally) for key, _t in CHARACTERISTICS}
    women = with_factor = with_main = 0
    current: int | None = None
    hers: set[str] = set()
    her_groups: set[str] = set()
    for fact in (
        source if source is not None else facts.iter_facts(project, on, first_year, last_year)
    ):
        if fact.mother_id != current:
            women_citing.update(hers)
            women_group.update(her_groups)
            hers, her_groups = set(), set()
            current = fact.mother_id
            women += 1
        total.decisions += 1
        total.inside += fact.inside
        cited = set(fact.factors)
        with_factor += bool(cited)
        if fact.main_factor:
            main[fact.main_factor] += 1
            with_main += 1
        hers |= cited
        fact_groups = {groups.get(c, "") for c in cited} - {""}
        her_groups |= fact_groups
        decisions_group.update(fact_groups)
        for code in cited:
            total.cited[code] += 1
            if fact.inside:
                total.cited_inside[code] += 1
        for key, _title in CHARACTERISTICS:
            tally = by[key][_value(fact, key)]
            tally.decisions += 1
            tally.inside += fact.inside
            for code in cited:
                tally.cited[code] += 1
    women_citing.update(hers)
    women_group.update(her_groups)

    labels = _labels()
    characteristics = []
    for key, title in CHARACTERISTICS:
        values = sorted(by[key])
        if key == "child_age":
            values = [b for b in AGE_BANDS if b in by[key]]
        names = labels.get(key, {})
        categories = [(v, names.get(v, v) or str(_("Not recorded"))) for v in values]
        totals = [by[key][v].decisions for v in values]
        inside = [by[key][v].inside for v in values]
        table = [inside, [t - i for t, i in zip(totals, inside, strict=True)]]
        characteristics.append(
            Characteristic(
                key, title, categories, totals, inside, test_table(table) if values else None
            )
        )
    rows = []
    outside = total.decisions - total.inside
    for code, group, en, km_label in factor_rows:
        n = total.cited[code]
        n_inside = total.cited_inside[code]
        table = [[n_inside, n - n_inside], [total.inside - n_inside, outside - (n - n_inside)]]
        rows.append(
            FactorRow(
                code=code,
                group=group,
                label=km_label if km else en,
                decisions=Share(n, total.decisions),
                women=Share(women_citing[code], women),
                main=Share(main[code], with_main),
                by={
                    key: [
                        Share(by[key][v].cited[code], by[key][v].decisions)
                        for v, _l in ch.categories
                    ]
                    for (key, _t), ch in zip(CHARACTERISTICS, characteristics, strict=True)
                },
                test=test_table(table) if total.decisions else None,
            )
        )
    group_rows = [
        (
            code,
            label,
            Share(decisions_group[code], total.decisions),
            Share(women_group[code], women),
        )
        for code, label in Factor.Group.choices
    ]
    return Study(
        on=on,
        decisions=total.decisions,
        women=women,
        inside=total.inside,
        with_factor=with_factor,
        with_main=with_main,
        factors=rows,
        groups=group_rows,
        characteristics=characteristics,
    )


def fingerprint(project: ResearchProject, on: dt.date) -> str:
    """What the study's numbers depend on, in a few aggregate queries: any consent given or
    withdrawn, any session, factor, decision, custody episode, woman or child added or
    corrected (the versioned records bump their `version`) changes it."""
    from django.db.models import Count, Max, Q, Sum

    from komar.cases.models import Child, Consent, Mother
    from komar.counselling.models import ChildDecision, CounsellingSession, SessionFactor

    parts: list[Any] = [str(project.code), project.organisation_id, on.isoformat()]
    parts.append(
        Consent.objects.filter(purpose=Consent.Purpose.RESEARCH).aggregate(
            n=Count("pk"), top=Max("pk"), out=Count("pk", filter=Q(withdrawn_on__isnull=False))
        )
    )
    for model, versioned in (
        (CounsellingSession, True),
        (ChildDecision, False),
        (SessionFactor, False),
        (CustodyEpisode, True),
        (Mother, True),
        (Child, True),
    ):
        figures: dict[str, Any] = {"n": Count("pk"), "top": Max("pk")}
        if versioned:
            figures["v"] = Sum("version")
        parts.append(model.objects.aggregate(**figures))
    parts.append(list(project.organisation.facilities.values_list("pk", flat=True).order_by("pk")))
    return repr(parts)


def cached_compute(
    project: ResearchProject, on: dt.date, first_year: int | None, last_year: int | None
) -> Study:
    """`compute`, kept in the cache while its fingerprint holds (the page at 100,000 women)."""
    import hashlib

    from django.core.cache import cache
    from django.utils.translation import get_language

    key = hashlib.sha256(
        f"{fingerprint(project, on)}|{first_year}|{last_year}|{get_language()}".encode()
    ).hexdigest()
    found = cache.get(f"research:study:{key}")
    if isinstance(found, Study):
        return found
    result = compute(project, on, first_year, last_year)
    cache.set(f"research:study:{key}", result, 3600)
    return result
