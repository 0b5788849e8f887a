import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from komar.assessments.tests.factories import assess, counsel
from komar.conftest import client_for, register

URL = reverse("tasks:my_work")


def test_anonymous_is_sent_to_login(client) -> None:
    assert client.get(URL).status_code == 302


def test_a_researcher_has_no_casework(researcher) -> None:
    assert client_for(researcher).get(URL).status_code == 403


def test_wrong_method(sokha) -> None:
    assert client_for(sokha).post(URL).status_code == 405


@time_machine.travel(dt.datetime(2026, 6, 1, 5, tzinfo=dt.UTC), tick=False)
def test_it_lists_overdue_reviews_and_flags_with_their_rule(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    counsel(child, sokha, review_on=dt.date(2026, 5, 20))
    html = client_for(sokha).get(URL).content.decode()
    assert "Overdue" in html
    assert sophea.name_latin in html
    assert 'data-rule="review_overdue"' in html
    assert "UN Alternative Care Guidelines para. 67" in html


@time_machine.travel(dt.datetime(2026, 6, 1, 5, tzinfo=dt.UTC), tick=False)
def test_a_supervisor_sees_assessments_awaiting_her_approval(sokha, dara, sophea) -> None:
    from komar.assessments.actions import do_submit_assessment

    child = sophea.children.first()
    do_submit_assessment(assess(child, sokha), actor=sokha)
    assert child.display_name in client_for(dara).get(URL).content.decode()
    # The assessor does not approve her own.
    assert "Nothing awaits your approval." in client_for(sokha).get(URL).content.decode()


def test_an_outsider_sees_nothing_of_other_files(outsider, sokha, sophea) -> None:
    counsel(sophea.children.get(name_latin="Sok Vichet"), sokha, review_on=dt.date(2020, 1, 1))
    html = client_for(outsider).get(URL).content.decode()
    assert sophea.name_latin not in html


def test_the_number_of_queries_does_not_grow(
    sokha, siem_reap, django_assert_max_num_queries
) -> None:
    from komar.conftest import child_inside

    client = client_for(sokha)

    def load() -> None:
        assert client.get(URL).status_code == 200

    for _ in range(2):
        mother = register(sokha, siem_reap, children=[child_inside()])
        counsel(mother.children.get(), sokha, review_on=dt.date(2020, 1, 1))
    # With the referrals waiting, the audit row, the legal work (seven queries for a social
    # worker: test_my_work_legal.py counts them for every role) and each workflow's work lists
    # (health, transitions, monitoring: a fixed number each).
    with django_assert_max_num_queries(31) as before:
        load()
    for _ in range(6):
        mother = register(sokha, siem_reap, children=[child_inside()])
        counsel(mother.children.get(), sokha, review_on=dt.date(2020, 1, 1))
    with django_assert_max_num_queries(len(before.captured_queries)):
        load()


def test_the_rule_list_explains_every_rule(sokha) -> None:
    from komar.lib.rules import all_rules

    html = client_for(sokha).get(reverse("tasks:rule_list")).content.decode()
    for rule in all_rules():
        assert f'id="rule-{rule.code}"' in html


def test_the_file_shows_a_flag_with_its_explanation(sokha, sophea) -> None:
    html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    assert 'data-rule="no_counselling"' in html
    assert "Bangkok Rules 2(2) and 49" in html
    assert "Decisions on record" in html


@time_machine.travel(dt.datetime(2026, 6, 1, 5, tzinfo=dt.UTC), tick=False)
def test_it_counts_flags_by_rule_and_shows_only_the_most_urgent(sokha, siem_reap, settings) -> None:
    from komar.cases import actions
    from komar.conftest import child_inside
    from komar.tasks import views

    for _ in range(views.FLAGS_ON_MY_WORK + 2):
        mother = register(sokha, siem_reap, children=[child_inside()])
        # Sentenced: the legal workflow's flags about pre-trial detention (more urgent) stay out.
        episode = mother.latest_episode
        actions.do_change_episode(
            episode, {"legal_status": "sentenced"}, expected_version=episode.version, actor=sokha
        )
    from komar.cases.models import Finding

    html = client_for(sokha).get(URL).content.decode()
    # Her children raise other flags too (the health rules: no admission check, doses overdue):
    # only the most urgent of all are shown, each rule counted in full.
    total = Finding.objects.filter(resolved_at__isnull=True).count()
    assert total > views.FLAGS_ON_MY_WORK + 2
    assert html.count('<details class="finding') == views.FLAGS_ON_MY_WORK
    count_link = reverse("tasks:flag_list", args=["no_counselling"])
    assert f'href="{count_link}">{views.FLAGS_ON_MY_WORK + 2} children</a>' in html
    assert f"The {views.FLAGS_ON_MY_WORK} most urgent of {total}" in html


@time_machine.travel(dt.datetime(2026, 6, 1, 5, tzinfo=dt.UTC), tick=False)
def test_the_most_urgent_flags_are_read_from_the_rules_that_hold_them(
    sokha, outsider, siem_reap
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from komar.conftest import child_inside
    from komar.tasks import queries

    for _ in range(3):
        register(sokha, siem_reap, children=[child_inside()])
    counts = queries.count_by_rule(sokha)
    assert len(counts) > 2
    every = [row[0] for row in queries.findings_for_user(sokha)]
    first = counts[0].count
    for count in (1, first, first + 1, len(every) - 1, len(every), len(every) + 5):
        assert queries.most_urgent(sokha, counts, count) == every[:count]
    # As many as the first rule holds: only that rule's flags are read.
    with CaptureQueriesContext(connection) as captured:
        queries.most_urgent(sokha, counts, first)
    (sql,) = [q["sql"] for q in captured.captured_queries]
    assert f"'{counts[0].rule.code}'" in sql
    assert not any(f"'{row.rule.code}'" in sql for row in counts[1:])
    # No flag: nothing to read.
    none = queries.count_by_rule(outsider)
    with CaptureQueriesContext(connection) as captured:
        assert queries.most_urgent(outsider, none, 20) == []
    assert captured.captured_queries == []


class TestFlagList:
    url = reverse("tasks:flag_list", args=["no_counselling"])

    def test_anonymous_is_sent_to_login(self, client) -> None:
        assert client.get(self.url).status_code == 302

    def test_a_researcher_has_no_casework(self, researcher) -> None:
        assert client_for(researcher).get(self.url).status_code == 403

    def test_wrong_method(self, sokha) -> None:
        assert client_for(sokha).post(self.url).status_code == 405

    def test_an_unknown_rule_is_404(self, sokha) -> None:
        url = reverse("tasks:flag_list", args=["no_such_rule"])
        assert client_for(sokha).get(url).status_code == 404

    def test_it_lists_only_that_rules_flags_in_scope(self, sokha, outsider, sophea) -> None:
        html = client_for(sokha).get(self.url).content.decode()
        assert html.count('data-rule="no_counselling"') == 1
        assert sophea.display_name in html
        assert 'data-rule="review_overdue"' not in html
        assert sophea.display_name not in client_for(outsider).get(self.url).content.decode()

    def test_it_pages_with_a_fixed_number_of_queries(
        self, sokha, siem_reap, settings, django_assert_max_num_queries
    ) -> None:
        from komar.conftest import child_inside

        settings.KOMAR_CASES_PER_PAGE = 3
        client = client_for(sokha)
        for _ in range(4):
            register(sokha, siem_reap, children=[child_inside()])
        with django_assert_max_num_queries(20) as before:
            html = client.get(self.url).content.decode()
        assert html.count('data-rule="no_counselling"') == 3
        assert "Page 1 of 2" in html
        for _ in range(4):
            register(sokha, siem_reap, children=[child_inside()])
        with django_assert_max_num_queries(len(before.captured_queries)):
            html = client.get(self.url + "?page=3").content.decode()
        assert html.count('data-rule="no_counselling"') == 2


def test_it_flags_a_child_whose_whereabouts_are_unknown(sokha, sophea) -> None:
    from komar.cases.actions import do_move_child

    outside = sophea.children.get(name_latin="Sok Dara")
    do_move_child(outside, {"kind": "unknown", "start_date": dt.date(2026, 5, 1)}, actor=sokha)
    html = client_for(sokha).get(URL).content.decode()
    assert 'data-rule="whereabouts_unknown"' in html
    assert "Bangkok Rule 3(1) and Nelson Mandela Rule 7(f)" in html


def test_a_flag_on_the_case_list_links_to_its_rule(sokha, siem_reap) -> None:
    from komar.conftest import child_inside

    register(sokha, siem_reap, children=[child_inside(born=dt.date(2020, 1, 1))])
    html = client_for(sokha).get(reverse("cases:case_list")).content.decode()
    rules = reverse("tasks:rule_list")
    assert f'data-flag="over_limit" href="{rules}#rule-over_limit"' in html
    assert 'id="rule-over_limit"' in client_for(sokha).get(rules).content.decode()


@time_machine.travel(dt.datetime(2026, 6, 1, 5, tzinfo=dt.UTC), tick=False)
def test_it_lists_a_determination_whose_review_is_due(sokha, outsider, sophea) -> None:
    from komar.assessments.tests.factories import determine

    child = sophea.children.get(name_latin="Sok Vichet")
    determination = determine(child, sokha, review_on=dt.date(2026, 6, 10))
    link = reverse("assessments:determination_detail", args=[determination.code])
    html = client_for(sokha).get(URL).content.decode()
    assert "Determinations to review" in html
    assert f'href="{link}"' in html
    assert link not in client_for(outsider).get(URL).content.decode()


@time_machine.travel(dt.datetime(2026, 6, 1, 5, tzinfo=dt.UTC), tick=False)
def test_a_later_determination_replaces_the_earlier_review(sokha, sophea) -> None:
    from komar.assessments.actions import do_record_determination
    from komar.assessments.tests.factories import determine

    child = sophea.children.get(name_latin="Sok Vichet")
    determine(child, sokha, review_on=dt.date(2026, 5, 1))
    do_record_determination(
        child,
        {
            "held_on": dt.date(2026, 5, 20),
            "decision": "with_mother",
            "decision_reasons": "Reviewed: the grandmother fell ill.",
            "review_on": dt.date(2026, 8, 20),
        },
        assessment=None,
        reasons=["over_limit"],
        members=[("A", "social worker"), ("B", "supervisor"), ("C", "DoSVY officer")],
        actor=sokha,
    )
    assert "Determinations to review" not in client_for(sokha).get(URL).content.decode()


@time_machine.travel(dt.datetime(2026, 6, 1, 5, tzinfo=dt.UTC), tick=False)
def test_two_sessions_on_one_day_give_one_review(sokha, sophea) -> None:
    child = sophea.children.get(name_latin="Sok Vichet")
    counsel(child, sokha, held_on=dt.date(2026, 2, 1), review_on=dt.date(2026, 5, 1))
    counsel(child, sokha, held_on=dt.date(2026, 2, 1), review_on=dt.date(2026, 5, 2))
    html = client_for(sokha).get(URL).content.decode()
    reviews = html[html.index('id="reviews"') : html.index('id="approvals"')]
    assert reviews.count(sophea.display_name) == 1
    assert "2 May 2026" in reviews


def test_returned_assessments_outside_her_scope_are_not_listed(
    sokha, vicheka, legal_aid, siem_reap, battambang, sophea
) -> None:
    from komar.accounts.models import Role
    from komar.assessments.actions import do_return_assessment, do_submit_assessment
    from komar.cases.actions import do_record_consent, do_transfer_mother, do_withdraw_consent
    from komar.conftest import make_user

    supervisor = make_user("lasup", legal_aid, Role.SUPERVISOR, [siem_reap])
    consent = do_record_consent(
        sophea,
        {
            "purpose": "sharing",
            "organisation": legal_aid,
            "method": "signature",
            "given_on": dt.date(2026, 2, 1),
        },
        actor=sokha,
    )
    child = sophea.children.get(name_latin="Sok Vichet")
    assessment = do_submit_assessment(assess(child, vicheka), actor=vicheka)
    do_return_assessment(assessment, comments="Add the health record.", actor=supervisor)
    assert child.display_name in client_for(vicheka).get(URL).content.decode()
    # She withdraws her consent to share with the legal-aid provider: out of its scope.
    do_transfer_mother(sophea, to_facility=battambang, on=dt.date(2026, 3, 10), actor=sokha)
    do_withdraw_consent(consent, on=dt.date(2026, 3, 11), note="", actor=sokha)
    assert client_for(vicheka).get(sophea.get_absolute_url()).status_code == 404
    assert child.display_name not in client_for(vicheka).get(URL).content.decode()


def test_an_assessment_she_submitted_does_not_await_her_approval(sokha, dara, sophea) -> None:
    from komar.assessments.actions import do_submit_assessment

    child = sophea.children.get(name_latin="Sok Vichet")
    do_submit_assessment(assess(child, sokha), actor=dara)
    assert "Nothing awaits your approval." in client_for(dara).get(URL).content.decode()


class TestReviewList:
    URL = reverse("tasks:review_list")

    def test_anonymous_is_sent_to_login(self, client) -> None:
        assert client.get(self.URL).status_code == 302

    def test_a_researcher_has_no_casework(self, researcher) -> None:
        assert client_for(researcher).get(self.URL).status_code == 403

    def test_wrong_method(self, sokha) -> None:
        assert client_for(sokha).post(self.URL).status_code == 405

    def test_my_work_shows_the_most_overdue_and_links_to_all(
        self, sokha, outsider, siem_reap, battambang, settings
    ) -> None:
        from komar.assessments.tests.factories import counsel
        from komar.conftest import child_inside
        from komar.tasks import views

        for day in range(views.REVIEWS_ON_MY_WORK + 3):
            mother = register(sokha, siem_reap, children=[child_inside()])
            counsel(mother.children.get(), sokha, review_on=dt.date(2020, 1, 1 + day))
        hidden = register(outsider, battambang, children=[child_inside()])
        counsel(hidden.children.get(), outsider, review_on=dt.date(2019, 1, 1))
        html = client_for(sokha).get(URL).content.decode()
        assert html.count("Overdue") >= views.REVIEWS_ON_MY_WORK
        assert f'href="{self.URL}"' in html
        settings.KOMAR_CASES_PER_PAGE = 10
        page = client_for(sokha).get(self.URL).context["page"]
        assert page.paginator.count == views.REVIEWS_ON_MY_WORK + 3  # not the outsider's
        assert page.object_list[0].review_on == dt.date(2020, 1, 1)


LISTS = [
    reverse("tasks:approval_list"),
    reverse("tasks:returned_list"),
    reverse("tasks:determination_review_list"),
]


@pytest.mark.parametrize("url", LISTS)
class TestTheFullListsBehindMyWork:
    def test_anonymous_is_sent_to_login(self, client, url) -> None:
        assert client.get(url).status_code == 302

    def test_a_researcher_has_no_casework(self, researcher, url) -> None:
        assert client_for(researcher).get(url).status_code == 403

    def test_wrong_method(self, sokha, url) -> None:
        assert client_for(sokha).post(url).status_code == 405


def _submitted(n: int, author, siem_reap) -> list:
    from komar.assessments.actions import do_submit_assessment
    from komar.conftest import child_inside

    assessments = []
    for _ in range(n):
        child = register(author, siem_reap, children=[child_inside()]).children.get()
        assessments.append(do_submit_assessment(assess(child, author), actor=author))
    return assessments


def test_my_work_shows_the_first_assessments_to_approve_and_links_to_all(
    sokha, dara, outsider, siem_reap, battambang, monkeypatch, settings
) -> None:
    from komar.tasks import views

    monkeypatch.setattr(views, "ROWS_ON_MY_WORK", 2)
    first, second, third = _submitted(3, sokha, siem_reap)
    _submitted(1, outsider, battambang)
    html = client_for(dara).get(URL).content.decode()
    approvals = html[html.index('id="approvals"') : html.index('id="flags"')]
    assert first.get_absolute_url() in approvals
    assert second.get_absolute_url() in approvals
    assert third.get_absolute_url() not in approvals
    assert f'href="{reverse("tasks:approval_list")}"' in approvals
    assert "The 2 waiting longest." in approvals
    settings.KOMAR_CASES_PER_PAGE = 2
    client = client_for(dara)
    page = client.get(reverse("tasks:approval_list")).context["page"]
    assert page.paginator.count == 3  # not the outsider's
    assert list(page.object_list) == [first, second]
    html = client.get(reverse("tasks:approval_list"), {"page": 2}).content.decode()
    assert third.get_absolute_url() in html
    assert "Page 2 of 2" in html


def test_my_work_links_to_the_full_lists_only_when_they_are_longer(
    sokha, dara, siem_reap, monkeypatch
) -> None:
    from komar.tasks import views

    monkeypatch.setattr(views, "ROWS_ON_MY_WORK", 2)
    _submitted(2, sokha, siem_reap)
    html = client_for(dara).get(URL).content.decode()
    assert reverse("tasks:approval_list") not in html
    assert reverse("tasks:returned_list") not in html
    assert reverse("tasks:determination_review_list") not in html


def test_my_work_shows_the_most_recently_returned_and_links_to_all(
    sokha, dara, siem_reap, monkeypatch
) -> None:
    from komar.assessments.actions import do_return_assessment
    from komar.tasks import views

    monkeypatch.setattr(views, "ROWS_ON_MY_WORK", 2)
    returned = [
        do_return_assessment(a, comments="Add the health record.", actor=dara)
        for a in _submitted(3, sokha, siem_reap)
    ]
    html = client_for(sokha).get(URL).content.decode()
    assert returned[2].get_absolute_url() in html
    assert returned[1].get_absolute_url() in html
    assert returned[0].get_absolute_url() not in html
    assert f'href="{reverse("tasks:returned_list")}"' in html
    page = client_for(sokha).get(reverse("tasks:returned_list")).context["page"]
    assert [a.pk for a in page.object_list] == [a.pk for a in reversed(returned)]


@time_machine.travel(dt.datetime(2026, 6, 1, 5, tzinfo=dt.UTC), tick=False)
def test_my_work_shows_the_most_overdue_determinations_and_links_to_all(
    sokha, outsider, siem_reap, battambang, monkeypatch
) -> None:
    from komar.assessments.tests.factories import determine
    from komar.conftest import child_inside
    from komar.tasks import views

    monkeypatch.setattr(views, "ROWS_ON_MY_WORK", 2)
    due = [
        determine(
            register(sokha, siem_reap, children=[child_inside()]).children.get(),
            sokha,
            review_on=dt.date(2026, 5, day),
        )
        for day in (3, 1, 2)
    ]
    hidden = register(outsider, battambang, children=[child_inside()]).children.get()
    determine(hidden, outsider, review_on=dt.date(2026, 4, 1))
    html = client_for(sokha).get(URL).content.decode()
    link = reverse("assessments:determination_detail", args=[due[0].code])
    assert link not in html  # the least overdue of three
    assert f'href="{reverse("tasks:determination_review_list")}"' in html
    page = client_for(sokha).get(reverse("tasks:determination_review_list")).context["page"]
    assert [d.pk for d in page.object_list] == [due[1].pk, due[2].pk, due[0].pk]


@pytest.mark.parametrize("url", LISTS)
def test_the_full_lists_page_with_a_fixed_number_of_queries(
    url, sokha, dara, siem_reap, settings, django_assert_max_num_queries
) -> None:
    settings.KOMAR_CASES_PER_PAGE = 3
    client = client_for(dara)
    _submitted(2, sokha, siem_reap)
    with django_assert_max_num_queries(12) as before:
        assert client.get(url).status_code == 200
    _submitted(5, sokha, siem_reap)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url, {"page": 2}).status_code == 200


def test_referrals_waiting_for_her_organisation_are_on_my_work_and_the_visit_is_audited(
    dara, vicheka, sophea, legal_aid
) -> None:
    from komar.audit.models import AuditEntry
    from komar.cases.actions import do_refer

    assert "referral waits" not in client_for(vicheka).get(URL).content.decode()
    do_refer(
        sophea,
        to_organisation=legal_aid,
        service="legal_aid",
        reason="Needs a lawyer.",
        override_reason="Urgent.",
        actor=dara,
    )
    html = client_for(vicheka).get(URL).content.decode()
    assert "1 referral waits for your organisation's answer." in html
    assert reverse("cases:referral_list") in html
    entry = AuditEntry.objects.filter(object_type="list", object_code="my_work").last()
    assert entry is not None and entry.actor == vicheka and entry.fields[0].startswith("shown=")


def test_a_flag_about_a_woman_is_counted_in_women(sokha, siem_reap) -> None:
    """The legal workflow's flags are about the woman herself: counted as women, not children."""
    from komar.conftest import child_inside

    register(sokha, siem_reap, children=[child_inside()])  # pre-trial, no lawyer recorded
    html = client_for(sokha).get(URL).content.decode()
    link = reverse("tasks:flag_list", args=["screening_overdue"])
    assert f'href="{link}">1 woman</a>' in html
    flag_page = client_for(sokha).get(link).content.decode()
    assert '<p class="count">1 woman</p>' in flag_page
