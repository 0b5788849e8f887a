"""Who should be screened for diversion: a woman in police custody or pre-trial detention (held
now) who is pregnant, breastfeeding or caring for a child under 18, inside or outside (Bangkok
Rules 57, 58 and 64; the resolution's para. 9: the sole or primary carer of a child)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from komar.cases.models import Child, CustodyEpisode, Mother
from komar.lib.dates import add_months

# The legal statuses before a final judgment in which a screening can still change the outcome.
SCREENED_STATUSES = (
    CustodyEpisode.LegalStatus.POLICE_CUSTODY,
    CustodyEpisode.LegalStatus.PRE_TRIAL,
)
CHILD_AGE_YEARS = 18


def eligible(queryset: QuerySet[Mother], today: dt.date) -> QuerySet[Mother]:
    """The women of `queryset` who should be screened (whether or not they have been)."""
    born_after = add_months(today, -12 * CHILD_AGE_YEARS)
    young_child = Child.objects.filter(mother=OuterRef("pk"), date_of_birth__gt=born_after)
    return queryset.filter(
        Q(legal_status__in=SCREENED_STATUSES),
        Q(latest_episode__ended_on__isnull=True),
        Q(is_closed=False),
        Q(is_pregnant=True) | Q(is_breastfeeding=True) | Q(Exists(young_child)),
    )


def child_counts_until(born: dt.date) -> dt.date:
    """The day from which a child born on `born` no longer counts for `eligible` (she is 18):
    the first day whose `add_months` 18 years back is not before her birth."""
    day = add_months(born, 12 * CHILD_AGE_YEARS)
    while add_months(day, -12 * CHILD_AGE_YEARS) < born:  # born on 29 February
        day += dt.timedelta(days=1)
    return day


def is_eligible(mother: Mother, today: dt.date) -> bool:
    return eligible(Mother.objects.filter(pk=mother.pk), today).exists()
