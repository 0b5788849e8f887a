"""Each woman has a responsible social worker (and optionally a legal officer). A supervisor of
her organisation reassigns one or many at once; the case list filters "my cases"; a supervisor
sees each worker's caseload. Every change is audited."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.accounts.models import Role
from komar.audit.models import AuditEntry
from komar.cases import actions
from komar.conftest import client_for, make_user, register


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def leakhena(ngo, siem_reap):
    return make_user("leakhena", ngo, Role.SOCIAL_WORKER, [siem_reap])


def women(actor, facility, count):
    return [
        register(actor, facility, name_latin=f"Chan Sophea {chr(65 + i)}", name_km=f"ចាន់ {i}")
        for i in range(count)
    ]


def test_the_social_worker_who_registers_her_is_responsible(sokha, dara, siem_reap) -> None:
    assert register(sokha, siem_reap).assigned_worker == sokha
    assert register(dara, siem_reap, name_latin="Keo Dalin").assigned_worker is None


def test_a_supervisor_reassigns_her_case_and_it_is_audited(dara, leakhena, sophea) -> None:
    url = reverse("cases:mother_assign", args=[sophea.code])
    client = client_for(dara)
    form = client.get(url).context["form"]
    assert leakhena in form.fields["assigned_worker"].queryset
    response = client.post(url, {"assigned_worker": leakhena.pk, "assigned_legal_officer": ""})
    assert response.status_code == 302
    sophea.refresh_from_db()
    assert sophea.assigned_worker == leakhena
    entry = AuditEntry.objects.filter(object_code=str(sophea.code), actor=dara).latest("at")
    assert entry.fields == ["assigned_worker"]
    html = client_for(leakhena).get(sophea.get_absolute_url()).content.decode()
    assert "Leakhena" in html


def test_only_a_supervisor_of_her_organisation_assigns(sokha, outsider, sophea) -> None:
    url = reverse("cases:mother_assign", args=[sophea.code])
    assert client_for(sokha).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).post(reverse("cases:bulk_assign"), {}).status_code == 403


def test_a_legal_officer_is_offered_only_if_she_may_see_the_file(
    dara, vicheka, sokha, sophea, shares_with_legal_aid
) -> None:
    url = reverse("cases:mother_assign", args=[sophea.code])
    client = client_for(dara)
    assert vicheka in client.get(url).context["form"].fields["assigned_legal_officer"].queryset
    client.post(url, {"assigned_worker": sokha.pk, "assigned_legal_officer": vicheka.pk})
    sophea.refresh_from_db()
    assert sophea.assigned_legal_officer == vicheka
    # Her consent withdrawn, the legal officer is no longer offered, nor accepted by the action.
    actions.do_withdraw_consent(shares_with_legal_aid, on=dt.date(2026, 3, 1), note="", actor=sokha)
    assert vicheka not in client.get(url).context["form"].fields["assigned_legal_officer"].queryset
    with pytest.raises(actions.InvalidAction):
        actions.do_assign(
            [sophea], worker=sokha, set_legal_officer=True, legal_officer=vicheka, actor=sokha
        )


def test_a_supervisor_reassigns_many_at_once(
    dara, sokha, leakhena, outsider, battambang, siem_reap
):
    mine = women(sokha, siem_reap, 3)
    elsewhere = register(outsider, battambang, name_latin="Nuon Srey")
    client = client_for(dara)
    codes = [str(m.code) for m in mine[:2]]
    response = client.post(
        reverse("cases:bulk_assign"),
        {"women": codes, "assigned_worker": leakhena.pk, "back": "?mine=on"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/women/?mine=on")
    assert [m.assigned_worker for m in _fresh(mine)] == [leakhena, leakhena, sokha]
    assert AuditEntry.objects.filter(actor=dara, fields=["assigned_worker"]).count() == 2
    # A woman outside her organisation refuses the whole change: nothing moves.
    client.post(
        reverse("cases:bulk_assign"),
        {"women": [str(mine[2].code), str(elsewhere.code)], "assigned_worker": leakhena.pk},
    )
    assert [m.assigned_worker for m in _fresh(mine)] == [leakhena, leakhena, sokha]
    # Nothing ticked: a clear message, nothing changed.
    response = client.post(
        reverse("cases:bulk_assign"), {"assigned_worker": leakhena.pk}, follow=True
    )
    assert "Tick at least one woman." in response.content.decode()


def _fresh(mothers):
    for m in mothers:
        m.refresh_from_db()
    return mothers


def test_my_cases_and_a_workers_cases_on_the_case_list(dara, sokha, leakhena, siem_reap) -> None:
    mine = women(sokha, siem_reap, 2)
    hers = women(leakhena, siem_reap, 3)
    listed = client_for(sokha).get(reverse("cases:case_list"), {"mine": "on"}).context["rows"]
    assert {r.mother for r in listed} == set(mine)
    listed = client_for(dara).get(reverse("cases:case_list"), {"worker": leakhena.code})
    assert {r.mother for r in listed.context["rows"]} == set(hers)
    actions.do_assign([hers[0]], worker=None, actor=dara)
    listed = client_for(dara).get(reverse("cases:case_list"), {"unassigned": "on"})
    assert [r.mother for r in listed.context["rows"]] == [hers[0]]
    # A social worker has no worker filter: she sees "my cases".
    assert "worker" not in client_for(sokha).get(reverse("cases:case_list")).context["form"].fields


def test_the_caseload_counts_each_workers_open_cases(
    dara, sokha, leakhena, siem_reap, django_assert_max_num_queries
) -> None:
    women(sokha, siem_reap, 2)
    register(
        leakhena,
        siem_reap,
        name_latin="Heng Srey",
        children=[
            (
                {
                    "name_latin": "Heng Bopha",
                    "sex": "female",
                    "date_of_birth": dt.date(2025, 5, 1),
                    "birth_registration": "unknown",
                },
                {"kind": "with_mother", "start_date": dt.date(2026, 1, 10)},
            )
        ],
    )
    client = client_for(dara)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:caseload"))
    rows = {(r.worker.username if r.worker else None): r for r in response.context["rows"]}
    assert (rows["sokha"].women, rows["sokha"].inside) == (2, 0)
    assert (rows["leakhena"].women, rows["leakhena"].inside) == (1, 1)
    assert rows[None].women == 0
    women(sokha, siem_reap, 5)
    with django_assert_max_num_queries(12):  # the same queries, whatever the caseload
        client.get(reverse("cases:caseload"))
    assert client_for(sokha).get(reverse("cases:caseload")).status_code == 403
    entry = AuditEntry.objects.filter(actor=dara, object_type="list").latest("at")
    assert entry.object_code == "caseload"
