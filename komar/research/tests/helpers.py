"""A small cohort built through the real actions: women at Siem Reap with a child inside, a
research consent and a counselling session with factors."""

from __future__ import annotations

import datetime as dt

from komar.accounts.models import User
from komar.cases import actions
from komar.cases.models import Mother
from komar.conftest import child_inside, register
from komar.counselling.actions import do_record_session
from komar.counselling.models import Factor
from komar.facilities.models import Facility
from komar.research.models import ResearchProject

PHONE = "+85512345678"


def woman(
    actor: User,
    facility: Facility,
    n: int,
    *,
    consent: bool = True,
    factors: tuple[str, ...] = ("P_INFANT_AGE",),
    main: str | None = "P_INFANT_AGE",
    decision: str = "with_mother",
) -> Mother:
    mother = register(
        actor,
        facility,
        name_km=f"ស្រី ទី{n}",
        name_latin=f"Srey Number{n:03d}",
        date_of_birth=dt.date(1995, 3, 2),
        phone=PHONE,
        village=f"Village{n:03d}",
        children=[child_inside(name_latin=f"Kid Number{n:03d}", name_km=f"កូន ទី{n}")],
    )
    if consent:
        actions.do_record_consent(
            mother,
            {"purpose": "research", "method": "signature", "given_on": dt.date(2026, 1, 12)},
            actor=actor,
        )
    child = mother.children.get()
    chosen = list(Factor.objects.filter(code__in=factors))
    do_record_session(
        mother,
        {
            "held_on": dt.date(2026, 2, 2),
            "stage": "in_custody",
            "review_on": dt.date(2026, 5, 1),
            "mothers_words": f"My own words number {n}",
        },
        factors=chosen,
        main_factor=Factor.objects.get(code=main) if main else None,
        decisions=[
            {
                "child": child,
                "decision": decision,
                "decided_by": "mother",
                "carer_name": "Aunt Carer",
                "notes": "a private note",
            }
        ],
        actor=actor,
    )
    return mother


def project_for(researcher: User, name: str = "Study") -> ResearchProject:
    from komar.research.actions import do_create_project

    return do_create_project(name=name, purpose="", actor=researcher)
