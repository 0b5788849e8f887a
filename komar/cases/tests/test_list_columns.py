"""The woman's own copies that the scope and the case list filter on follow every action."""

import datetime as dt

import pytest

from komar.cases.actions import (
    do_add_child,
    do_change_episode,
    do_move_child,
    do_release_mother,
    do_transfer_mother,
)
from komar.cases.models import Child, Mother, Placement
from komar.conftest import child_inside, register
from komar.facilities.models import Facility


def _copies(mother: Mother) -> tuple:
    mother.refresh_from_db()
    return mother.facility, mother.legal_status, mother.children_inside


@pytest.mark.usefixtures("allow_unplanned_moves")
def test_they_follow_registration_moves_corrections_and_release(
    sokha, siem_reap, battambang
) -> None:
    mother = register(sokha, siem_reap, children=[child_inside()])
    assert _copies(mother) == (siem_reap, "pre_trial", 1)
    do_add_child(mother, *child_inside(born=dt.date(2025, 9, 1)), actor=sokha)
    assert _copies(mother)[2] == 2
    child = mother.children.order_by("pk").first()
    do_move_child(
        child,
        {"kind": "relative", "carer_name": "Yim Sam", "start_date": dt.date(2026, 3, 1)},
        actor=sokha,
    )
    assert _copies(mother)[2] == 1
    episode = mother.latest_episode
    do_change_episode(
        episode, {"legal_status": "sentenced"}, expected_version=episode.version, actor=sokha
    )
    assert _copies(mother)[1] == "sentenced"
    do_transfer_mother(mother, to_facility=battambang, on=dt.date(2026, 4, 1), actor=sokha)
    assert _copies(mother)[:2] == (battambang, "sentenced")
    do_release_mother(mother, on=dt.date(2026, 5, 1), release_kind="pardon", actor=sokha)
    assert _copies(mother)[:2] == (battambang, "released")


def test_a_woman_never_admitted_has_none(sokha) -> None:
    mother = register(sokha, None)
    assert _copies(mother) == (None, "", 0)


def _inside(child: Child) -> Facility | None:
    child.refresh_from_db()
    placement = child.current_placement
    assert placement is not None
    # The copy is the current placement's facility while she lives inside, and nothing else.
    expected = placement.facility if placement.kind == Placement.Kind.WITH_MOTHER else None
    assert child.inside_facility == expected
    return child.inside_facility


@pytest.mark.usefixtures("allow_unplanned_moves")
def test_a_child_s_copy_of_her_facility_inside_follows_every_placement(
    sokha, siem_reap, battambang
) -> None:
    mother = register(sokha, siem_reap, children=[child_inside()])
    child = mother.children.get()
    assert _inside(child) == siem_reap
    # A correction of the facility moves the children recorded inside with her.
    episode = mother.latest_episode
    do_change_episode(
        episode, {"facility": battambang}, expected_version=episode.version, actor=sokha
    )
    assert _inside(child) == battambang
    do_move_child(
        child,
        {"kind": "relative", "carer_name": "Yim Sam", "start_date": dt.date(2026, 3, 1)},
        actor=sokha,
    )
    assert _inside(child) is None
    do_move_child(child, {"kind": "with_mother", "start_date": dt.date(2026, 3, 10)}, actor=sokha)
    assert _inside(child) == battambang
    outside = do_add_child(
        mother,
        {
            "name_km": "សុខ ដារ៉ា",
            "name_latin": "Sok Dara",
            "sex": "female",
            "date_of_birth": dt.date(2020, 6, 1),
            "birth_registration": "unknown",
        },
        {"kind": "relative", "carer_name": "Yim Sam", "start_date": dt.date(2026, 1, 10)},
        actor=sokha,
    )
    assert _inside(outside) is None


def test_the_migration_fills_the_copy_from_the_current_placements(sophea, siem_reap) -> None:
    from importlib import import_module

    from django.apps import apps

    fill = import_module("komar.cases.migrations.0017_child_inside_facility").fill
    Child.objects.update(inside_facility=None)
    fill(apps, None)
    inside = sophea.children.get(name_latin="Sok Vichet")
    outside = sophea.children.get(name_latin="Sok Dara")  # with her grandmother
    assert _inside(inside) == siem_reap
    assert _inside(outside) is None
