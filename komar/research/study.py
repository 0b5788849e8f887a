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
import hashlib
import math
import pickle
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from komar.cases.models import CustodyEpisode, OffenceCategory
from komar.counselling.models import Factor
from komar.facilities.models import Facility
from komar.research import facts
from komar.research.facts import DecisionFact
from komar.research.models import ResearchProject, StoredStudy

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


def _category_label(names: dict[str, str], value: str) -> str:
    return names.get(value, value) or str(_("Not recorded"))


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
        categories = [(v, _category_label(names, v)) for v in values]
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


def _digest(parts: list[Any]) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def consent_key(project: ResearchProject, on: dt.date) -> str:
    """Which women the study may count on a day, in a few index-only queries: any research
    consent given or withdrawn, and any change of the project's organisation's facilities,
    change it. Numbers computed under another consent key are never shown."""
    from komar.cases.models import Consent

    research = Consent.objects.filter(purpose=Consent.Purpose.RESEARCH)
    top = Consent.objects.order_by("-pk").values_list("pk", flat=True).first()
    facilities = project.organisation.facilities.values_list("pk", flat=True).order_by("pk")
    return _digest(
        [
            str(project.code),
            project.organisation_id,
            on.isoformat(),
            research.count(),
            research.filter(withdrawn_on__isnull=False).count(),
            top,
            list(facilities),
        ]
    )


def data_key() -> str:
    """What the numbers were counted from, in index-only queries: the number and the latest
    id of the records they read (a record added or deleted changes it) and the latest write in
    the audit log (every correction is an audited write). Cheap on both databases: a count and
    a maximum each, no scan of the rows."""
    from komar.audit.models import AuditEntry
    from komar.cases.models import Child, Mother
    from komar.counselling.models import ChildDecision, CounsellingSession, SessionFactor

    parts: list[Any] = []
    for model in (
        CounsellingSession,
        ChildDecision,
        SessionFactor,
        CustodyEpisode,
        Mother,
        Child,
        Factor,
    ):
        parts.append(model.objects.count())
        parts.append(model.objects.order_by("-pk").values_list("pk", flat=True).first())
    for action in (AuditEntry.Action.CREATE, AuditEntry.Action.CHANGE, AuditEntry.Action.DELETE):
        entries = AuditEntry.objects.filter(action=action).order_by("-pk")
        parts.append(entries.values_list("pk", flat=True).first())
    return _digest(parts)


def relabel(result: Study) -> Study:
    """The study with its labels in the language of the request (the stored numbers were
    computed under any language): the factors' and the characteristics' categories'."""
    from django.utils.translation import get_language

    km = get_language() == "km"
    factor_labels = {
        code: km_label if km else en
        for code, en, km_label in Factor.objects.values_list("code", "label_en", "label_km")
    }
    labels = _labels()
    factors = [replace(row, label=factor_labels.get(row.code, row.label)) for row in result.factors]
    characteristics = [
        replace(
            ch,
            categories=[(v, _category_label(labels.get(ch.key, {}), v)) for v, _l in ch.categories],
        )
        for ch in result.characteristics
    ]
    return replace(result, factors=factors, characteristics=characteristics)


@dataclass(frozen=True)
class Stored:
    """The study as shown: its numbers, when they were computed, and whether records have
    changed since (the numbers are then at most `KOMAR_RESEARCH_STUDY_STALE_MINUTES` old)."""

    study: Study
    computed_at: dt.datetime
    stale: bool


def _load(row: StoredStudy) -> Study | None:
    try:
        value = pickle.loads(bytes(row.value))  # noqa: S301 (written by Komar, never by a user)
    except Exception:  # a Study pickled by an older Komar: computed again
        return None
    return value if isinstance(value, Study) else None


def stored(
    project: ResearchProject,
    on: dt.date,
    first_year: int | None,
    last_year: int | None,
    *,
    exact: bool = False,
) -> Stored:
    """The study's numbers for the page: the stored ones when they were computed under today's
    consent state and either the same data or, unless `exact`, less than
    `KOMAR_RESEARCH_STUDY_STALE_MINUTES` ago (`run_exports` computes them again within a
    minute of a change); otherwise computed now, and stored."""
    from django.utils import timezone

    consent = consent_key(project, on)
    data = data_key()
    now = timezone.now()
    fresh_after = now - dt.timedelta(minutes=settings.KOMAR_RESEARCH_STUDY_STALE_MINUTES)
    row = StoredStudy.objects.filter(
        project=project, first_year=first_year or 0, last_year=last_year or 0
    ).first()
    if (
        row is not None
        and row.consent_key == consent
        and (row.data_key == data or (not exact and row.computed_at >= fresh_after))
    ):
        found = _load(row)
        if found is not None:
            if row.used_at < now - dt.timedelta(hours=1):
                StoredStudy.objects.filter(pk=row.pk).update(used_at=now)
            return Stored(relabel(found), row.computed_at, stale=row.data_key != data)
    result = compute(project, on, first_year, last_year)
    _save(project, first_year, last_year, consent, data, result, now)
    return Stored(result, now, stale=False)


def _save(
    project: ResearchProject,
    first_year: int | None,
    last_year: int | None,
    consent: str,
    data: str,
    result: Study,
    now: dt.datetime,
) -> None:
    values = {
        "consent_key": consent,
        "data_key": data,
        "computed_at": now,
        "used_at": now,
        "value": pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL),
    }
    try:
        with transaction.atomic():
            StoredStudy.objects.update_or_create(
                project=project,
                first_year=first_year or 0,
                last_year=last_year or 0,
                defaults=values,
            )
    except IntegrityError:  # another request stored the same study at the same moment
        pass


KEEP_USED_DAYS = 14  # a study of other years not opened for two weeks is no longer refreshed


def refresh_stored(on: dt.date) -> list[tuple[ResearchProject, int, int, bool]]:
    """Bring the stored studies up to date (`manage.py run_exports`, every minute): every
    active project's study of all years, and the other years asked for in the last two weeks,
    computed again where the consent state or the data changed. (project, first year, last
    year, computed again) for each."""
    from django.utils import timezone

    now = timezone.now()
    data = data_key()
    done = []
    rows = {
        (row.project_id, row.first_year, row.last_year): row
        for row in StoredStudy.objects.filter(project__is_active=True).only(
            "project_id", "first_year", "last_year", "consent_key", "data_key", "used_at"
        )
    }
    wanted: list[tuple[int, int, int]] = []
    for project_id in ResearchProject.objects.filter(is_active=True).values_list("pk", flat=True):
        wanted.append((project_id, 0, 0))
    for key, kept in rows.items():
        if key not in wanted and kept.used_at >= now - dt.timedelta(days=KEEP_USED_DAYS):
            wanted.append(key)
    projects = ResearchProject.objects.select_related("organisation").in_bulk(
        {key[0] for key in wanted}
    )
    for project_id, first, last in wanted:
        project = projects[project_id]
        consent = consent_key(project, on)
        found = rows.get((project_id, first, last))
        again = found is None or found.consent_key != consent or found.data_key != data
        if again:
            result = compute(project, on, first or None, last or None)
            _save(project, first or None, last or None, consent, data, result, now)
        done.append((project, first, last, again))
    return done
