from komar.audit.models import AuditEntry
from komar.conftest import client_for


def test_opening_the_file_is_audited(sokha, sophea) -> None:
    client_for(sokha).get(sophea.get_absolute_url(), REMOTE_ADDR="10.0.0.7")
    entry = AuditEntry.objects.get(action="view", object_type="cases.mother")
    assert entry.actor == sokha
    assert entry.mother == sophea
    assert entry.ip_address == "10.0.0.7"


def test_opening_a_childs_file_is_audited_on_the_mothers_file(sokha, sophea) -> None:
    child = sophea.children.first()
    client_for(sokha).get(child.get_absolute_url())
    entry = AuditEntry.objects.get(action="view", object_type="cases.child")
    assert entry.mother == sophea
    assert entry.object_code == str(child.code)


def test_a_supervisor_sees_who_has_seen_and_changed_the_file(sokha, dara, sophea) -> None:
    client_for(sokha).get(sophea.get_absolute_url())
    html = client_for(dara).get(sophea.get_absolute_url()).content.decode()
    assert "Who has seen and changed this file" in html
    assert "Sokha" in html
    assert "Viewed" in html
    assert "Created" in html


def test_a_social_worker_does_not_see_the_audit_trail(sokha, sophea) -> None:
    html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    assert "Who has seen and changed this file" not in html


def test_the_file_shows_children_placements_and_timeline(sokha, sophea) -> None:
    html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    assert "Sok Vichet" in html
    assert "15 Jan 2028" in html  # the stay limit of the child inside
    assert "Yim Sam" in html  # the grandmother caring for the child outside
    assert "Admitted to Siem Reap Provincial Prison" in html


def test_born_in_custody_is_marked_confidential(sokha, sophea) -> None:
    child = sophea.children.first()
    html = client_for(sokha).get(child.get_absolute_url()).content.decode()
    assert "Born in custody" in html


def test_the_file_reads_in_khmer(sokha, sophea) -> None:
    sokha.language = "km"
    sokha.save(update_fields=["language"])
    response = client_for(sokha).get(sophea.get_absolute_url())
    html = response.content.decode()
    assert '<html lang="km">' in html
    assert "<h1>ស្រី សុភា</h1>" in html  # her Khmer name leads in Khmer
    assert response.headers["Content-Language"] == "km"


def test_opening_an_edit_form_is_audited_as_a_view(sokha, sophea) -> None:
    from django.urls import reverse

    client_for(sokha).get(reverse("cases:mother_edit", args=[sophea.code]))
    assert AuditEntry.objects.filter(action="view", object_code=str(sophea.code)).count() == 1


def test_a_correction_of_the_facility_moves_the_children_inside_with_it(sokha, sophea, cc2) -> None:
    from komar.cases.actions import do_change_episode

    do_change_episode(sophea.latest_episode, {"facility": cc2}, expected_version=1, actor=sokha)
    child = sophea.children.get(name_latin="Sok Vichet")
    assert child.current_placement.facility == cc2
    assert sophea.episodes.count() == 1  # a correction, not a transfer


def test_a_childs_page_names_no_one_in_its_title_and_lists_decisions_once(sokha, sophea) -> None:
    # A title shows in tabs, history and bookmarks: it names no one (issue "Sharing that
    # follows her consent"); the heading does.
    child = sophea.children.get(name_latin="Sok Vichet")
    html = client_for(sokha).get(child.get_absolute_url()).content.decode()
    title = html[html.index("<title>") : html.index("</title>")]
    assert "<" not in title[len("<title>") :]
    assert child.display_name not in title and "A child's page" in title
    assert child.display_name in html[html.index("<h1") :]
    assert html.count('id="decisions"') == 1
    assert html.count('id="assessments"') == 1


def test_the_timeline_shows_counselling_assessments_and_determinations(sokha, dara, sophea) -> None:
    import datetime as dt

    from komar.assessments.tests.factories import assess, counsel, determine

    child = sophea.children.get(name_latin="Sok Vichet")
    counsel(child, sokha, held_on=dt.date(2026, 2, 1))
    assess(child, sokha, approve_by=dara, assessed_on=dt.date(2026, 2, 3))
    determine(child, sokha, review_on=dt.date(2026, 8, 1))
    html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    timeline = html[html.index('id="timeline"') :]
    assert "Counselling session: In custody" in timeline
    assert "Best-interests assessment of Sok Vichet: Approved" in timeline
    assert "Best-interests determination for Sok Vichet: With a named relative" in timeline


def test_the_audit_trail_names_every_audited_change_in_words(sokha, dara, sophea) -> None:
    import datetime as dt

    from komar.assessments.tests.factories import assess, counsel, determine
    from komar.counselling.actions import do_change_session

    child = sophea.children.get(name_latin="Sok Vichet")
    session = counsel(child, sokha)
    do_change_session(
        session,
        {"held_on": session.held_on, "stage": "in_custody", "review_on": session.review_on},
        factors=[],
        main_factor=None,
        decisions=[{"child": child, "decision": "relative", "decided_by": "mother"}],
        expected_version=1,
        actor=sokha,
    )
    assess(child, sokha)
    determine(child, sokha, review_on=dt.date(2026, 8, 1))
    response = client_for(dara).get(sophea.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "decisions for children" in html
    assert "panel members" in html
    assert "The child&#x27;s views (as age allows)" in html


def test_only_the_latest_sessions_review_can_be_overdue(sokha, sophea, time_machine) -> None:
    import datetime as dt

    from komar.assessments.tests.factories import counsel

    time_machine.move_to(dt.datetime(2026, 6, 1, 5, tzinfo=dt.UTC), tick=False)
    child = sophea.children.get(name_latin="Sok Vichet")
    counsel(child, sokha, held_on=dt.date(2026, 1, 20), review_on=dt.date(2026, 4, 20))
    counsel(child, sokha, held_on=dt.date(2026, 4, 18), review_on=dt.date(2026, 7, 18))
    html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    counselling = html[html.index('id="counselling"') : html.index('id="consent"')]
    assert "Overdue" not in counselling


def test_her_notes_are_shown_on_her_file(sokha, siem_reap) -> None:
    from komar.conftest import register

    mother = register(sokha, siem_reap, notes="Her sister visits on Sundays.\nAsk about the baby.")
    html = client_for(sokha).get(mother.get_absolute_url()).content.decode()
    assert "Her sister visits on Sundays.<br>Ask about the baby." in html
