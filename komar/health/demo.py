"""The health workflow's demo data, drawn for the women `seed_demo` has just written, chunk by
chunk, from a generator of its own (so that it changes no other demo row).

For each child living inside: measurements every one to three months since she came in, drawn
along a z-score track of WHO's curves (each child has her own track, a little below the median
on average, as in Cambodia); about one child in eight falters (her weight track drops by one to
two SD over her last months); about one in ten has not been measured for over three months.
Immunisations mostly on time, some late, some missing (overdue); the motor milestones she has
reached, at ages drawn inside WHO's windows, a few late; the admission health check for most;
an illness, a referral or a hospital stay for some. Written in bulk, without audit rows (the
demo's convention), with the z-scores the actions would store.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet

from komar.accounts.models import User
from komar.cases import demo as registry
from komar.cases.models import Child, Mother, Placement
from komar.health import growth
from komar.health.actions import measurement_values
from komar.health.models import (
    MILESTONE_WINDOWS,
    HealthCheck,
    HealthEvent,
    Immunisation,
    Measurement,
    Milestone,
    ScheduleDose,
)

ILLNESSES = (
    ("illness", "Fever and cough for three days; seen by the prison nurse, paracetamol.", ""),
    ("illness", "Diarrhoea; oral rehydration salts and zinc for ten days.", ""),
    ("illness", "Skin rash (scabies); treated with the mother.", ""),
    ("referral", "Referred for a persistent cough.", "Provincial referral hospital"),
    ("hospital", "Admitted for pneumonia; antibiotics, discharged well.", "Provincial hospital"),
)


class HealthGenerator:
    def __init__(self, rng: random.Random, ref: registry.Reference) -> None:
        self.rng = rng
        self.ref = ref
        self.doses: list[ScheduleDose] = list(ScheduleDose.objects.filter(is_active=True))
        self.new_measurement = registry.Unsaved(Measurement)
        self.new_immunisation = registry.Unsaved(Immunisation)
        self.new_milestone = registry.Unsaved(Milestone)
        self.new_check = registry.Unsaved(HealthCheck)
        self.new_event = registry.Unsaved(HealthEvent)

    def code(self) -> uuid.UUID:
        """A random code drawn from the demo's generator (the same for a seed)."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def chunk_written(self, mother_ids: Sequence[int]) -> None:
        """Draw and write the records of a chunk of women once their rows are committed, read
        back from the database: her children inside, in the order they were written. Written
        in a transaction of their own, after drawing (in a process beside the one writing the
        next chunks, the rows are drawn before taking the database's write lock)."""
        users = {user.pk: user for user in self.ref.users.values()}
        found = list(
            Child.objects.filter(
                mother_id__in=mother_ids, current_placement__kind=Placement.Kind.WITH_MOTHER
            )
            .select_related("current_placement")
            .annotate(worker_id=F("mother__assigned_worker_id"))
            .order_by("pk")
        )
        others = {c.worker_id for c in found if c.worker_id is not None} - users.keys()
        users |= {user.pk: user for user in User.objects.filter(pk__in=others)} if others else {}
        sokha = self.ref.users["sokha"]
        children = [(child, users.get(child.worker_id) or sokha) for child in found]
        rows = self.draw(children)
        with transaction.atomic():
            registry.write_tables(rows)

    def draw(self, children: Sequence[tuple[Child, User]]) -> list[list[Any]]:
        """The records of these children (each with who records them), by table."""
        measurements: list[Measurement] = []
        immunisations: list[Immunisation] = []
        milestones: list[Milestone] = []
        checks: list[HealthCheck] = []
        events: list[HealthEvent] = []
        for child, recorder in children:
            self.child(child, recorder, measurements, immunisations, milestones, checks, events)
        return [measurements, immunisations, milestones, checks, events]

    def child(
        self,
        child: Child,
        recorder: User,
        measurements: list[Measurement],
        immunisations: list[Immunisation],
        milestones: list[Milestone],
        checks: list[HealthCheck],
        events: list[HealthEvent],
    ) -> None:
        rng, today = self.rng, self.ref.today
        placement = child.current_placement
        assert placement is not None
        entered = max(placement.start_date, child.date_of_birth)
        stamp = {"recorded_by": recorder, "created_at": self.ref.now, "updated_at": self.ref.now}

        # Measurements along her track.
        weight_z = rng.gauss(-0.6, 0.9)
        length_z = weight_z * 0.6 + rng.gauss(-0.5, 0.7)
        falters = rng.random() < 0.12
        stale = rng.random() < 0.10
        last = today - dt.timedelta(days=rng.randint(95, 150) if stale else rng.randint(0, 40))
        on = entered + dt.timedelta(days=rng.randint(0, 10))
        dates = []
        while on <= last:
            dates.append(on)
            on += dt.timedelta(days=rng.choice((30, 31, 45, 60, 90)))
        for index, measured_on in enumerate(dates):
            age = (measured_on - child.date_of_birth).days
            if not growth.in_age_range(age):
                continue
            drop = 0.0
            if falters and index >= len(dates) - 3:
                drop = rng.uniform(0.5, 0.8) * (index - (len(dates) - 4))
            wz = weight_z - drop + rng.gauss(0, 0.15)
            lz = length_z + rng.gauss(0, 0.1)
            standing = age >= growth.LYING_BEFORE_DAYS
            weight = growth.value_at(growth.lms_at_age("wfa", child.sex, age) or (1, 1, 1), wz)
            length = growth.value_at(growth.lms_at_age("lfa", child.sex, age) or (1, 1, 1), lz)
            values: dict[str, object] = {
                "measured_on": measured_on,
                "weight_kg": Decimal(f"{weight:.1f}"),
                "length_cm": Decimal(f"{length:.1f}"),
                "position": Measurement.Position.STANDING
                if standing
                else Measurement.Position.LYING,
                "head_cm": None,
                "muac_mm": None,
                "oedema": False,
                "notes": "",
            }
            if age < 730:
                head = growth.value_at(
                    growth.lms_at_age("hcfa", child.sex, age) or (1, 1, 1), rng.gauss(-0.3, 0.8)
                )
                values["head_cm"] = Decimal(f"{head:.1f}")
            if age >= 183:
                values["muac_mm"] = max(100, round(140 + 9 * wz + rng.gauss(0, 3)))
            derived = measurement_values(child, values)
            if derived["implausible"]:
                continue  # weight and length drawn too far apart: not a plausible child
            measurements.append(
                self.new_measurement(code=self.code(), child=child, **values, **derived, **stamp)
            )

        # Immunisations: most on time, some late; one child in five has missed some (overdue).
        misses = 0.35 if rng.random() < 0.2 else 0.01
        for dose in self.doses:
            due = dose.due_on(child.date_of_birth)
            if due > today:
                continue
            draw = rng.random()
            if draw < misses:
                continue  # missed: overdue once past its grace
            delay = rng.randint(0, 10) if rng.random() < 0.85 else rng.randint(20, 60)
            given_on = min(today, due + dt.timedelta(days=delay))
            immunisations.append(
                self.new_immunisation(
                    code=self.code(),
                    child=child,
                    dose=dose,
                    given_on=given_on,
                    place="Health centre" if given_on >= entered else "",
                    from_card=given_on < entered,
                    **stamp,
                )
            )

        # Milestones: reached at an age inside WHO's window, a few late or not yet.
        for kind, (low, high) in MILESTONE_WINDOWS.items():
            months = rng.gauss((low + high) / 2 - 1, (high - low) / 5)
            if rng.random() < 0.05:
                months = high + rng.uniform(0.5, 3)  # late
            months = max(low, months)
            achieved = child.date_of_birth + dt.timedelta(days=round(months * 30.4375))
            if achieved > today or rng.random() < 0.06:
                continue
            milestones.append(
                self.new_milestone(
                    code=self.code(), child=child, kind=kind, achieved_on=achieved, **stamp
                )
            )

        # The admission health check for most, within days of entering.
        if rng.random() < 0.8:
            checked = entered + dt.timedelta(days=rng.randint(1, 12))
            if checked <= today:
                needs = rng.random() < 0.15
                checks.append(
                    self.new_check(
                        code=self.code(),
                        child=child,
                        checked_on=checked,
                        examiner="Prison nurse",
                        findings="Needs follow-up of her weight." if needs else "Well; no concern.",
                        needs_follow_up=needs,
                        **stamp,
                    )
                )

        # Now and then an illness, a referral or a hospital stay.
        if rng.random() < 0.25 and (today - entered).days > 20:
            kind, description, place = rng.choice(ILLNESSES)
            started = entered + dt.timedelta(days=rng.randint(10, (today - entered).days))
            ended = started + dt.timedelta(days=rng.randint(2, 10))
            events.append(
                self.new_event(
                    code=self.code(),
                    child=child,
                    kind=kind,
                    started_on=started,
                    ended_on=ended if ended <= today else None,
                    place=place,
                    description=description,
                    **stamp,
                )
            )


def flush(mothers: QuerySet[Mother]) -> None:
    """Delete the demo women's health records (before the registry deletes the women)."""
    children = Child.objects.filter(mother__in=mothers)
    for model in (Measurement, Immunisation, Milestone, HealthEvent, HealthCheck):
        model.objects.filter(child__in=children).delete()


def summary(mothers: QuerySet[Mother]) -> dict[str, int]:
    children = Child.objects.filter(mother__in=mothers)
    measurements = Measurement.objects.filter(child__in=children)
    return {
        "measurements": measurements.count(),
        "  below -2 SD": measurements.filter(lowest_z__lt=-2).count(),
        "immunisations": Immunisation.objects.filter(child__in=children).count(),
        "milestones": Milestone.objects.filter(child__in=children).count(),
        "health checks": HealthCheck.objects.filter(child__in=children).count(),
        "illnesses, referrals, hospital stays": HealthEvent.objects.filter(
            child__in=children
        ).count(),
    }
