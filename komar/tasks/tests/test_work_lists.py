"""A workflow's full list of "My work" (`tasks:work_list`): every row, a page at a time, through
the workflow's own list, so only in her scope; linked from "My work" when it shows the first."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from komar.accounts.models import User
from komar.audit.models import AuditEntry
from komar.conftest import client_for
from komar.lib.urls import link
from komar.tasks import views
from komar.transitions.tests.factories import NOON_IN_PHNOM_PENH, URGENT_BORN, woman

PLANS = reverse("tasks:work_list", args=["transition-plans"])


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOON_IN_PHNOM_PENH, tick=False)


@pytest.fixture
def three(sokha, siem_reap, settings):
    """Three children near the stay limit (plans to prepare), two rows a page."""
    settings.KOMAR_CASES_PER_PAGE = 2
    born = [URGENT_BORN.replace(day=day) for day in (1, 2, 3)]  # the eldest first
    return [
        woman(sokha, siem_reap, born=b, name_latin=f"Woman {i}", name_km="ក")[1]
        for i, b in enumerate(born)
    ]


def plan_links(html: str, children) -> list[bool]:
    return [link("transitions:plan_open", c.code) in html for c in children]


def test_it_pages_the_whole_list_the_eldest_first(sokha, three) -> None:
    client = client_for(sokha)
    first = client.get(PLANS).content.decode()
    assert plan_links(first, three) == [True, True, False]
    assert 'href="?page=2">Next</a>' in first and "Previous" not in first
    assert "<h1>Transition plans to prepare</h1>" in first
    second = client.get(PLANS, {"page": 2}).content.decode()
    assert plan_links(second, three) == [False, False, True]
    assert 'href="?page=1">Previous</a>' in second and "Next" not in second
    assert "Page 2" in second
    # Beyond the end (her list shrank meanwhile): the list's empty message, a way back.
    third = client.get(PLANS, {"page": 3}).content.decode()
    assert plan_links(third, three) == [False, False, False] and "Nothing to do." in third
    assert 'href="?page=2">Previous</a>' in third
    # A page that is no number is the first.
    assert plan_links(client.get(PLANS, {"page": "x"}).content.decode(), three)[0]


def test_my_work_links_a_longer_list_to_it(sokha, three, monkeypatch) -> None:
    monkeypatch.setattr(views, "WORK_ROWS_ON_MY_WORK", 2)
    html = client_for(sokha).get(reverse("tasks:my_work")).content.decode()
    assert plan_links(html, three) == [True, True, False]
    assert f'<a href="{PLANS}">See all</a>' in html
    monkeypatch.setattr(views, "WORK_ROWS_ON_MY_WORK", 3)
    html = client_for(sokha).get(reverse("tasks:my_work")).content.decode()
    assert plan_links(html, three) == [True, True, True] and PLANS not in html


def test_it_names_only_the_women_she_may_see(outsider, three) -> None:
    html = client_for(outsider).get(PLANS).content.decode()
    assert plan_links(html, three) == [False, False, False] and "Nothing to do." in html


def test_a_list_that_is_not_hers_is_404(sokha, monitor, three) -> None:
    # A supervisor's list (plans to approve), a list nobody has, a page far beyond any list.
    for key in ("transition-approve", "no-such-list"):
        assert client_for(sokha).get(reverse("tasks:work_list", args=[key])).status_code == 404
    far = {"page": views.WORK_LIST_PAGES + 1}
    assert client_for(sokha).get(PLANS, far).status_code == 404
    # The monitor's snapshots are listed on her home page, and she reads no case.
    snapshots = reverse("tasks:work_list", args=["snapshots"])
    assert client_for(monitor).get(snapshots).status_code == 403


def test_who_may_open_it(client, researcher, sokha) -> None:
    assert client.get(PLANS).status_code == 302  # to sign in
    assert client_for(researcher).get(PLANS).status_code == 403
    assert client_for(sokha).post(PLANS).status_code == 405


def test_opening_it_is_audited_without_names(sokha, three) -> None:
    client_for(sokha).get(PLANS, {"page": 2})
    entry = AuditEntry.objects.filter(object_type="list").last()
    assert entry is not None and entry.actor == sokha
    assert entry.object_code == "work:transition-plans" and entry.fields == ["shown=1"]


def test_it_is_in_khmer(sokha, three) -> None:
    client = client_for(sokha)
    client.post(reverse("set_language"), {"language": "km"})
    html = client.get(PLANS).content.decode()
    assert "ទំព័រ 1" in html and 'lang="km"' in html


def test_a_page_takes_the_same_number_of_queries(sokha, siem_reap, three) -> None:
    def count() -> int:
        client = client_for(User.objects.get(pk=sokha.pk))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PLANS).status_code == 200
        return len(queries.captured_queries)

    few = count()
    for i in range(3):
        woman(sokha, siem_reap, born=URGENT_BORN, name_latin=f"More {i}", name_km="ខ")
    assert count() == few
