from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases.models import Consent
from komar.conftest import client_for


def test_it_records_consent_for_a_purpose(sokha, sophea) -> None:
    url = reverse("cases:consent_add", args=[sophea.code])
    response = client_for(sokha).post(
        url, {"purpose": "research", "method": "thumbprint", "given_on": "2026-01-12"}
    )
    assert response.status_code == 302
    consent = Consent.objects.get(mother=sophea)
    assert consent.is_active
    assert AuditEntry.objects.filter(object_code=str(consent.code), action="create").exists()


def test_verbal_consent_needs_a_witness(sokha, sophea) -> None:
    url = reverse("cases:consent_add", args=[sophea.code])
    response = client_for(sokha).post(
        url, {"purpose": "research", "method": "verbal", "given_on": "2026-01-12"}
    )
    assert "Verbal consent needs a named witness." in response.content.decode()
    assert not Consent.objects.exists()


def test_sharing_needs_a_named_organisation(sokha, sophea) -> None:
    url = reverse("cases:consent_add", args=[sophea.code])
    response = client_for(sokha).post(
        url, {"purpose": "sharing", "method": "signature", "given_on": "2026-01-12"}
    )
    assert "Name the organisation" in response.content.decode()


def test_consent_is_withdrawn_not_deleted(sokha, sophea) -> None:
    consent = Consent.objects.create(
        mother=sophea,
        purpose="research",
        method="signature",
        given_on="2026-01-12",
        recorded_by=sokha,
    )
    url = reverse("cases:consent_withdraw", args=[consent.code])
    client = client_for(sokha)
    assert client.post(url, {"on": "2026-02-01", "note": "changed her mind"}).status_code == 302
    consent.refresh_from_db()
    assert not consent.is_active
    assert "Withdrawn" in client.get(sophea.get_absolute_url()).content.decode()
    # A second withdrawal is refused with a message.
    response = client.post(url, {"on": "2026-02-02"})
    assert response.status_code == 200
    assert "already withdrawn" in response.content.decode()
