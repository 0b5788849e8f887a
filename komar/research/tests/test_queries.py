"""The research lists read in a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from komar.conftest import client_for
from komar.research.actions import do_request_export
from komar.research.dataset import Definition
from komar.research.tests.helpers import project_for


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_project_page_and_the_home_do_not_grow_with_rows(researcher):
    client = client_for(researcher)
    project = project_for(researcher)
    do_request_export(
        project, fmt="csv", table="decisions", definition=Definition(), actor=researcher
    )
    page = reverse("research:project", args=[project.code])
    home = reverse("research:home")
    count(client, page)  # the first request of the session reads more (the session, the user)
    few = (count(client, page), count(client, home))
    for n in range(5):
        project_for(researcher, f"Study {n}")
        do_request_export(
            project, fmt="sav", table="women", definition=Definition(), actor=researcher
        )
    assert (count(client, page), count(client, home)) == few
