"""The demo's bulk writer (`demo.write_rows`) stores each value as Django's `bulk_create()` does,
and its constructor (`demo.Unsaved`) makes what Django's makes.

The same rows, written once by each, are read back with a raw cursor and compared column by
column: text, numbers, yes/no, choices, dates, timestamps, codes (UUIDs) and foreign keys."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypeVar

import pytest
from django.db import connection, models
from django.db.models import signals

from komar.accounts.models import User
from komar.cases.demo import Unsaved, write_rows
from komar.cases.models import Child, CustodyEpisode, Finding, Mother, Placement
from komar.conftest import child_inside, register
from komar.facilities.models import Facility

M = TypeVar("M", bound=models.Model)
CODE_AND_TIMES = ("code", "created_at", "updated_at")


def raw(model: type[models.Model], pk: int) -> dict[str, Any]:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608 - a model's table
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def copy_of(original: M, **changes: Any) -> M:
    model = type(original)
    values = {f.attname: getattr(original, f.attname) for f in model._meta.concrete_fields}
    values |= {"id": None, **changes}
    return model(**values)


def test_it_stores_what_bulk_create_stores(sokha: User, siem_reap: Facility) -> None:
    mother = register(
        sokha,
        siem_reap,
        children=[child_inside(born=dt.date(2025, 2, 28))],
        is_pregnant=True,
    )
    child = mother.children.get()
    episode = CustodyEpisode.objects.get(mother=mother)
    compared = 0
    rows: list[tuple[models.Model, list[str]]] = [
        (mother, ["code", "case_number"]),
        (child, ["code"]),
        (episode, ["code"]),
    ]
    for original, unique in rows:
        model = type(original)
        changes = [
            {
                name: uuid.uuid4() if name == "code" else f"{getattr(original, name)}-{n}"
                for name in unique
            }
            for n in (1, 2)
        ]
        ours, djangos = copy_of(original, **changes[0]), copy_of(original, **changes[1])
        write_rows([ours])
        model.objects.bulk_create([djangos])
        ours_row, djangos_row = raw(model, ours.pk), raw(model, djangos.pk)
        for name in ("id", *unique):
            ours_row.pop(name), djangos_row.pop(name)
        assert ours_row == djangos_row
        compared += len(ours_row)
    assert compared > 40


def test_it_converts_a_choice_member_and_a_timestamp_elsewhere(
    sokha: User, siem_reap: Facility
) -> None:
    mother = register(sokha, siem_reap)
    ours = copy_of(
        mother,
        code=uuid.uuid4(),
        case_number="SR-2026-T1",
        legal_status=CustodyEpisode.LegalStatus.PRE_TRIAL,  # a choice's member, not its value
        created_at=mother.created_at.astimezone(dt.timezone(dt.timedelta(hours=-5))),
    )
    djangos = copy_of(
        mother,
        code=uuid.uuid4(),
        case_number="SR-2026-T2",
        legal_status=CustodyEpisode.LegalStatus.PRE_TRIAL,
        created_at=mother.created_at.astimezone(dt.timezone(dt.timedelta(hours=-5))),
    )
    write_rows([ours])
    Mother.objects.bulk_create([djangos])
    ours_row, djangos_row = raw(Mother, ours.pk), raw(Mother, djangos.pk)
    for name in ("id", "code", "case_number"):
        ours_row.pop(name), djangos_row.pop(name)
    assert ours_row == djangos_row
    assert ours_row["legal_status"] == "pre_trial"
    assert Mother.objects.get(pk=ours.pk).created_at == mother.created_at


def test_it_stores_a_finding_and_its_facts_as_bulk_create_does(
    sokha: User, siem_reap: Facility
) -> None:
    mother = register(sokha, siem_reap, children=[child_inside()])
    finding = Finding.objects.get(mother=mother, rule_code="no_counselling")
    assert finding.facts  # a list of facts, stored as JSON
    resolved = {"resolved_at": finding.raised_at, "resolution": Finding.Resolution.CASE_CLOSED}
    ours, djangos = copy_of(finding, **resolved), copy_of(finding, **resolved)
    write_rows([ours])
    Finding.objects.bulk_create([djangos])
    ours_row, djangos_row = raw(Finding, ours.pk), raw(Finding, djangos.pk)
    ours_row.pop("id"), djangos_row.pop("id")
    assert ours_row == djangos_row
    assert Finding.objects.get(pk=ours.pk).facts == finding.facts


def made_alike(
    fast: models.Model, django: models.Model, *, made_anew: tuple[str, ...] = ()
) -> None:
    """The two instances hold the same values, keep the same related objects, and are unsaved;
    the fields in `made_anew` took a default drawn afresh for each (a new code, the time)."""
    mine = {k: v for k, v in vars(fast).items() if k != "_state" and k not in made_anew}
    theirs = {k: v for k, v in vars(django).items() if k != "_state" and k not in made_anew}
    assert mine == theirs
    assert [type(v) for v in mine.values()] == [type(v) for v in theirs.values()]
    assert set(vars(fast)) == set(vars(django))
    cached, expected = fast._state.fields_cache, django._state.fields_cache
    assert cached.keys() == expected.keys()
    assert all(cached[name] is expected[name] for name in cached)
    assert (fast._state.adding, fast._state.db) == (True, None)


def test_unsaved_makes_what_the_constructor_makes(sokha: User, siem_reap: Facility) -> None:
    mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2025, 2, 28))])
    values: dict[str, Any] = {
        "code": uuid.uuid4(),
        "mother": mother,
        "name_latin": "Sok Dara",
        "date_of_birth": dt.date(2025, 3, 1),
        "sex": Child.Sex.FEMALE,
    }
    made_alike(Unsaved(Child)(**values), Child(**values), made_anew=("created_at", "updated_at"))
    # Every default given where nothing is: a fresh code each time, a new list each time.
    first, second = Unsaved(Finding)(mother_id=mother.pk), Unsaved(Finding)(mother_id=mother.pk)
    made_alike(first, Finding(mother_id=mother.pk), made_anew=("raised_at",))
    assert first.facts == [] and first.facts is not second.facts
    made_alike(Unsaved(Child)(mother=mother), Child(mother=mother), made_anew=CODE_AND_TIMES)
    # A related object given before it has an id, or none, or only its id.
    child = Child(mother=mother, date_of_birth=dt.date(2025, 3, 1))
    for given in ({"child": child}, {"child": None}, {"child_id": 7}, {"facility": siem_reap}):
        made_alike(
            Unsaved(Placement)(kind=Placement.Kind.WITH_MOTHER, **given),
            Placement(kind=Placement.Kind.WITH_MOTHER, **given),
            made_anew=CODE_AND_TIMES,
        )


def test_unsaved_leaves_what_it_does_not_know_to_the_constructor(sokha: User) -> None:
    with pytest.raises(TypeError, match="unexpected keyword arguments: 'born'"):
        Unsaved(Child)(born=dt.date(2025, 3, 1))
    with pytest.raises(ValueError, match='must be a "Mother" instance'):
        Unsaved(Child)(mother=sokha)
    # Given twice: Django keeps the id given last.
    made_alike(
        Unsaved(Child)(mother=None, mother_id=5),
        Child(mother=None, mother_id=5),
        made_anew=CODE_AND_TIMES,
    )
    # A model with receivers of its init signals is made by Django's constructor.
    seen: list[models.Model] = []

    def receiver(instance: models.Model, **_kwargs: Any) -> None:
        seen.append(instance)

    signals.post_init.connect(receiver, sender=Child)
    try:
        made = Unsaved(Child)(mother_id=5)
    finally:
        signals.post_init.disconnect(receiver, sender=Child)
    assert seen == [made]
