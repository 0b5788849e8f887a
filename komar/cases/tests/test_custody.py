import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases.models import CustodyEpisode, Mother, Placement
from komar.conftest import client_for, register


@pytest.fixture(autouse=True)
def _today(time_machine):
    # The dates below are of 2026: "today" is pinned, or the check of a delivery long past
    # (date_rules: more than 10 months) refuses them once the real date moves on.
    time_machine.move_to(dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC), tick=False)


def test_release_ends_the_episode_and_leaves_children_where_they_are(sokha, sophea) -> None:
    url = reverse("cases:mother_release", args=[sophea.code])
    response = client_for(sokha).post(url, {"on": "2026-04-01", "release_kind": "bail"})
    assert response.status_code == 302
    sophea.refresh_from_db()
    episode = sophea.latest_episode
    assert episode.ended_on == dt.date(2026, 4, 1)
    assert episode.legal_status == CustodyEpisode.LegalStatus.RELEASED
    assert not sophea.is_in_custody
    # The child's placement changes only when the worker records it.
    child = sophea.children.get(name_latin="Sok Vichet")
    assert child.current_placement.kind == Placement.Kind.WITH_MOTHER
    assert AuditEntry.objects.filter(object_code=str(episode.code), action="change").exists()


def test_release_before_admission_is_refused(sokha, sophea) -> None:
    url = reverse("cases:mother_release", args=[sophea.code])
    response = client_for(sokha).post(url, {"on": "2025-12-01", "release_kind": "bail"})
    assert response.status_code == 200
    assert "This date is before her admission" in response.content.decode()
    sophea.refresh_from_db()
    assert sophea.is_in_custody


def test_transfer_moves_the_episode_and_keeps_the_legal_facts(sokha, sophea, cc2) -> None:
    url = reverse("cases:mother_transfer", args=[sophea.code])
    response = client_for(sokha).post(url, {"to_facility": cc2.pk, "on": "2026-03-01"})
    assert response.status_code == 302
    sophea.refresh_from_db()
    old, new = sophea.episodes.order_by("admission_date")
    assert old.end_reason == CustodyEpisode.EndReason.TRANSFERRED
    assert new.facility == cc2
    assert new.legal_status == old.legal_status
    assert sophea.latest_episode == new


def test_transfer_to_the_same_facility_is_refused(sokha, sophea, siem_reap) -> None:
    url = reverse("cases:mother_transfer", args=[sophea.code])
    response = client_for(sokha).post(url, {"to_facility": siem_reap.pk, "on": "2026-03-01"})
    assert response.status_code == 200
    assert sophea.episodes.count() == 1


def test_a_released_woman_can_be_admitted_again(sokha, sophea, siem_reap) -> None:
    client = client_for(sokha)
    client.post(
        reverse("cases:mother_release", args=[sophea.code]),
        {"on": "2026-02-01", "release_kind": "acquitted"},
    )
    response = client.post(
        reverse("cases:mother_admit", args=[sophea.code]),
        {"facility": siem_reap.pk, "admission_date": "2026-03-01", "legal_status": "pre_trial"},
    )
    assert response.status_code == 302
    assert Mother.objects.get(pk=sophea.pk).is_in_custody
    assert sophea.episodes.count() == 2


@pytest.mark.usefixtures("allow_unplanned_moves")
def test_moving_a_child_keeps_the_history(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    url = reverse("cases:child_move", args=[child.code])
    response = client_for(sokha).post(
        url,
        {
            "kind": "relative",
            "carer_name": "Yim Sam",
            "carer_relationship": "grandmother",
            "start_date": "2026-05-01",
        },
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.current_placement.kind == Placement.Kind.RELATIVE
    first = child.placements.get(kind=Placement.Kind.WITH_MOTHER)
    assert first.end_date == dt.date(2026, 5, 1)
    assert not child.is_inside
    assert child.flags() == []


def test_a_relative_placement_needs_the_carers_name(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    url = reverse("cases:child_move", args=[child.code])
    response = client_for(sokha).post(url, {"kind": "relative", "start_date": "2026-05-01"})
    assert response.status_code == 200
    assert (
        "Enter the name of the person or place caring for the child." in response.content.decode()
    )


def test_a_move_cannot_start_before_the_current_placement(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    url = reverse("cases:child_move", args=[child.code])
    response = client_for(sokha).post(url, {"kind": "unknown", "start_date": "2025-05-01"})
    assert response.status_code == 200
    child.refresh_from_db()
    assert child.is_inside


def test_a_birth_is_registered_in_one_step_with_the_mother_inside(sokha, siem_reap) -> None:
    mother = register(
        sokha, siem_reap, is_pregnant=True, expected_delivery_date=dt.date(2026, 2, 1)
    )
    url = reverse("cases:mother_birth", args=[mother.code])
    response = client_for(sokha).post(
        url,
        {
            "name_km": "",
            "name_latin": "Baby Srey",
            "sex": "female",
            "date_of_birth": "2026-02-03",
            "birth_registration": "not_registered",
        },
    )
    assert response.status_code == 302
    mother.refresh_from_db()
    assert not mother.is_pregnant
    baby = mother.children.get()
    assert baby.born_in_custody
    assert baby.current_placement.kind == Placement.Kind.WITH_MOTHER
    assert baby.current_placement.facility == siem_reap
    assert baby.stay_limit_date == dt.date(2029, 2, 3)


@pytest.mark.parametrize("with_mother", [True, False])
def test_adding_a_child_later(sokha, sophea, with_mother) -> None:
    url = reverse("cases:child_add", args=[sophea.code])
    data = {
        "c0-child-name_latin": "Sok Pov",
        "c0-child-sex": "male",
        "c0-child-date_of_birth": "2024-05-01",
        "c0-child-birth_registration": "unknown",
        "c0-placement-start_date": "2026-02-01",
    }
    if with_mother:
        data["c0-placement-kind"] = "with_mother"
    else:
        data.update({"c0-placement-kind": "pagoda", "c0-placement-carer_name": "Wat Bo"})
    assert client_for(sokha).post(url, data).status_code == 302
    assert sophea.children.get(name_latin="Sok Pov").is_inside is with_mother


def test_a_child_added_later_cannot_be_inside_before_admission(sokha, sophea) -> None:
    url = reverse("cases:child_add", args=[sophea.code])
    data = {
        "c0-child-name_latin": "Sok Pov",
        "c0-child-sex": "male",
        "c0-child-date_of_birth": "2024-05-01",
        "c0-child-birth_registration": "unknown",
        "c0-placement-start_date": "2025-12-01",
        "c0-placement-kind": "with_mother",
    }
    response = client_for(sokha).post(url, data)
    assert response.status_code == 200
    assert "A child cannot be with her mother inside before admission" in response.content.decode()
    assert not sophea.children.filter(name_latin="Sok Pov").exists()


def test_a_birth_before_admission_is_explained(sokha, siem_reap) -> None:
    mother = register(
        sokha, siem_reap, is_pregnant=True, expected_delivery_date=dt.date(2026, 2, 1)
    )
    url = reverse("cases:mother_birth", args=[mother.code])
    response = client_for(sokha).post(
        url,
        {
            "name_latin": "Baby",
            "sex": "female",
            "date_of_birth": "2025-12-01",
            "birth_registration": "unknown",
        },
    )
    assert response.status_code == 200
    assert "before her admission" in response.content.decode()
