"""`access.scope_ids`: the same women as `access.scope`, as a set of ids read half by half."""

import datetime as dt

import pytest
from django.db.models import Q

from komar.cases.access import mothers_for_user, scope_ids
from komar.cases.actions import do_record_consent
from komar.cases.models import Child, Mother
from komar.conftest import child_inside, register

CAST = ["sokha", "dara", "vicheka", "monitor", "prison_worker", "researcher", "outsider"]


@pytest.fixture
def women(sokha, outsider, siem_reap, battambang, prison_department, legal_aid, sophea):
    """Sophea (Sokha's, at Siem Reap) shared with the prison department and legal aid, so that
    two halves of the prison worker's scope name her; a woman of the other NGO at Battambang;
    one of Sokha's not admitted (no facility)."""
    for organisation in (prison_department, legal_aid):
        do_record_consent(
            sophea,
            {
                "purpose": "sharing",
                "organisation": organisation,
                "method": "signature",
                "given_on": dt.date(2026, 1, 12),
            },
            actor=sokha,
        )
    register(outsider, battambang, name_latin="Keo Mony", children=[child_inside()])
    register(sokha, None, name_latin="Chan Dina")


@pytest.mark.usefixtures("women")
@pytest.mark.parametrize("name", CAST)
def test_it_holds_the_women_of_her_scope_once_each(request, name) -> None:
    user = request.getfixturevalue(name)
    expected = sorted(mothers_for_user(user).values_list("pk", flat=True))
    found = list(Mother.objects.filter(scope_ids(user, "pk")).values_list("pk", flat=True))
    assert sorted(found) == expected
    children = Child.objects.filter(scope_ids(user)).values_list("pk", flat=True)
    in_scope = Child.objects.filter(mother__in=mothers_for_user(user))
    assert sorted(children) == sorted(in_scope.values_list("pk", flat=True))


@pytest.mark.usefixtures("women")
def test_the_prison_worker_sees_sophea_through_two_halves_once(prison_worker, sophea) -> None:
    assert list(Mother.objects.filter(scope_ids(prison_worker, "pk"))) == [sophea]


@pytest.mark.usefixtures("women")
def test_a_condition_on_her_row_narrows_the_halves_read_from_it(sokha, sophea) -> None:
    inside = Mother.objects.filter(scope_ids(sokha, "pk", mothers=Q(children_inside__gt=0)))
    assert list(inside) == [sophea]  # Chan Dina, not admitted, has no child inside
