"""The date rules, tried as a worker would: every impossible date is refused with a reason, every
improbable one asks to be confirmed, and no path (form or action) stores either unchecked.

The examples are those found by a new user (issue "Honest data"): year 0001, a woman born in
1800, a child born before its mother, a mother aged 5 or aged 6 at a birth, overlapping custody...
"""

import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases import actions
from komar.cases.date_rules import History, Stay, check_child, check_mother, check_stay
from komar.cases.models import Child, Mother, Placement
from komar.cases.tests.test_mother_register import URL as REGISTER
from komar.cases.tests.test_mother_register import form_data
from komar.conftest import child_inside, client_for, register


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 3, tzinfo=dt.UTC), tick=False)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# Registration.


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"m-date_of_birth": "0001-01-01"}, "A date before 1900 cannot be right"),
        ({"m-date_of_birth": "1800-05-01"}, "A date before 1900 cannot be right"),
        ({"e-admission_date": "1899-12-31"}, "A date before 1900 cannot be right"),
        ({"e-admission_date": "1980-01-01"}, "This admission is before her date of birth"),
        ({"m-date_of_birth": "2021-01-01"}, "By this date of birth she is 5 years old"),
        (
            {"m-date_of_birth": "2019-01-01", "c0-child-date_of_birth": "2025-02-10"},
            "By this date of birth she is 7 years old",
        ),
        ({"c1-child-date_of_birth": "1990-01-01"}, "before the mother"),
        ({"c1-child-date_of_birth": "1998-08-20"}, "the mother was 6 at the birth"),
        ({"c0-child-date_of_birth": "0001-01-01"}, "A date before 1900 cannot be right"),
        ({"c0-placement-start_date": "2025-01-01"}, "before the date of birth"),
        ({"c0-placement-start_date": "2026-02-01"}, "inside before admission"),
        (
            {"m-is_pregnant": "on", "m-expected_delivery_date": "2020-01-01"},
            "more than two years from today",
        ),
        (
            {"m-is_pregnant": "on", "m-expected_delivery_date": "2031-01-01"},
            "more than two years from today",
        ),
        ({"e-admission_date": "2026-04-01"}, "This date is in the future."),
    ],
)
def test_registration_refuses_the_impossible(sokha, siem_reap, overrides, message) -> None:
    page = html(client_for(sokha).post(REGISTER, form_data(siem_reap, **overrides)))
    assert message in page
    assert not Mother.objects.filter(name_latin="Chan Thida").exists()
    # Refused, not confirmable: no box to tick it away.
    assert f"{message}" not in " ".join(_box_labels(page))


@pytest.mark.parametrize(
    ("overrides", "message", "kind"),
    [
        (
            {"c1-child-date_of_birth": "2004-08-20"},
            "The mother was 12 at the birth of this child.",
            "mother_age_at_birth",
        ),
        (
            {
                "m-date_of_birth": "1960-01-01",
                "c1-child-date_of_birth": "2016-02-01",
                "c0-child-date_of_birth": "2000-01-01",
            },
            "The mother was 56 at the birth of this child.",
            "mother_age_at_birth",
        ),
        (
            {"c1-child-born_in_custody": "on", "c1-child-date_of_birth": "2024-05-01"},
            "No custody of the mother is recorded on the child",
            "born_outside_custody",
        ),
        (
            {"m-is_pregnant": "on", "m-expected_delivery_date": "2027-03-01"},
            "The expected delivery is more than 10 months ahead.",
            "delivery_far_ahead",
        ),
        (
            {"m-is_pregnant": "on", "m-expected_delivery_date": "2025-04-01"},
            "The expected delivery was more than 10 months ago",
            "delivery_long_past",
        ),
        (
            {
                "m-date_of_birth": "1960-01-01",
                "e-admission_date": "1990-01-01",
                "c0-child-date_of_birth": "1989-06-01",
                "c1-child-date_of_birth": "1985-06-01",
                "c0-placement-start_date": "1990-01-01",
                "c1-placement-start_date": "1990-01-01",
            },
            "This admission is more than 30 years ago.",
            "admitted_long_ago",
        ),
    ],
)
def test_registration_asks_to_confirm_the_improbable_and_audits_it(
    sokha, siem_reap, overrides, message, kind
) -> None:
    client = client_for(sokha)
    data = form_data(siem_reap, **overrides)
    page = html(client.post(REGISTER, data))
    assert message in page
    assert "Check it. If it is right, tick “I have checked: this is right.” below." in page
    boxes = [name for name in _input_names(page) if "confirm__" in name]
    assert any(name.endswith(kind) for name in boxes), "no box to confirm it"
    assert not Mother.objects.filter(name_latin="Chan Thida").exists()

    response = client.post(REGISTER, data | dict.fromkeys(boxes, "on"))
    assert response.status_code == 302, response.content.decode()[-3000:]
    mother = Mother.objects.get(name_latin="Chan Thida")
    confirmed = AuditEntry.objects.filter(mother=mother, action="create").values_list(
        "confirmed", flat=True
    )
    assert any(kind in kinds for kinds in confirmed)


def _box_labels(page: str) -> list[str]:
    import re

    return re.findall(r'<input type="checkbox" name="[^"]*confirm__[^>]*>([^<]*)</label>', page)


def _input_names(page: str) -> list[str]:
    import re

    return re.findall(r'<input type="checkbox" name="([^"]+)"', page)


def test_a_confirmation_does_not_carry_over_to_another_age(sokha, siem_reap) -> None:
    client = client_for(sokha)
    data = form_data(siem_reap, **{"c1-child-date_of_birth": "2004-08-20"})
    page = html(client.post(REGISTER, data))
    (box,) = [n for n in _input_names(page) if "confirm__" in n]
    # She changes the child's birth year after ticking: now 11 at the birth, asked again.
    data |= {box: "on", "c1-child-date_of_birth": "2003-08-20"}
    page = html(client.post(REGISTER, data))
    assert "The mother was 11 at the birth of this child." in page
    assert not Mother.objects.filter(name_latin="Chan Thida").exists()


# Corrections: the same rules on every edit form.


@pytest.fixture
def sophea(sokha, siem_reap):
    return register(sokha, siem_reap, children=[child_inside()])


def _edit_data(form_url, client):
    """The edit form's current values, as the browser would send them back."""
    import re

    page = client.get(form_url).content.decode()
    data = dict(re.findall(r'<input type="(?:text|hidden)" name="([^"]+)" value="([^"]*)"', page))
    for name, block in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', block)
        data[name] = chosen.group(1) if chosen else ""
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_her_details_cannot_be_corrected_to_year_0001(sokha, sophea) -> None:
    client = client_for(sokha)
    url = reverse("cases:mother_edit", args=[sophea.code])
    data = _edit_data(url, client) | {
        "date_of_birth_day": "1",
        "date_of_birth_month": "1",
        "date_of_birth_year": "0001",
    }
    assert "A date before 1900 cannot be right" in html(client.post(url, data))
    sophea.refresh_from_db()
    assert sophea.date_of_birth == dt.date(1995, 3, 2)


def test_her_birth_cannot_be_moved_after_her_childs(sokha, sophea) -> None:
    client = client_for(sokha)
    url = reverse("cases:mother_edit", args=[sophea.code])
    data = _edit_data(url, client) | {"date_of_birth_year": "2025", "date_of_birth_month": "6"}
    assert "before the mother" in html(client.post(url, data))


def test_a_childs_birth_cannot_be_corrected_to_year_0001(sokha, sophea) -> None:
    client = client_for(sokha)
    child = sophea.children.get()
    url = reverse("cases:child_edit", args=[child.code])
    data = _edit_data(url, client) | {"date_of_birth_year": "0001"}
    assert "A date before 1900 cannot be right" in html(client.post(url, data))
    child.refresh_from_db()
    assert child.date_of_birth == dt.date(2025, 1, 15)


def test_a_childs_birth_cannot_be_after_she_was_placed(sokha, sophea) -> None:
    client = client_for(sokha)
    child = sophea.children.get()
    url = reverse("cases:child_edit", args=[child.code])
    data = _edit_data(url, client) | {"date_of_birth_year": "2026", "date_of_birth_month": "2"}
    assert "before this birth date" in html(client.post(url, data))


def test_the_admission_cannot_be_corrected_to_year_0001(sokha, sophea) -> None:
    client = client_for(sokha)
    url = reverse("cases:episode_edit", args=[sophea.code])
    data = _edit_data(url, client) | {"admission_date_year": "0001"}
    assert "A date before 1900 cannot be right" in html(client.post(url, data))


def test_a_new_child_cannot_be_born_in_year_0001_or_before_her_mother(sokha, sophea) -> None:
    client = client_for(sokha)
    url = reverse("cases:child_add", args=[sophea.code])
    base = {
        "c0-child-name_latin": "Sok Pov",
        "c0-child-sex": "female",
        "c0-child-birth_registration": "registered",
        "c0-placement-kind": "relative",
        "c0-placement-carer_name": "Yim Sam",
        "c0-placement-start_date": "2026-03-01",
    }
    page = html(client.post(url, base | {"c0-child-date_of_birth": "0001-01-01"}))
    assert "A date before 1900 cannot be right" in page
    page = html(client.post(url, base | {"c0-child-date_of_birth": "1994-01-01"}))
    assert "before the mother" in page
    assert not Child.objects.filter(name_latin="Sok Pov").exists()


@pytest.mark.usefixtures("allow_unplanned_moves")
def test_the_same_move_twice_on_one_day_is_refused(sokha, sophea) -> None:
    client = client_for(sokha)
    child = sophea.children.get()
    url = reverse("cases:child_move", args=[child.code])
    move = {"kind": "relative", "carer_name": "Yim Sam", "start_date": "2026-03-10"}
    assert client.post(url, move).status_code == 302
    page = html(client.post(url, move | {"carer_name": "Yim Sok"}))
    assert "would last no time at all" in page
    assert child.placements.count() == 2


def test_a_new_admission_cannot_overlap_an_earlier_custody(sokha, sophea, siem_reap) -> None:
    client = client_for(sokha)
    client.post(
        reverse("cases:mother_release", args=[sophea.code]),
        {"on": "2026-03-01", "release_kind": "bail"},
    )
    url = reverse("cases:mother_admit", args=[sophea.code])
    admission = {"facility": siem_reap.pk, "legal_status": "pre_trial"}
    page = html(client.post(url, admission | {"admission_date": "2023-05-01"}))
    assert "two custodies cannot overlap" in page
    assert sophea.episodes.count() == 1
    # From the day of her release on, she can be admitted again.
    assert client.post(url, admission | {"admission_date": "2026-03-01"}).status_code == 302


def test_consent_cannot_be_dated_before_her_birth(sokha, sophea) -> None:
    url = reverse("cases:consent_add", args=[sophea.code])
    data = {"purpose": "case_management", "method": "signature", "given_on": "1990-01-01"}
    page = html(client_for(sokha).post(url, data))
    assert "The consent is dated before her date of birth" in page
    assert not sophea.consents.exists()


def test_a_birth_before_1900_before_the_mother_or_before_her_admission_is_refused(
    sokha, siem_reap
) -> None:
    # Born 2 March 1995, admitted 10 January 2026, pregnant.
    mother = register(
        sokha, siem_reap, is_pregnant=True, expected_delivery_date=dt.date(2026, 4, 1)
    )
    url = reverse("cases:mother_birth", args=[mother.code])
    client = client_for(sokha)
    baby = {"name_latin": "Baby Sok", "sex": "female", "birth_registration": "not_registered"}
    page = html(client.post(url, baby | {"date_of_birth": "0001-01-01"}))
    assert "A date before 1900" in page
    page = html(client.post(url, baby | {"date_of_birth": "1990-01-01"}))
    assert "before the mother" in page
    page = html(client.post(url, baby | {"date_of_birth": "2025-12-20"}))
    assert "The birth is before her admission to custody" in page
    assert not mother.children.exists()
    # The day after her admission is a birth in custody.
    assert client.post(url, baby | {"date_of_birth": "2026-01-11"}).status_code == 302
    assert mother.children.get().born_in_custody


# The date boxes: day, month and year, whatever the browser's language.


def test_a_date_is_entered_as_day_month_and_year(sokha, sophea) -> None:
    client = client_for(sokha)
    url = reverse("cases:consent_add", args=[sophea.code])
    data = {
        "purpose": "case_management",
        "method": "signature",
        "given_on_day": "3",
        "given_on_month": "1",
        "given_on_year": "2026",
    }
    assert client.post(url, data).status_code == 302
    assert sophea.consents.get().given_on == dt.date(2026, 1, 3)


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("31", "2", "2026"),  # no 31 February
        ("3", "1", "26"),  # a two-digit year is not guessed
        ("99999999999999999999", "1", "2026"),
        ("3", "99999999999999999999", "2026"),
        ("3", "1", "99999999999999999999"),
        ("x", "1", "2026"),
        ("", "1", "2026"),
    ],
)
def test_a_date_that_cannot_be_is_refused_with_a_message(sokha, sophea, day, month, year) -> None:
    url = reverse("cases:consent_add", args=[sophea.code])
    data = {
        "purpose": "case_management",
        "method": "signature",
        "given_on_day": day,
        "given_on_month": month,
        "given_on_year": year,
    }
    page = html(client_for(sokha).post(url, data))
    assert "Enter a valid date." in page
    assert not sophea.consents.exists()


def test_the_date_message_is_in_khmer_for_a_khmer_user(sokha, sophea) -> None:
    client = client_for(sokha)
    client.post(reverse("set_language"), {"language": "km"})
    url = reverse("cases:consent_add", args=[sophea.code])
    data = {"purpose": "case_management", "method": "signature", "given_on_day": "31"}
    data |= {"given_on_month": "2", "given_on_year": "2026"}
    page = html(client.post(url, data))
    assert "Enter a valid date." not in page
    assert 'lang="km"' in page


# The actions check again: no path stores an impossible record.


def test_the_actions_refuse_what_the_forms_refuse(sokha, sophea, siem_reap) -> None:
    with pytest.raises(actions.DatesRefused):
        actions.do_change_mother(
            sophea,
            {"date_of_birth": dt.date(1, 1, 1)},
            expected_version=sophea.version,
            actor=sokha,
        )
    child = sophea.children.get()
    with pytest.raises(actions.DatesRefused):
        actions.do_change_child(
            child, {"date_of_birth": dt.date(1994, 1, 1)}, expected_version=1, actor=sokha
        )
    with pytest.raises(actions.DatesRefused):
        actions.do_move_child(
            child,
            {"kind": "relative", "carer_name": "Yim", "start_date": dt.date(2024, 1, 1)},
            actor=sokha,
        )
    with pytest.raises(actions.DatesRefused):
        register(sokha, siem_reap, date_of_birth=dt.date(1800, 1, 1))
    with pytest.raises(actions.DatesRefused):
        # Improbable and not confirmed: refused too.
        register(sokha, siem_reap, children=[child_inside(born=dt.date(2007, 5, 1))])
    assert Mother.objects.count() == 1
    assert Placement.objects.count() == 1


def test_an_action_stores_what_was_confirmed(sokha, siem_reap) -> None:
    young = child_inside(born=dt.date(2007, 5, 1))
    mother = actions.do_register_mother(
        mother_data={"name_latin": "Srey Neang", "date_of_birth": dt.date(1995, 3, 2)},
        episode_data={
            "facility": siem_reap,
            "admission_date": dt.date(2026, 1, 10),
            "legal_status": "pre_trial",
        },
        children=[young],
        organisation=sokha.organisation,
        actor=sokha,
        confirmed=["child-12__mother_age_at_birth"],
    )
    entry = AuditEntry.objects.get(mother=mother, object_type="cases.mother")
    assert entry.confirmed == ["mother_age_at_birth"]


# The rules themselves, at their bounds.


def test_a_mother_aged_10_at_a_birth_is_confirmed_and_9_is_refused() -> None:
    born = dt.date(2000, 6, 1)
    ten = check_child(History(born=born), born=dt.date(2010, 6, 1))
    nine = check_child(History(born=born), born=dt.date(2010, 5, 31))
    assert [(p.kind, p.confirmable) for p in ten] == [("mother_age_at_birth", True)]
    assert [(p.kind, p.confirmable) for p in nine] == [("mother_too_young_at_birth", False)]
    assert check_child(History(born=born), born=dt.date(2013, 6, 1)) == []


def test_a_transfer_closes_one_custody_and_opens_the_next_on_the_same_day() -> None:
    history = History(stays=[Stay(1, dt.date(2025, 1, 1), dt.date(2025, 6, 1))])
    assert check_stay(history, admitted=dt.date(2025, 6, 1)) == []
    assert [p.kind for p in check_stay(history, admitted=dt.date(2025, 5, 31))] == [
        "custody_overlap"
    ]


def test_a_woman_over_80_is_confirmed() -> None:
    problems = check_mother(History(), born=dt.date(1940, 1, 1))
    assert [(p.kind, p.confirmable) for p in problems] == [("mother_old", True)]


def test_her_history_names_what_was_confirmed(sokha, dara, siem_reap) -> None:
    mother = actions.do_register_mother(
        mother_data={"name_latin": "Srey Neang", "date_of_birth": dt.date(1995, 3, 2)},
        episode_data=None,
        children=[
            (
                {"name_latin": "Sok Pov", "sex": "female", "date_of_birth": dt.date(2007, 5, 1)},
                {"kind": "relative", "carer_name": "Yim Sam", "start_date": dt.date(2026, 1, 1)},
            )
        ],
        organisation=sokha.organisation,
        actor=sokha,
        confirmed=["child-12__mother_age_at_birth"],
    )
    url = reverse("casefile:mother_history", args=[mother.code])
    page = html(client_for(dara).get(url))
    assert "Confirmed as right: the mother&#x27;s age at a birth" in page


def test_a_facility_corrected_on_the_page_moves_the_children_inside_with_her(
    sokha, sophea, cc2
) -> None:
    # The form sets the new facility on the episode it edits before the action runs: the
    # placements inside are found by the facility recorded before.
    client = client_for(sokha)
    url = reverse("cases:episode_edit", args=[sophea.code])
    data = _edit_data(url, client) | {"facility": str(cc2.pk)}
    assert client.post(url, data).status_code == 302
    inside = sophea.children.get(name_latin="Sok Vichet")
    assert inside.current_placement.facility == cc2
    assert inside.inside_facility == cc2
    assert sophea.episodes.count() == 1  # a correction, not a transfer
