"""Every research view: anonymous to sign-in, other roles 403, another organisation's project
404; the statistics for supervisors, administrators and researchers only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from komar.accounts.models import Role
from komar.conftest import client_for, make_user
from komar.research.actions import do_request_export
from komar.research.dataset import Definition
from komar.research.tests.helpers import project_for


@pytest.fixture
def project(researcher):
    return project_for(researcher)


@pytest.fixture
def record(project, researcher):
    return do_request_export(
        project, fmt="csv", table="decisions", definition=Definition(), actor=researcher
    )


def urls(project, record):
    return [
        reverse("research:home"),
        reverse("research:project_new"),
        reverse("research:project", args=[project.code]),
        reverse("research:study", args=[project.code]),
        reverse("research:study_pdf", args=[project.code]),
        reverse("research:export", args=[record.code]),
    ]


def test_anonymous_is_sent_to_sign_in(project, record):
    for url in [*urls(project, record), reverse("research:statistics")]:
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response.url, url


def test_other_roles_are_refused(project, record, sokha, dara, admin_user, monitor, outsider):
    for user in (sokha, dara, admin_user, monitor, outsider):
        client = client_for(user)
        for url in urls(project, record):
            assert client.get(url).status_code == 403, (user, url)
        assert client.post(reverse("research:export_new", args=[project.code])).status_code == 403


def test_another_organisations_researcher_gets_404(project, record, other_ngo):
    stranger = make_user("stranger", other_ngo, Role.RESEARCHER, [])
    client = client_for(stranger)
    assert client.get(reverse("research:home")).status_code == 200
    for url in urls(project, record)[2:]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("research:export_download", args=[record.code])).status_code == 404
    response = client.post(
        reverse("research:export_new", args=[project.code]), {"format": "csv", "table": "decisions"}
    )
    assert response.status_code == 404


def test_the_researcher_sees_her_pages(project, record, researcher):
    client = client_for(researcher)
    for url in urls(project, record):
        assert client.get(url).status_code == 200, url
    # The export has not been written: nothing to download.
    assert client.get(reverse("research:export_download", args=[record.code])).status_code == 404


def test_wrong_methods(project, researcher):
    client = client_for(researcher)
    assert client.get(reverse("research:export_new", args=[project.code])).status_code == 405
    assert client.post(reverse("research:study", args=[project.code])).status_code == 405


def test_the_researcher_still_cannot_open_a_file(researcher, sophea):
    response = client_for(researcher).get(reverse("casefile:mother_file", args=[sophea.code]))
    assert response.status_code == 403


def test_statistics_access(dara, admin_user, researcher, sokha, monitor, outsider):
    url = reverse("research:statistics")
    for user in (dara, admin_user, researcher):
        assert client_for(user).get(url).status_code == 200, user
    for user in (sokha, monitor, outsider):
        assert client_for(user).get(url).status_code == 403, user


def test_a_researcher_creates_a_project(researcher):
    from komar.research.models import ResearchProject

    client = client_for(researcher)
    response = client.post(reverse("research:project_new"), {"name": "", "purpose": ""})
    assert response.status_code == 200 and not ResearchProject.objects.exists()
    response = client.post(reverse("research:project_new"), {"name": "Mothers 2026", "purpose": ""})
    project = ResearchProject.objects.get()
    assert response.url == reverse("research:project", args=[project.code])
    assert len(project.secret) == 64 and project.secret not in response.content.decode()
