"""Administrators keep the decision factors: rename, add, retire, reorder; codes never change."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.conftest import client_for, make_user
from komar.counselling.actions import do_record_session
from komar.counselling.models import Factor


@pytest.fixture
def superuser(ngo):
    return make_user("root", ngo, "administrator", [], is_staff=True, is_superuser=True)


def test_the_taxonomy_ships_with_komar(db) -> None:
    codes = set(Factor.objects.values_list("code", flat=True))
    assert {"P_BREASTFEEDING", "E_NO_ALTERNATIVE_CARER", "E_NO_INFORMATION"} <= codes
    assert Factor.objects.filter(group="personal").count() == 5
    assert Factor.objects.filter(group="external").count() == 7
    assert not Factor.objects.filter(label_km="").exists()


def test_an_administrator_renames_and_reorders_but_cannot_change_a_code(superuser) -> None:
    factor = Factor.objects.get(code="P_BREASTFEEDING")
    url = reverse("admin:counselling_factor_change", args=[factor.pk])
    response = client_for(superuser).post(
        url,
        {
            "code": "CHANGED",
            "group": "personal",
            "label_en": "The child is breastfed",
            "label_km": factor.label_km,
            "evidence": factor.evidence,
            "is_active": "on",
            "order": "9",
        },
    )
    assert response.status_code == 302
    factor.refresh_from_db()
    assert factor.code == "P_BREASTFEEDING"
    assert factor.label_en == "The child is breastfed"
    assert factor.order == 9


def test_an_administrator_adds_a_factor_and_never_deletes_one(superuser) -> None:
    client = client_for(superuser)
    response = client.post(
        reverse("admin:counselling_factor_add"),
        {
            "code": "E_DISTANCE",
            "group": "external",
            "label_en": "The family lives too far away to visit",
            "label_km": "គ្រួសាររស់នៅឆ្ងាយពេក មិនអាចមកសួរសុខទុក្ខបាន",
            "evidence": "",
            "is_active": "on",
            "order": "20",
        },
    )
    assert response.status_code == 302
    factor = Factor.objects.get(code="E_DISTANCE")
    delete = reverse("admin:counselling_factor_delete", args=[factor.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Factor.objects.filter(code="E_DISTANCE").exists()


def test_a_retired_factor_stays_on_old_sessions(sokha, sophea) -> None:
    factor = Factor.objects.get(code="E_AUTHORITY_INSTRUCTION")
    session = do_record_session(
        sophea,
        {"held_on": dt.date(2026, 3, 2), "stage": "in_custody", "review_on": dt.date(2026, 6, 1)},
        factors=[factor],
        main_factor=factor,
        decisions=[
            {
                "child": sophea.children.first(),
                "decision": "with_mother",
                "decided_by": "mother",
            }
        ],
        actor=sokha,
    )
    factor.is_active = False
    factor.save(update_fields=["is_active"])
    html = client_for(sokha).get(session.get_absolute_url()).content.decode()
    assert factor.label_en in html
    form = client_for(sokha).get(reverse("counselling:session_new", args=[sophea.code]))
    assert factor.label_en not in form.content.decode()


def test_the_facility_admin_edits_the_facts_told_to_mothers(superuser, siem_reap) -> None:
    url = reverse("admin:facilities_facility_change", args=[siem_reap.pk])
    html = client_for(superuser).get(url).content.decode()
    assert "Facts told to every mother counselled here" in html
    for name in ("food_allowance_riel", "health_care_km", "visiting_en", "facts_updated_on"):
        assert f'name="{name}"' in html
