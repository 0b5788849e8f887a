"""The research demo (`research/demo.py`, composed by `seed_demo`): one project for each demo
organisation with a researcher, usable end to end, removed by `--flush` with the exports
people made from it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from komar.accounts.models import User
from komar.conftest import client_for
from komar.research.models import ResearchExport, ResearchProject

pytestmark = pytest.mark.django_db


def seed(*args: str) -> None:
    call_command("seed_demo", *args, stdout=io.StringIO())


def test_the_demo_gives_the_researcher_a_project_she_can_study_and_export():
    seed("--size", "60")
    researcher = User.objects.get(username="researcher")
    project = ResearchProject.objects.get(organisation=researcher.organisation)
    client = client_for(researcher)
    assert client.get(reverse("research:study", args=[project.code])).status_code == 200
    response = client.post(
        reverse("research:export_new", args=[project.code]),
        {"format": "codebook", "table": "decisions", "language": "en"},
    )
    assert response.status_code == 302
    assert ResearchExport.objects.filter(project=project).exists()
    seed("--flush", "--size", "0")
    assert not ResearchExport.objects.exists()
    # Seeded again (the secret comes from the seed: the same demo gives the same pseudonyms).
    again = ResearchProject.objects.get()
    assert again.pk != project.pk and again.secret == project.secret
