"""The demo's bulk writer (`demo.write_rows`) stores each value as Django's `bulk_create()` does.

The same rows, written once by each, are read back with a raw cursor and compared column by
column: text, numbers, yes/no, choices, dates, timestamps, codes (UUIDs) and foreign keys."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypeVar

from django.db import connection, models

from komar.accounts.models import User
from komar.cases.demo import write_rows
from komar.cases.models import CustodyEpisode, Finding, Mother
from komar.conftest import child_inside, register
from komar.facilities.models import Facility

M = TypeVar("M", bound=models.Model)


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
