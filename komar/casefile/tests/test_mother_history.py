"""Her file's audit trail: changes and views apart, paged, supervisors only, 404 outside."""

import uuid

from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.conftest import client_for


def url(mother, kind="changes") -> str:
    return reverse("casefile:mother_history", args=[mother.code]) + f"?kind={kind}"


def test_anonymous_is_sent_to_login(client, sophea) -> None:
    assert client.get(url(sophea)).status_code == 302


def test_a_social_worker_may_not(sokha, sophea) -> None:
    assert client_for(sokha).get(url(sophea)).status_code == 403


def test_an_outsider_supervisor_gets_404(outsider, sophea) -> None:
    outsider.role = "supervisor"
    outsider.save(update_fields=["role"])
    assert client_for(outsider).get(url(sophea)).status_code == 404
    unknown = reverse("casefile:mother_history", args=[uuid.uuid4()])
    assert client_for(outsider).get(unknown).status_code == 404


def test_wrong_method(dara, sophea) -> None:
    assert client_for(dara).post(url(sophea)).status_code == 405


def test_views_do_not_hide_changes(sokha, dara, sophea, settings) -> None:
    settings.KOMAR_CASES_PER_PAGE = 5
    for _ in range(30):
        client_for(sokha).get(sophea.get_absolute_url())
    file_html = client_for(dara).get(sophea.get_absolute_url()).content.decode()
    assert "Created" in file_html  # the registration, under the 30 views
    changes = client_for(dara).get(url(sophea)).context["page"]
    assert {e.action for e in changes.object_list} == {"create"}
    views = client_for(dara).get(url(sophea, "views"))
    assert views.context["page"].paginator.num_pages > 5
    assert {e.action for e in views.context["page"].object_list} == {"view"}
    assert "page=2" in views.content.decode()


def test_opening_the_history_is_audited(dara, sophea) -> None:
    client_for(dara).get(url(sophea))
    assert AuditEntry.objects.filter(actor=dara, action="view", mother=sophea).exists()
