"""The standard access tests for every registry view."""

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases.models import Closure, Consent
from komar.conftest import client_for

# (url name, which record's code, methods the view accepts)
MOTHER_VIEWS = [
    ("casefile:mother_file", {"GET"}),
    ("cases:mother_edit", {"GET", "POST"}),
    ("cases:episode_edit", {"GET", "POST"}),
    ("cases:mother_admit", {"GET", "POST"}),
    ("cases:mother_transfer", {"GET", "POST"}),
    ("cases:mother_release", {"GET", "POST"}),
    ("cases:child_add", {"GET", "POST"}),
    ("cases:mother_birth", {"GET", "POST"}),
    ("cases:consent_add", {"GET", "POST"}),
    ("cases:referral_new", {"GET", "POST"}),
    ("cases:mother_assign", {"GET", "POST"}),
    ("cases:closure_new", {"GET", "POST"}),
    ("cases:mother_reopen", {"GET", "POST"}),
]
CHILD_VIEWS = [
    ("casefile:child_file", {"GET"}),
    ("cases:child_edit", {"GET", "POST"}),
    ("cases:child_move", {"GET", "POST"}),
]


@pytest.fixture
def consent(sophea, sokha):
    return Consent.objects.create(
        mother=sophea,
        purpose="case_management",
        method="signature",
        given_on="2026-01-10",
        recorded_by=sokha,
    )


def all_urls(sophea, consent):
    child = sophea.children.first()
    urls = [(name, reverse(name, args=[sophea.code]), methods) for name, methods in MOTHER_VIEWS]
    urls += [(name, reverse(name, args=[child.code]), methods) for name, methods in CHILD_VIEWS]
    urls.append(
        (
            "cases:consent_withdraw",
            reverse("cases:consent_withdraw", args=[consent.code]),
            {"GET", "POST"},
        )
    )
    closure = Closure.objects.create(
        mother=sophea, reason="settled", requested_by=consent.recorded_by
    )
    urls.append(
        (
            "cases:closure_detail",
            reverse("cases:closure_detail", args=[closure.code]),
            {"GET", "POST"},
        )
    )
    return urls


def test_anonymous_is_sent_to_login(client, sophea, consent) -> None:
    urls = [
        *all_urls(sophea, consent),
        ("list", reverse("cases:case_list"), {"GET"}),
        ("register", reverse("cases:mother_register"), {"GET"}),
        ("caseload", reverse("cases:caseload"), {"GET"}),
        ("closures", reverse("cases:closure_list"), {"GET"}),
        ("referrals", reverse("cases:referral_list"), {"GET"}),
    ]
    for _, url, _ in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_outsider_gets_404_for_every_record(outsider, sophea, consent) -> None:
    client = client_for(outsider)
    for _, url, methods in all_urls(sophea, consent):
        for method in methods:
            response = getattr(client, method.lower())(url)
            assert response.status_code == 404, (method, url)


def test_researcher_never_opens_personal_files(researcher, sophea, consent) -> None:
    # Same organisation, wrong role: refused before any record is looked up, so the answer is
    # the same whether or not the code exists.
    client = client_for(researcher)
    assert client.get(reverse("cases:case_list")).status_code == 403
    assert client.get(reverse("cases:mother_register")).status_code == 403
    for _, url, _ in all_urls(sophea, consent):
        assert client.get(url).status_code == 403, url
    missing = reverse("casefile:mother_file", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(missing).status_code == 403


def test_the_facility_monitor_opens_no_personal_file(monitor, sophea, consent) -> None:
    """She watches conditions and figures, never a woman's file: every registry view is a 403
    to her, on GET and on POST, before any record is looked up, and nothing changes.

    No read-only reader of personal files remains: every role that reads them may also write."""
    urls = all_urls(sophea, consent)
    closure = Closure.objects.get(mother=sophea)
    sophea.refresh_from_db()
    version = sophea.version
    client = client_for(monitor)
    entries = AuditEntry.objects.count()
    for url in (
        reverse("cases:case_list"),
        reverse("cases:mother_register"),
        reverse("cases:caseload"),
        reverse("cases:closure_list"),
        reverse("cases:referral_list"),
    ):
        assert client.get(url).status_code == 403, url
    for _, url, methods in urls:
        assert client.get(url).status_code == 403, url
        if "POST" in methods:
            assert client.post(url).status_code == 403, url
    missing = reverse("casefile:mother_file", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(missing).status_code == 403
    # Every write and every file or list opened leaves an audit entry: none was written.
    assert AuditEntry.objects.count() == entries
    sophea.refresh_from_db()
    assert sophea.version == version
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    closure.refresh_from_db()
    assert closure.status == Closure.Status.PENDING


def test_another_organisation_sees_her_file_only_while_she_consents(
    sokha, vicheka, sophea, legal_aid
) -> None:
    """A legal officer of another organisation in the same prison: no access until she
    consents to share with that organisation; none again from the moment she withdraws."""
    import datetime as dt

    from komar.cases.actions import do_record_consent, do_withdraw_consent

    client = client_for(vicheka)
    child = sophea.children.first()
    assert client.get(sophea.get_absolute_url()).status_code == 404
    assert client.get(child.get_absolute_url()).status_code == 404
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
    assert client.get(sophea.get_absolute_url()).status_code == 200
    assert client.get(child.get_absolute_url()).status_code == 200
    do_withdraw_consent(consent, on=dt.date(2026, 2, 2), note="", actor=sokha)
    assert client.get(sophea.get_absolute_url()).status_code == 404


def test_consent_to_share_with_one_organisation_opens_no_other(
    sokha, vicheka, outsider, sophea, other_ngo
) -> None:
    import datetime as dt

    from komar.cases.actions import do_record_consent

    do_record_consent(
        sophea,
        {
            "purpose": "sharing",
            "organisation": other_ngo,
            "method": "signature",
            "given_on": dt.date(2026, 2, 1),
        },
        actor=sokha,
    )
    assert client_for(outsider).get(sophea.get_absolute_url()).status_code == 200
    assert client_for(vicheka).get(sophea.get_absolute_url()).status_code == 404


def test_prison_department_staff_see_every_woman_held_in_their_facilities(
    prison_worker, sophea, outsider, battambang
) -> None:
    """Sophea is assigned to another organisation (the NGO): the prison department sees her
    because she is held in its facility, and not a woman held elsewhere."""
    from komar.conftest import register

    assert sophea.organisation != prison_worker.organisation
    assert client_for(prison_worker).get(sophea.get_absolute_url()).status_code == 200
    elsewhere = register(outsider, battambang, name_latin="Srey Mom", name_km="ស្រី មុំ")
    assert client_for(prison_worker).get(elsewhere.get_absolute_url()).status_code == 404


def test_the_organisation_still_sees_a_woman_transferred_elsewhere(
    sokha, outsider, sophea, battambang
) -> None:
    import datetime as dt

    from komar.cases.actions import do_transfer_mother

    do_transfer_mother(sophea, to_facility=battambang, on=dt.date(2026, 2, 1), actor=sokha)
    assert client_for(sokha).get(sophea.get_absolute_url()).status_code == 200
    # The other NGO works in Battambang, where she is now held: her file is still not its own.
    assert client_for(outsider).get(sophea.get_absolute_url()).status_code == 404


def test_wrong_methods_are_refused(sokha, sophea, consent) -> None:
    client = client_for(sokha)
    for _, url, methods in all_urls(sophea, consent):
        if "POST" not in methods:
            assert client.post(url).status_code == 405, url
        assert client.delete(url).status_code == 405, url
    assert client.put(reverse("cases:case_list")).status_code == 405


def test_unknown_code_is_404(sokha) -> None:
    client = client_for(sokha)
    url = reverse("casefile:mother_file", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


def test_case_list_shows_only_women_in_scope(sokha, outsider, sophea) -> None:
    assert sophea.name_latin in client_for(sokha).get(reverse("cases:case_list")).content.decode()
    assert (
        sophea.name_latin
        not in client_for(outsider).get(reverse("cases:case_list")).content.decode()
    )


def test_her_scope_follows_a_transfer_and_a_corrected_facility(
    prison_worker, outsider, siem_reap, battambang
):
    """The prison department's scope is the facility: it follows her from prison to prison."""
    import datetime as dt

    from komar.cases.access import mothers_for_user
    from komar.cases.actions import do_change_episode, do_transfer_mother
    from komar.conftest import register

    mother = register(outsider, battambang)
    assert not mothers_for_user(prison_worker).filter(pk=mother.pk).exists()
    do_transfer_mother(mother, to_facility=siem_reap, on=dt.date(2026, 3, 1), actor=outsider)
    assert mothers_for_user(prison_worker).filter(pk=mother.pk).exists()
    mother.refresh_from_db()
    episode = mother.latest_episode
    do_change_episode(
        episode, {"facility": battambang}, expected_version=episode.version, actor=outsider
    )
    mother.refresh_from_db()
    assert mother.facility == battambang
    assert not mothers_for_user(prison_worker).filter(pk=mother.pk).exists()
