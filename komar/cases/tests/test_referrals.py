"""Referral to another organisation (Primero's model): with her consent, or a supervisor's
override with a reason; the receiving organisation accepts (and then sees her file) or
declines with a reason. Every step is audited."""

import datetime as dt

import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases import actions
from komar.cases.models import Referral
from komar.conftest import client_for


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 3, tzinfo=dt.UTC), tick=False)


def refer(client, mother, organisation, **extra):
    data = {
        "to_organisation": organisation.pk,
        "service": "legal_aid",
        "reason": "Pre-trial for 6 months; she asks for a lawyer to request bail.",
        **extra,
    }
    return client.post(reverse("cases:referral_new", args=[mother.code]), data)


def test_a_referral_with_her_consent_is_accepted_and_opens_her_file(
    sokha, vicheka, sophea, legal_aid, shares_with_legal_aid
) -> None:
    # Her consent to share already opens her file to the legal-aid provider (the accepted
    # referral alone opening it is shown by the supervisor's referral without consent).
    response = refer(client_for(sokha), sophea, legal_aid)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.consent == shares_with_legal_aid
    legal = client_for(vicheka)
    listed = legal.get(reverse("cases:referral_list")).content.decode()
    assert "Waiting for your organisation" in listed and "Legal aid" in listed
    detail = reverse("cases:referral_detail", args=[referral.code])
    page = legal.get(detail).content.decode()
    assert "Pre-trial for 6 months" in page
    response = legal.post(detail, {"answer": "accept", "reason": ""})
    assert response.status_code == 302
    assert response.url == sophea.get_absolute_url()
    assert legal.get(sophea.get_absolute_url()).status_code == 200
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.answered_by == vicheka
    assert AuditEntry.objects.filter(object_code=str(referral.code), action="create").exists()
    assert AuditEntry.objects.filter(object_code=str(referral.code), action="change").exists()
    # On her file, for her own organisation too.
    file_page = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    assert "Referrals" in file_page and "Accepted" in file_page


def test_a_referral_whose_consent_she_withdrew_cannot_be_accepted(
    sokha, vicheka, sophea, legal_aid, shares_with_legal_aid
) -> None:
    refer(client_for(sokha), sophea, legal_aid)
    referral = Referral.objects.get()
    actions.do_withdraw_consent(
        shares_with_legal_aid, on=dt.date(2026, 3, 16), note="", actor=sokha
    )
    legal = client_for(vicheka)
    detail = reverse("cases:referral_detail", args=[referral.code])
    response = legal.post(detail, {"answer": "accept", "reason": ""})
    assert "She withdrew her consent" in response.content.decode()
    assert legal.get(sophea.get_absolute_url()).status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PENDING
    # Declining stays possible.
    legal.post(detail, {"answer": "decline", "reason": "She no longer wants it."})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED


def test_without_her_consent_only_a_supervisor_refers_her_and_says_why(
    sokha, dara, sophea, legal_aid
) -> None:
    page = refer(client_for(sokha), sophea, legal_aid).content.decode()
    assert "She has not consented to share her file with this organisation." in page
    page = refer(client_for(dara), sophea, legal_aid).content.decode()
    assert "say why" in page
    assert not Referral.objects.exists()
    reason = "Her child is ill and she cannot be asked today; legal aid is urgent."
    response = refer(client_for(dara), sophea, legal_aid, override_reason=reason)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.consent is None and referral.override_reason == reason
    entry = AuditEntry.objects.get(object_code=str(referral.code))
    assert "override_reason" in entry.fields
    # The action refuses it too.
    with pytest.raises(actions.InvalidAction):
        actions.do_refer(
            sophea, to_organisation=legal_aid, service="health", reason="x", actor=sokha
        )


def test_a_declined_referral_needs_a_reason_and_opens_nothing(
    sokha, dara, vicheka, sophea, legal_aid
) -> None:
    referral = actions.do_refer(
        sophea,
        to_organisation=legal_aid,
        service="legal_aid",
        reason="Needs a lawyer.",
        override_reason="Urgent.",
        actor=dara,
    )
    legal = client_for(vicheka)
    detail = reverse("cases:referral_detail", args=[referral.code])
    assert (
        "Say why the referral is declined."
        in legal.post(detail, {"answer": "decline"}).content.decode()
    )
    assert legal.post(detail, {"answer": "decline", "reason": "No lawyer free."}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED
    assert legal.get(sophea.get_absolute_url()).status_code == 404
    # Answered: no second answer.
    assert legal.post(detail, {"answer": "accept"}).status_code == 403


def test_a_referral_is_seen_only_by_both_sides(sokha, dara, outsider, sophea, legal_aid) -> None:
    referral = actions.do_refer(
        sophea,
        to_organisation=legal_aid,
        service="legal_aid",
        reason="Needs a lawyer.",
        override_reason="Urgent.",
        actor=dara,
    )
    detail = reverse("cases:referral_detail", args=[referral.code])
    assert client_for(sokha).get(detail).status_code == 200
    assert client_for(outsider).get(detail).status_code == 404
    # The sending side cannot answer it.
    assert client_for(sokha).post(detail, {"answer": "accept"}).status_code == 403
    assert (
        client_for(outsider).get(reverse("cases:referral_new", args=[sophea.code])).status_code
        == 404
    )
    unknown = reverse("cases:referral_detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client_for(sokha).get(unknown).status_code == 404
    assert client_for(outsider).get(reverse("cases:referral_list")).status_code == 200


def test_the_referral_pages_need_a_sign_in(client, sophea) -> None:
    for url in [reverse("cases:referral_list"), reverse("cases:referral_new", args=[sophea.code])]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


def test_a_match_outside_her_scope_shows_only_who_registered_her(
    sokha, vicheka, sophea, siem_reap
) -> None:
    """The legal officer registers a woman who is already on another organisation's file in the
    same prison: she learns that much, and whom to ask for a referral, nothing else."""
    from komar.cases.tests.test_mother_register import URL, form_data

    data = form_data(
        siem_reap,
        **{
            "m-name_km": sophea.name_km,
            "m-name_latin": sophea.name_latin,
            "m-date_of_birth": sophea.date_of_birth.isoformat(),
        },
    )
    page = client_for(vicheka).post(URL, data).content.decode()
    assert "is registered by This NGO in this facility." in page
    assert f"born in {sophea.date_of_birth.year}" in page
    assert sophea.get_absolute_url() not in page
    assert str(sophea.date_of_birth.day) + "/" not in page
    # Her own organisation sees the match as a link to the file.
    page = client_for(sokha).post(URL, data).content.decode()
    assert sophea.get_absolute_url() in page
