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
from komar.cases.models import Mother
from komar.conftest import child_inside, register


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
