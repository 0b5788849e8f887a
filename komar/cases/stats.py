"""The registry's numbers per facility: who was held on a day, and what happened in a period.

The facility snapshots (`monitoring`) and the monthly statistics (`research`) both count from
here, so a figure means the same on every page. Every function answers for many facilities in
a fixed number of queries (grouped in the database), whatever the number of women.

What a day's figure means, from the registry's dates:
- held on a day: a custody episode admitted on or before it and not ended by it (a woman is no
  longer held on the day of her release or transfer; she is held in the new facility from the
  day of the transfer);
- a child inside on a day: a placement "with the mother in the facility" started on or before
  it and not ended by it, counted in that placement's facility;
- pre-trial: held in police custody or in pre-trial detention (her episode's legal status as
  recorded now: the registry keeps no history of a legal status);
- without a lawyer: no lawyer or legal-aid provider recorded on the episode;
- pregnant on a day: recorded pregnant with an expected delivery after that day and no more
  than 280 days after it, or a child born to her in the 280 days after that day (so a past
  month counts the women who were then pregnant, as far as the registry knows);
- age bands in completed months on the day (`lib/dates.age_in_months`), near the limit within
  `KOMAR_STAY_LIMIT_WARNING_DAYS` of the stay limit, over the limit on or after it: the same
  birth-date bounds as the case list's filters (docs/architecture.md, "Stay-limit arithmetic").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from komar.cases.models import Child, CustodyEpisode, Placement
from komar.lib.dates import earliest_birth_date_reaching_on_or_after

PREGNANCY_DAYS = 280
PRE_TRIAL = (CustodyEpisode.LegalStatus.POLICE_CUSTODY, CustodyEpisode.LegalStatus.PRE_TRIAL)
# Completed months on the day: (key, youngest, oldest); None is open.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-11", 0, 11),
    ("12-23", 12, 23),
    ("24-35", 24, 35),
    ("36+", 36, None),
)
# A child who left her mother's facility into one of these left with her mother (a transfer,
# or her release).
LEFT_WITH_MOTHER = (Placement.Kind.WITH_MOTHER, Placement.Kind.MOTHER_OUTSIDE)


@dataclass
class FacilityCounts:
    """Who was held in one facility on one day."""

    women: int = 0
    pregnant: int = 0
    pre_trial: int = 0
    without_lawyer: int = 0
    children_inside: int = 0
    born_inside: int = 0
    near_limit: int = 0
    over_limit: int = 0
    by_age_band: dict[str, int] = field(default_factory=lambda: {b[0]: 0 for b in AGE_BANDS})


@dataclass
class FacilityFlows:
    """What happened in one facility between two days (both included)."""

    admissions: int = 0  # women admitted, not counting a transfer in
    releases: int = 0  # women released
    births_inside: int = 0  # children born in custody (counted where they first lived)
    separations: int = 0  # children who left the facility without their mother
    placed_in_institution: int = 0  # of them, into a residential care institution


def held_on(on: dt.date) -> Q:
    """Episodes in which the woman was held on the day."""
    return Q(admission_date__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def inside_on(on: dt.date) -> Q:
    """Placements with the mother in the facility on the day."""
    return (
        Q(kind=Placement.Kind.WITH_MOTHER, start_date__lte=on)
        & (Q(end_date__isnull=True) | Q(end_date__gt=on))
        & Q(facility__isnull=False)
    )


def _completed(on: dt.date, months: int) -> Q:
    """Children who have completed `months` months on the day (as `age_in_months`): their
    `months` anniversary is on or before it."""
    bound = earliest_birth_date_reaching_on_or_after(on + dt.timedelta(days=1), months)
    return Q(child__date_of_birth__lt=bound)


def facility_counts(facility_ids: Iterable[int], on: dt.date) -> dict[int, FacilityCounts]:
    """Who was held in each facility on the day (every facility asked for has a row). Two
    queries."""
    ids = list(facility_ids)
    counts = {pk: FacilityCounts() for pk in ids}
    if not ids:
        return counts

    later_child = Child.objects.filter(
        mother_id=OuterRef("mother_id"),
        date_of_birth__gt=on,
        date_of_birth__lte=on + dt.timedelta(days=PREGNANCY_DAYS),
    )
    pregnant = Q(
        mother__is_pregnant=True,
        mother__expected_delivery_date__gt=on,
        mother__expected_delivery_date__lte=on + dt.timedelta(days=PREGNANCY_DAYS),
    ) | Q(gave_birth_later=True)
    women = (
        CustodyEpisode.objects.filter(held_on(on), facility_id__in=ids)
        .annotate(gave_birth_later=Exists(later_child))
        .values("facility_id")
        .annotate(
            women=Count("mother_id", distinct=True),
            pregnant=Count("mother_id", filter=pregnant, distinct=True),
            pre_trial=Count("mother_id", filter=Q(legal_status__in=PRE_TRIAL), distinct=True),
            without_lawyer=Count("mother_id", filter=Q(lawyer=""), distinct=True),
        )
        .order_by()
    )
    for row in women:
        c = counts[row["facility_id"]]
        c.women, c.pregnant = row["women"], row["pregnant"]
        c.pre_trial, c.without_lawyer = row["pre_trial"], row["without_lawyer"]

    limit = settings.KOMAR_CHILD_STAY_LIMIT_MONTHS
    warning = dt.timedelta(days=settings.KOMAR_STAY_LIMIT_WARNING_DAYS + 1)
    over_bound = earliest_birth_date_reaching_on_or_after(on, limit)
    near_bound = earliest_birth_date_reaching_on_or_after(on + warning, limit)
    bands = {}
    for key, youngest, oldest in AGE_BANDS:
        band = _completed(on, youngest) if youngest else Q(child__date_of_birth__lte=on)
        if oldest is not None:
            band &= ~_completed(on, oldest + 1)
        bands[f"band_{key}"] = Count("child_id", filter=band, distinct=True)
    children = (
        Placement.objects.filter(inside_on(on), facility_id__in=ids)
        .values("facility_id")
        .annotate(
            children=Count("child_id", distinct=True),
            born_inside=Count("child_id", filter=Q(child__born_in_custody=True), distinct=True),
            over=Count("child_id", filter=Q(child__date_of_birth__lt=over_bound), distinct=True),
            near=Count(
                "child_id",
                filter=Q(child__date_of_birth__gte=over_bound, child__date_of_birth__lt=near_bound),
                distinct=True,
            ),
            **bands,
        )
        .order_by()
    )
    for row in children:
        c = counts[row["facility_id"]]
        c.children_inside, c.born_inside = row["children"], row["born_inside"]
        c.over_limit, c.near_limit = row["over"], row["near"]
        c.by_age_band = {key: row[f"band_{key}"] for key, _, _ in AGE_BANDS}
    return counts


def month_flows(
    facility_ids: Iterable[int], first: dt.date, last: dt.date
) -> dict[int, FacilityFlows]:
    """What happened in each facility from `first` to `last` (both included). Four queries."""
    ids = list(facility_ids)
    flows = {pk: FacilityFlows() for pk in ids}
    if not ids:
        return flows

    transferred_in = CustodyEpisode.objects.filter(
        mother_id=OuterRef("mother_id"),
        end_reason=CustodyEpisode.EndReason.TRANSFERRED,
        ended_on=OuterRef("admission_date"),
    )
    admitted = (
        CustodyEpisode.objects.filter(
            facility_id__in=ids, admission_date__gte=first, admission_date__lte=last
        )
        .exclude(Exists(transferred_in))
        .values("facility_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in admitted:
        flows[row["facility_id"]].admissions = row["n"]
    released = (
        CustodyEpisode.objects.filter(
            facility_id__in=ids,
            end_reason=CustodyEpisode.EndReason.RELEASED,
            ended_on__gte=first,
            ended_on__lte=last,
        )
        .values("facility_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in released:
        flows[row["facility_id"]].releases = row["n"]

    first_home = Placement.objects.filter(
        child_id=OuterRef("child_id"), start_date__lt=OuterRef("start_date")
    )
    births = (
        Placement.objects.filter(
            kind=Placement.Kind.WITH_MOTHER,
            facility_id__in=ids,
            child__born_in_custody=True,
            child__date_of_birth__gte=first,
            child__date_of_birth__lte=last,
        )
        .exclude(Exists(first_home))
        .values("facility_id")
        .annotate(n=Count("child_id", distinct=True))
        .order_by()
    )
    for row in births:
        flows[row["facility_id"]].births_inside = row["n"]

    next_home = Placement.objects.filter(
        child_id=OuterRef("child_id"), start_date=OuterRef("end_date")
    )
    left = (
        Placement.objects.filter(
            kind=Placement.Kind.WITH_MOTHER,
            facility_id__in=ids,
            end_date__gte=first,
            end_date__lte=last,
        )
        .annotate(
            without_mother=Exists(next_home.exclude(kind__in=LEFT_WITH_MOTHER)),
            to_institution=Exists(next_home.filter(kind=Placement.Kind.INSTITUTION)),
        )
        .values("facility_id")
        .annotate(
            separations=Count("child_id", filter=Q(without_mother=True), distinct=True),
            institution=Count("child_id", filter=Q(to_institution=True), distinct=True),
        )
        .order_by()
    )
    for row in left:
        f = flows[row["facility_id"]]
        f.separations, f.placed_in_institution = row["separations"], row["institution"]
    return flows
