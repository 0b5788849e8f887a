"""The legal work on "My work" (komar/legal/queries.py, composed by tasks/views.py): hearings of
the next two weeks, women to screen, court reports to finish or to review, applications waiting
for the court; first for a legal officer, for others only when their files hold some."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from komar.accounts.models import Organisation, Role, User
from komar.cases.actions import do_transfer_mother
from komar.cases.findings import refresh_for
from komar.cases.models import Mother
from komar.conftest import child_inside, client_for, make_user, register
from komar.facilities.models import Facility
from komar.legal import report_actions
from komar.legal.models import Application, CourtReport
from komar.legal.tests.test_work import (
    LISTS,
    TODAY,
    _work_for,
    application,
    decide,
    hearing,
    screen,
    woman,
)

MY_WORK = reverse("tasks:my_work")


@pytest.fixture
def reviewer(legal_aid: Organisation, siem_reap: Facility) -> User:
    """A supervisor of the legal-aid provider: she reviews its court reports."""
    return make_user("sopheap", legal_aid, Role.SUPERVISOR, [siem_reap])


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC), tick=False)


def section(html: str, part: str) -> str:
    """One list of the legal work on "My work" (`legal-hearings`, ...)."""
    start = html.index(f'id="legal-{part}"')
    ends = [html.find(tag, start + 1) for tag in ('<div id="legal-', "</section>")]
    return html[start : min(end for end in ends if end > 0)]


def my_work(user: User) -> str:
    response = client_for(user).get(MY_WORK)
    assert response.status_code == 200
    return response.content.decode()


# Hearings.


def test_hearings_of_the_next_two_weeks_are_listed_soonest_first(
    vicheka, sokha, siem_reap, legal_aid, shares_with_legal_aid, sophea
) -> None:
    later = woman(sokha, siem_reap, "Chan Dara")
    hearing(sophea, vicheka, dt.date(2026, 2, 10), next_on=dt.date(2026, 3, 10))
    hearing(later, sokha, dt.date(2026, 2, 10), next_on=dt.date(2026, 3, 4))
    html = section(my_work(sokha), "hearings")
    assert html.index("Chan Dara") < html.index(sophea.name_latin)
    assert "(2)" in html
    assert "Next hearing" in html
    assert '<time datetime="2026-03-04">' in html and '<time datetime="2026-03-10">' in html
    assert "Siem Reap Provincial Court of First Instance" in html


def test_a_hearing_beyond_two_weeks_is_not_listed(sokha, sophea) -> None:
    hearing(sophea, sokha, dt.date(2026, 2, 10), next_on=TODAY + dt.timedelta(days=15))
    assert "No hearing in the next two weeks." in section(my_work(sokha), "hearings")


def test_the_last_day_of_the_window_and_today_are_listed(sokha, siem_reap, sophea) -> None:
    hearing(sophea, sokha, dt.date(2026, 2, 10), next_on=TODAY + dt.timedelta(days=14))
    other = woman(sokha, siem_reap, "Chan Dara")
    hearing(other, sokha, TODAY)  # held this morning
    html = section(my_work(sokha), "hearings")
    assert sophea.name_latin in html
    assert "Today" in html and "Chan Dara" in html


def test_a_date_set_then_moved_by_a_later_hearing_is_listed_once(sokha, sophea) -> None:
    hearing(sophea, sokha, dt.date(2026, 1, 20), next_on=dt.date(2026, 3, 5))
    # The court sat earlier than it said and set another date, beyond the window.
    hearing(sophea, sokha, dt.date(2026, 2, 20), next_on=dt.date(2026, 4, 20))
    assert "No hearing in the next two weeks." in section(my_work(sokha), "hearings")
    hearing(sophea, sokha, dt.date(2026, 2, 25), next_on=dt.date(2026, 3, 6))
    html = section(my_work(sokha), "hearings")
    assert html.count(sophea.name_latin) == 1
    assert "6 Mar 2026" in html and "5 Mar 2026" not in html


def test_a_closed_case_has_no_hearing_listed(sokha, sophea) -> None:
    hearing(sophea, sokha, dt.date(2026, 2, 10), next_on=dt.date(2026, 3, 10))
    Mother.objects.filter(pk=sophea.pk).update(is_closed=True)
    # The hearings ask her row; the women to screen are counted from the stored deadlines,
    # which the closing action's refresh drops (as here).
    refresh_for(Mother.objects.get(pk=sophea.pk))
    assert 'id="legal"' not in my_work(sokha)  # nothing else of legal work either


# Women to screen.


def test_a_woman_to_screen_is_listed_until_she_is_screened(
    vicheka, shares_with_legal_aid, sophea
) -> None:
    html = section(my_work(vicheka), "to-screen")
    assert sophea.name_latin in html
    assert "Pre-trial detention" in html and "held since 10 Jan 2026" in html
    screen(sophea, vicheka, dt.date(2026, 2, 1))
    assert "Nobody waits for a screening." in section(my_work(vicheka), "to-screen")


def test_a_screening_before_a_transfer_still_counts(
    vicheka, sokha, cc2, shares_with_legal_aid, sophea
) -> None:
    screen(sophea, vicheka, dt.date(2026, 2, 1))
    do_transfer_mother(sophea, to_facility=cc2, on=dt.date(2026, 2, 15), actor=sokha)
    sophea.refresh_from_db()
    assert sophea.facility == cc2
    assert "Nobody waits for a screening." in section(my_work(vicheka), "to-screen")
    assert 'id="legal"' not in my_work(sokha)


def test_a_screening_of_an_earlier_custody_does_not_count(vicheka, sokha, siem_reap) -> None:
    from komar.cases.actions import do_admit_mother, do_release_mother

    mother = woman(sokha, siem_reap, "Chan Dara", admission_date=dt.date(2025, 6, 1))
    screen(mother, sokha, dt.date(2025, 6, 5))
    do_release_mother(mother, on=dt.date(2025, 9, 1), release_kind="bail", actor=sokha)
    do_admit_mother(
        mother,
        {"facility": siem_reap, "admission_date": dt.date(2026, 2, 1), "legal_status": "pre_trial"},
        actor=sokha,
    )
    assert "Chan Dara" in section(my_work(sokha), "to-screen")


def test_the_women_to_screen_come_the_longest_in_custody_first_on_both_pages(
    sokha, siem_reap, cc2
) -> None:
    from komar.legal import queries

    early = register(sokha, siem_reap, name_latin="Early", children=[child_inside()])
    later = register(
        sokha,
        siem_reap,
        name_latin="Later",
        admission_date=dt.date(2026, 1, 20),
        children=[child_inside(since=dt.date(2026, 1, 20))],
    )
    # A transfer does not start her custody again: she is still the longest held.
    do_transfer_mother(early, to_facility=cc2, on=dt.date(2026, 2, 15), actor=sokha)
    assert Mother.objects.get(pk=early.pk).admitted_on == dt.date(2026, 2, 15)
    today = dt.date(2026, 3, 2)
    assert list(queries.women_to_screen(sokha, today)) == [early, later]
    assert queries.first_women_to_screen(sokha, today, 1) == ([early], 2)
    assert queries.first_women_to_screen(sokha, today, 5) == ([early, later], 2)
    html = section(my_work(sokha), "to-screen")
    assert html.index("Early") < html.index("Later") and "(2)" in html


def test_women_not_to_screen_are_not_listed(sokha, siem_reap) -> None:
    register(sokha, siem_reap, name_latin="Sok Sentenced", children=[child_inside()])
    sentenced = Mother.objects.get(name_latin="Sok Sentenced")
    Mother.objects.filter(pk=sentenced.pk).update(legal_status="sentenced")
    refresh_for(Mother.objects.get(pk=sentenced.pk))  # as the action changing it does
    register(sokha, siem_reap, name_latin="Keo Alone", children=[])
    assert 'id="legal"' not in my_work(sokha)  # nobody to screen, nothing else


def test_nobody_sees_women_to_screen_outside_her_scope(vicheka, outsider, sophea) -> None:
    assert sophea.name_latin not in my_work(vicheka)  # not shared with legal aid
    assert sophea.name_latin not in my_work(outsider)


# Court reports.


def test_her_draft_is_to_finish_a_submitted_one_to_review_a_returned_one_first(
    vicheka, reviewer, dara, sokha, siem_reap, shares_with_legal_aid, sophea
) -> None:
    other = woman(sokha, siem_reap, "Chan Dara")
    from komar.cases.actions import do_record_consent

    do_record_consent(
        other,
        {
            "purpose": "sharing",
            "organisation": vicheka.organisation,
            "method": "signature",
            "given_on": dt.date(2026, 1, 12),
        },
        actor=sokha,
    )
    first = report_actions.do_start_report(sophea, actor=vicheka)
    second = report_actions.do_start_report(other, actor=vicheka)
    html = section(my_work(vicheka), "reports")
    assert first.get_absolute_url() in html and second.get_absolute_url() in html
    assert "Returned to you" not in html

    report_actions.do_submit_report(first, actor=vicheka)
    html = section(my_work(vicheka), "reports")
    assert first.get_absolute_url() not in html
    review = section(my_work(reviewer), "reports")
    assert "Court reports to review" in review and first.get_absolute_url() in review
    assert "by Vicheka" in review
    # Not a supervisor of the author's organisation, and never the author herself.
    assert first.get_absolute_url() not in my_work(dara)
    assert "Court reports to review" not in section(my_work(vicheka), "reports")

    report_actions.do_return_report(first, note="Add the grandmother's situation.", actor=reviewer)
    html = section(my_work(vicheka), "reports")
    assert html.index(first.get_absolute_url()) < html.index(second.get_absolute_url())
    assert html.count("Returned to you") == 1
    assert first.get_absolute_url() not in section(my_work(reviewer), "reports")


def test_a_final_report_is_not_to_finish(vicheka, reviewer, shares_with_legal_aid, sophea) -> None:
    draft = report_actions.do_start_report(sophea, actor=vicheka)
    report_actions.do_submit_report(draft, actor=vicheka)
    report_actions.do_approve_report(draft, actor=reviewer)
    assert CourtReport.objects.get(pk=draft.pk).status == CourtReport.Status.FINAL
    assert "No court report of yours is in draft." in section(my_work(vicheka), "reports")
    assert draft.get_absolute_url() not in my_work(reviewer)


# Applications.


def test_applications_wait_until_the_court_decides(sokha, siem_reap, sophea) -> None:
    waiting = application(sophea, sokha, dt.date(2026, 2, 1))
    other = woman(sokha, siem_reap, "Chan Dara")
    older = application(other, sokha, dt.date(2026, 1, 20), Application.Kind.RELEASE)
    html = section(my_work(sokha), "applications")
    assert html.index("Chan Dara") < html.index(sophea.name_latin)
    assert "Release (bail)" in html and "filed 1 Feb 2026" in html
    decide(older, sokha, Application.Outcome.REFUSED, dt.date(2026, 2, 20))
    html = section(my_work(sokha), "applications")
    assert "Chan Dara" not in html and sophea.name_latin in html
    decide(waiting, sokha, Application.Outcome.REFUSED, dt.date(2026, 2, 25))
    assert "No application waits for a decision." in section(my_work(sokha), "applications")


def test_an_outsider_sees_no_legal_work_of_other_files(outsider, sokha, sophea) -> None:
    application(sophea, sokha, dt.date(2026, 2, 1))
    hearing(sophea, sokha, dt.date(2026, 2, 10), next_on=dt.date(2026, 3, 10))
    html = my_work(outsider)
    assert 'id="legal"' not in html
    assert sophea.name_latin not in html


# Where the legal work is shown.


def test_a_legal_officer_sees_her_legal_work_first_even_when_empty(vicheka) -> None:
    html = my_work(vicheka)
    assert html.index('id="legal"') < html.index('id="reviews"')
    assert "No hearing in the next two weeks." in html
    assert "Nobody waits for a screening." in html


def test_others_see_it_after_their_reviews_only_when_there_is_some(sokha, outsider, sophea) -> None:
    html = my_work(sokha)  # Sophea is to screen
    assert html.index('id="reviews"') < html.index('id="legal"') < html.index('id="flags"')
    assert 'id="legal"' not in my_work(outsider)


def test_supervisors_get_a_link_to_the_facility_pages(
    dara, admin_user, sokha, vicheka, sophea
) -> None:
    link = reverse("legal:facility_choice")
    assert link in my_work(dara)
    assert link in my_work(admin_user)
    assert link not in my_work(sokha)
    assert link not in my_work(vicheka)


def test_a_facility_monitor_has_no_my_work_but_opens_the_facility_pages(monitor, sophea):
    """Her "My work" would list women by name: a facility monitor, who opens no file, gets a
    403 there (her home is her monitoring); the facility's legal page is counts only: hers."""
    client = client_for(monitor)
    response = client.get(MY_WORK)
    assert response.status_code == 403
    assert sophea.name_latin not in response.content.decode()
    assert client.get(reverse("legal:facility_choice")).status_code == 302


# Capped lists and the full lists behind them.


def test_my_work_shows_the_first_rows_with_the_count_and_links_to_all(
    sokha, siem_reap, monkeypatch, settings
) -> None:
    from komar.tasks import views

    monkeypatch.setattr(views, "LEGAL_ROWS_ON_MY_WORK", 2)
    women = [woman(sokha, siem_reap, f"Chan {name}") for name in ("Dara", "Kanha", "Nary")]
    for day, mother in enumerate(women, start=1):
        application(mother, sokha, dt.date(2026, 2, day))
        hearing(mother, sokha, dt.date(2026, 2, 10), next_on=dt.date(2026, 3, 2 + day))
    html = section(my_work(sokha), "applications")
    assert "Chan Dara" in html and "Chan Kanha" in html and "Chan Nary" not in html
    assert "(3)" in html and "The 2 waiting longest of 3." in html
    assert f'href="{LISTS["applications"]}"' in html
    hearings = section(my_work(sokha), "hearings")
    assert "The 2 soonest of 3." in hearings and f'href="{LISTS["hearings"]}"' in hearings
    screening = section(my_work(sokha), "to-screen")
    assert "(3)" in screening and f'href="{LISTS["to_screen"]}"' in screening

    settings.KOMAR_CASES_PER_PAGE = 2
    client = client_for(sokha)
    page = client.get(LISTS["applications"]).context["page"]
    assert page.paginator.count == 3
    assert [a.legal_case.mother.name_latin for a in page.object_list] == ["Chan Dara", "Chan Kanha"]
    html = client.get(LISTS["applications"], {"page": 2}).content.decode()
    assert "Chan Nary" in html and "Page 2 of 2" in html


def test_my_work_links_to_the_full_lists_only_when_they_are_longer(sokha, sophea) -> None:
    application(sophea, sokha, dt.date(2026, 2, 1))
    html = my_work(sokha)
    for url in LISTS.values():
        assert f'href="{url}"' not in html


# Fixed query counts.


def test_my_work_queries_do_not_grow_with_the_legal_work(
    vicheka, sokha, reviewer, siem_reap, monkeypatch, django_assert_max_num_queries
) -> None:
    from komar.tasks import views

    monkeypatch.setattr(views, "LEGAL_ROWS_ON_MY_WORK", 3)
    clients = {user.username: client_for(user) for user in (vicheka, reviewer)}
    _work_for(2, vicheka, sokha, reviewer, siem_reap)
    counts = {}
    for name, client in clients.items():
        # The other workflows' lists (health, transitions, monitoring) add a fixed few.
        with django_assert_max_num_queries(40) as before:
            assert client.get(MY_WORK).status_code == 200
        counts[name] = len(before.captured_queries)
    _work_for(6, vicheka, sokha, reviewer, siem_reap)  # past the cap: each list is counted
    for name, client in clients.items():
        assert "The 3 " in client.get(MY_WORK).content.decode()
        # A list longer than the cap adds its count: five lists at most.
        with django_assert_max_num_queries(counts[name] + 5):
            assert client.get(MY_WORK).status_code == 200
        counts[name] += 5
    _work_for(4, vicheka, sokha, reviewer, siem_reap)
    for name, client in clients.items():
        with django_assert_max_num_queries(counts[name]):
            assert client.get(MY_WORK).status_code == 200
