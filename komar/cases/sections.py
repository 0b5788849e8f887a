"""How a workflow plugs into the woman's file, the child's page and the timeline.

A workflow app has a `sections.py` with one `Plugin`: the sections it adds to the woman's file
and to the child's page, its events on her timeline, and its rule sets. The composition layer
lists the plugins in one place (`casefile/plugins.py`); the registry below defines the
interface and its own plugin, and knows nothing of the workflows built on it.

Each section loads what it shows for the whole file in a fixed number of queries, whatever the
number of children or records (the tests count them). Data several sections share (her custody
episodes for the custody section and the timeline, say) is loaded once through `memo()`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from komar.accounts.models import User
from komar.cases import actions, rules
from komar.cases.models import (
    Child,
    Closure,
    Consent,
    CustodyEpisode,
    Finding,
    Mother,
    Placement,
    Referral,
)
from komar.lib.rules import RuleSet
from komar.lib.work import WorkSource

V = TypeVar("V")


@dataclass(kw_only=True)
class Page:
    """What every section of a page starts from; `memo` shares data between sections."""

    user: User
    today: dt.date
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, load: Callable[[], V]) -> V:
        if key not in self._memo:
            self._memo[key] = load()
        value: V = self._memo[key]
        return value


@dataclass(kw_only=True)
class WomanFile(Page):
    mother: Mother
    children: list[Child]  # with `current_placement__facility`

    def child_names(self) -> dict[int, str]:
        return {c.pk: c.display_name for c in self.children}


@dataclass(kw_only=True)
class ChildPage(Page):
    child: Child

    @property
    def mother(self) -> Mother:
        return self.child.mother


P = TypeVar("P", bound=Page)


@dataclass(frozen=True)
class Section(Generic[P]):
    """One card of a page: its template is given `load(page)` besides the page's context."""

    id: str
    title: str | Promise
    template: str
    order: int
    load: Callable[[P], dict[str, Any]]
    width: Literal["full", "half"] = "full"
    readers: frozenset[str] | None = None  # the roles that see it; None: every case reader

    def shown_to(self, user: User) -> bool:
        return user.can_read_cases and (self.readers is None or user.role in self.readers)


@dataclass(frozen=True)
class TimelineEvent:
    on: dt.date
    text: str
    kind: str


@dataclass(frozen=True)
class Plugin:
    name: str
    file_sections: Sequence[Section[WomanFile]] = ()
    child_sections: Sequence[Section[ChildPage]] = ()
    timeline: Callable[[WomanFile], Iterable[TimelineEvent]] | None = None
    rule_sets: Sequence[RuleSet[Any]] = ()
    work: WorkSource | None = None  # its lists on "My work" (`lib/work.py`)


# The registry's own sections.


def episodes(page: WomanFile) -> list[CustodyEpisode]:
    return page.memo(
        "cases.episodes",
        lambda: list(page.mother.episodes.select_related("facility", "offence_category")),
    )


def consents(page: WomanFile) -> list[Consent]:
    return page.memo(
        "cases.consents", lambda: list(page.mother.consents.select_related("organisation"))
    )


def referrals(page: WomanFile) -> list[Referral]:
    return page.memo(
        "cases.referrals",
        lambda: list(page.mother.referrals.select_related("from_organisation", "to_organisation")),
    )


def closures(page: WomanFile) -> list[Closure]:
    return page.memo(
        "cases.closures",
        lambda: list(
            page.mother.closures.select_related("requested_by", "decided_by", "reopened_by")
        ),
    )


def _case(page: WomanFile) -> dict[str, Any]:
    """Her case number, who is responsible, and whether it is open, waiting to close or
    closed (and what a user may do about it)."""
    history = closures(page)
    current = next(
        (c for c in history if c.status in (Closure.Status.PENDING, Closure.Status.CLOSED)), None
    )
    user, mother = page.user, page.mother
    return {
        "closure": current,
        "closures": history,
        "may_assign": actions.may_assign(user, mother),
        "may_close": actions.may_close(user, mother) and current is None,
        "may_reopen": actions.may_close(user, mother) and mother.is_closed,
        "may_decide": current is not None
        and current.status == Closure.Status.PENDING
        and actions.may_decide_closure(user, current),
    }


def _referrals(page: WomanFile) -> dict[str, Any]:
    return {"referrals": referrals(page)}


def _flags(page: WomanFile) -> dict[str, Any]:
    return {"findings": list(page.mother.findings.filter(resolved_at__isnull=True, child=None))}


def _details(page: WomanFile) -> dict[str, Any]:
    return {}


def _custody(page: WomanFile) -> dict[str, Any]:
    episodes(page)
    return {"episode": page.mother.latest_episode}


def _children(page: WomanFile) -> dict[str, Any]:
    findings: dict[int, list[Finding]] = defaultdict(list)
    for finding in Finding.objects.filter(
        mother=page.mother, resolved_at__isnull=True, child__isnull=False
    ):
        assert finding.child_id is not None
        findings[finding.child_id].append(finding)
    return {"children": [(child, findings.get(child.pk, [])) for child in page.children]}


def _consent(page: WomanFile) -> dict[str, Any]:
    return {"consents": consents(page)}


def _child_flags(page: ChildPage) -> dict[str, Any]:
    history = list(page.child.findings.order_by("-raised_at", "-pk"))
    open_now = sorted((f for f in history if f.is_open), key=lambda f: (f.priority, f.rule_code))
    return {"findings": open_now, "history": history}


def _child_details(page: ChildPage) -> dict[str, Any]:
    return {}


def _child_placements(page: ChildPage) -> dict[str, Any]:
    return {"placements": list(page.child.placements.select_related("facility"))}


def registry_events(page: WomanFile) -> Iterable[TimelineEvent]:
    """Custody, births, placements and consent, from the records themselves."""
    for episode in episodes(page):
        yield TimelineEvent(
            episode.admission_date,
            _("Admitted to %(facility)s (%(status)s)")
            % {"facility": episode.facility, "status": episode.get_legal_status_display()},
            "custody",
        )
        if episode.ended_on and episode.end_reason == CustodyEpisode.EndReason.TRANSFERRED:
            yield TimelineEvent(
                episode.ended_on,
                _("Transferred out of %(facility)s") % {"facility": episode.facility},
                "custody",
            )
        elif episode.ended_on:
            yield TimelineEvent(
                episode.ended_on,
                _("Released from %(facility)s: %(kind)s")
                % {"facility": episode.facility, "kind": episode.get_release_kind_display()},
                "custody",
            )
    names = page.child_names()
    for child in page.children:
        yield TimelineEvent(
            child.date_of_birth, _("%(name)s was born") % {"name": child.display_name}, "child"
        )
    placements = Placement.objects.filter(child__mother=page.mother).select_related("facility")
    for placement in placements:
        where = str(placement.get_kind_display())
        if placement.facility_id:
            where = _("%(kind)s: %(place)s") % {"kind": where, "place": placement.facility}
        elif placement.carer_name:
            where = _("%(kind)s: %(place)s") % {"kind": where, "place": placement.carer_name}
        yield TimelineEvent(
            placement.start_date,
            _("%(name)s: %(where)s") % {"name": names[placement.child_id], "where": where},
            "placement",
        )
    for referral in referrals(page):
        yield TimelineEvent(
            timezone.localdate(referral.referred_at),
            _("Referred to %(organisation)s: %(service)s")
            % {"organisation": referral.to_organisation, "service": referral.get_service_display()},
            "referral",
        )
        if referral.answered_at is not None:
            yield TimelineEvent(
                timezone.localdate(referral.answered_at),
                _("Referral to %(organisation)s: %(status)s")
                % {
                    "organisation": referral.to_organisation,
                    "status": referral.get_status_display(),
                },
                "referral",
            )
    for closure in closures(page):
        if closure.decided_at is not None and closure.status != Closure.Status.REFUSED:
            yield TimelineEvent(
                timezone.localdate(closure.decided_at),
                _("Case closed: %(reason)s") % {"reason": closure.get_reason_display()},
                "case",
            )
        if closure.reopened_at is not None:
            yield TimelineEvent(timezone.localdate(closure.reopened_at), _("Case reopened"), "case")
    for consent in consents(page):
        yield TimelineEvent(
            consent.given_on,
            _("Consent given: %(purpose)s") % {"purpose": consent.get_purpose_display()},
            "consent",
        )
        if consent.withdrawn_on:
            yield TimelineEvent(
                consent.withdrawn_on,
                _("Consent withdrawn: %(purpose)s") % {"purpose": consent.get_purpose_display()},
                "consent",
            )


PLUGIN = Plugin(
    name="registry",
    file_sections=[
        Section("case", gettext_lazy("Her case"), "cases/sections/case.html", 1, _case),
        Section("flags", gettext_lazy("Flags"), "cases/sections/flags.html", 5, _flags),
        Section(
            "details",
            gettext_lazy("Her details"),
            "cases/sections/details.html",
            10,
            _details,
            width="half",
        ),
        Section(
            "custody",
            gettext_lazy("Custody"),
            "cases/sections/custody.html",
            20,
            _custody,
            width="half",
        ),
        Section(
            "children", gettext_lazy("Children"), "cases/sections/children.html", 30, _children
        ),
        Section(
            "consent",
            gettext_lazy("Consent"),
            "cases/sections/consent.html",
            60,
            _consent,
            width="half",
        ),
        Section(
            "referrals",
            gettext_lazy("Referrals"),
            "cases/sections/referrals.html",
            65,
            _referrals,
            width="half",
        ),
    ],
    child_sections=[
        Section(
            "findings", gettext_lazy("Flags"), "cases/sections/child_flags.html", 5, _child_flags
        ),
        Section(
            "child-details",
            gettext_lazy("Details"),
            "cases/sections/child_details.html",
            10,
            _child_details,
        ),
        Section(
            "placements",
            gettext_lazy("Where the child has lived"),
            "cases/sections/placements.html",
            20,
            _child_placements,
        ),
    ],
    timeline=registry_events,
    rule_sets=[rules.RULES],
)
