"""Asking for a referral from the duplicate warning: a legal officer who finds, at registration,
that the woman is already registered by another organisation asks it to refer her. The request
opens nothing and shows nothing more of her; her organisation refers her (with her consent, or a
supervisor's reason) and her file then opens to the asking organisation, or declines."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases import actions
from komar.cases.models import Referral
from komar.cases.views import REQUEST_SALT
from komar.conftest import client_for


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 3, tzinfo=dt.UTC), tick=False)


def registration_page(client, mother, facility):
    from komar.cases.tests.test_mother_register import URL, form_data

    data = form_data(
        facility,
        **{
            "m-name_km": mother.name_km,
            "m-name_latin": mother.name_latin,
            "m-date_of_birth": mother.date_of_birth.isoformat(),
        },
    )
    return client.post(URL, data).content.decode()


def token_on(page):
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def ask(client, token, service="legal_aid", reason="She asks for a lawyer for her bail hearing."):
    return client.post(
        reverse("cases:referral_request"),
        {"token": token, "service": service, "reason": reason},
        follow=True,
    )


def test_ask_refer_and_her_file_opens(sokha, dara, vicheka, sophea, siem_reap, legal_aid):
    legal = client_for(vicheka)
    page = registration_page(legal, sophea, siem_reap)
    assert "Ask This NGO to refer her" in page
    token = token_on(page)
    assert str(sophea.pk) not in signing.loads(token, salt=REQUEST_SALT).values()
    response = ask(legal, token)
    assert "Your request was sent to This NGO." in response.content.decode()
    referral = Referral.objects.get()
    assert referral.status == "requested" and referral.requested_by == vicheka
    assert (
        referral.from_organisation == sophea.organisation and referral.to_organisation == legal_aid
    )
    # Still nothing of her for the legal officer: not her file, not her name.
    assert legal.get(sophea.get_absolute_url()).status_code == 404
    listed = legal.get(reverse("cases:referral_list")).content.decode()
    detail = reverse("cases:referral_detail", args=[referral.code])
    shown = legal.get(detail).content.decode()
    for html in (listed, shown):
        assert sophea.name_latin not in html and sophea.case_number not in html
    assert f"born in {sophea.date_of_birth.year}, registered by This NGO" in shown
    assert legal.post(detail, {"answer": "refer"}).status_code == 403

    # Her organisation sees it on My work; without her consent a social worker cannot refer.
    worker = client_for(sokha)
    assert worker.get(reverse("tasks:my_work")).context["requests_waiting"] == 1
    response = worker.post(detail, {"answer": "refer", "reason": ""})
    assert "She has not consented to share her file" in response.content.decode()
    # The supervisor refers her, saying why: accepted at once, the file opens.
    response = client_for(dara).post(
        detail, {"answer": "refer", "reason": "", "override_reason": "Her hearing is on Friday."}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.referred_by == dara
    assert referral.override_reason == "Her hearing is on Friday."
    assert legal.get(sophea.get_absolute_url()).status_code == 200
    assert AuditEntry.objects.filter(object_code=str(referral.code)).count() == 2


def test_with_her_consent_a_social_worker_refers_her(
    sokha, vicheka, sophea, siem_reap, shares_with_legal_aid
):
    # Her consent already opens her file to the legal-aid provider: the duplicate is then in
    # scope and shown as a link. Ask through the action instead, as if it was not.
    referral = actions.do_request_referral(sophea, service="legal_aid", reason="", actor=vicheka)
    detail = reverse("cases:referral_detail", args=[referral.code])
    assert client_for(sokha).post(detail, {"answer": "refer", "reason": ""}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.consent == shares_with_legal_aid


def test_declining_needs_a_reason_and_opens_nothing(sokha, vicheka, sophea, siem_reap):
    legal = client_for(vicheka)
    ask(legal, token_on(registration_page(legal, sophea, siem_reap)))
    referral = Referral.objects.get()
    detail = reverse("cases:referral_detail", args=[referral.code])
    worker = client_for(sokha)
    assert (
        "Say why the request is declined."
        in worker.post(detail, {"answer": "decline", "reason": ""}).content.decode()
    )
    worker.post(detail, {"answer": "decline", "reason": "She refused: she has a lawyer."})
    referral.refresh_from_db()
    assert referral.status == "declined"
    assert legal.get(sophea.get_absolute_url()).status_code == 404
    assert sophea.name_latin not in legal.get(detail).content.decode()
    # Asking again is allowed once declined; twice at once is refused.
    token = token_on(registration_page(legal, sophea, siem_reap))
    ask(legal, token)
    assert "already asked" in ask(legal, token).content.decode()


def test_a_request_needs_the_registration_pages_token(vicheka, outsider, sophea, siem_reap) -> None:
    legal = client_for(vicheka)
    token = token_on(registration_page(legal, sophea, siem_reap))
    # Another user cannot reuse it, a forged or stale token is refused, nothing is created.
    assert ask(client_for(outsider), token).status_code == 404
    forged = signing.dumps({"m": str(sophea.code), "u": vicheka.pk}, salt="another salt")
    assert ask(legal, forged).status_code == 404
    assert ask(legal, "not-a-token").status_code == 404
    assert not Referral.objects.exists()
    # No service chosen: a clear message, nothing created.
    response = ask(legal, token, service="")
    assert "Choose the service she needs" in response.content.decode()
    assert not Referral.objects.exists()
    # A GET is not allowed; an anonymous POST goes to the sign-in page.
    assert legal.get(reverse("cases:referral_request")).status_code == 405
    legal.logout()
    assert legal.post(reverse("cases:referral_request"), {"token": token}).status_code == 302
