"""Every woman has a readable, unique case number: shown on her file and in its title instead of
her name, and found by a search however it is typed. URLs keep the random code."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from komar.cases import numbers
from komar.cases.models import CaseNumberSequence, Mother
from komar.conftest import client_for, register
from komar.facilities.models import Province


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 3, tzinfo=dt.UTC), tick=False)


def test_numbers_follow_the_province_of_her_facility_and_the_year(sokha, siem_reap) -> None:
    first = register(sokha, siem_reap)
    second = register(sokha, siem_reap, name_latin="Chan Dalin", name_km="ចាន់ ដាលីន")
    home = Province.objects.get(code="BTB")
    outside = register(sokha, None, name_latin="Keo Sreyneang", name_km="កែវ ស្រីនាង", province=home)
    unknown = register(sokha, None, name_latin="Ros Mealea", name_km="រស់ មាលា")
    assert siem_reap.province.code == "SRP"
    assert [first.case_number, second.case_number] == ["SRP-2026-0001", "SRP-2026-0002"]
    assert outside.case_number == "BTB-2026-0001"
    assert unknown.case_number == "KH-2026-0001"


def test_a_number_is_given_once_even_to_a_woman_written_directly(sokha, siem_reap) -> None:
    registered = register(sokha, siem_reap)
    direct = Mother.objects.create(
        name_latin="Direct Write", organisation=sokha.organisation, created_by=sokha
    )
    assert direct.case_number == "KH-2026-0001"
    registered.save()
    registered.refresh_from_db()
    assert registered.case_number == "SRP-2026-0001"


def test_numbers_taken_together_are_consecutive_and_distinct(db) -> None:
    assert numbers.take("SRP", 2026, 3) == ["SRP-2026-0001", "SRP-2026-0002", "SRP-2026-0003"]
    assert numbers.take_for([("SRP", 2026), ("PP", 2026), ("SRP", 2026)]) == [
        "SRP-2026-0004",
        "PP-2026-0001",
        "SRP-2026-0005",
    ]
    assert CaseNumberSequence.objects.get(prefix="SRP", year=2026).last == 5


def test_rewind_gives_back_the_numbers_of_deleted_women(sokha, siem_reap) -> None:
    register(sokha, siem_reap)
    numbers.take("SRP", 2026, 5)  # numbers of women deleted since
    numbers.rewind()
    assert numbers.take("SRP", 2026) == ["SRP-2026-0002"]


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("SRP-2026-0042", "SRP-2026-0042"),
        ("srp-2026-42", "SRP-2026-0042"),
        ("SRP 2026 0042", "SRP-2026-0042"),
        ("  srp/2026/42 ", "SRP-2026-0042"),
        ("Chan Sophea", None),
        ("2026-0042", None),
    ],
)
def test_a_typed_case_number_is_read_however_it_is_spelt(typed, number) -> None:
    assert numbers.parse_typed(typed) == number


def test_her_file_shows_the_number_and_its_title_carries_no_name(sokha, sophea) -> None:
    response = client_for(sokha).get(sophea.get_absolute_url())
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert sophea.case_number in title and "Sophea" not in title
    assert f'<dd class="case-number">{sophea.case_number}</dd>' in html
    assert sophea.case_number not in sophea.get_absolute_url()


def test_the_case_list_finds_her_by_case_number(sokha, siem_reap) -> None:
    register(sokha, siem_reap)
    wanted = register(sokha, siem_reap, name_latin="Chan Dalin", name_km="ចាន់ ដាលីន")
    client = client_for(sokha)
    response = client.post(reverse("cases:case_list"), {"q": "srp 2026 2"}, follow=True)
    assert "SRP-2026" not in response.redirect_chain[-1][0]  # the query stays out of the URL
    rows = [row.mother for row in response.context["rows"]]
    assert rows == [wanted]
    assert response.context["page"].paginator.count == 1
