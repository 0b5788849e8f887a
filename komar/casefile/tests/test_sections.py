"""The file and the child's page are composed of every plugin's sections."""

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from komar.assessments.tests.factories import assess, counsel, determine
from komar.casefile import plugins
from komar.cases.actions import do_add_child, do_record_consent
from komar.cases.sections import Plugin, Section, TimelineEvent
from komar.conftest import child_inside, client_for, register


def _queries(client, url: str) -> int:
    client.get(url)  # the first request of a session also marks it active
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _add_casework(mother, sokha, dara) -> None:
    """A child more, a session, an assessment, a determination and a consent."""
    do_add_child(mother, *child_inside(born=dt.date(2025, 6, 1)), actor=sokha)
    for child in mother.children.all():
        counsel(child, sokha)
        assess(child, sokha, approve_by=dara)
        determine(child, dara, review_on=dt.date(2026, 9, 1))
    do_record_consent(
        mother,
        {"purpose": "research", "method": "signature", "given_on": dt.date(2026, 1, 20)},
        actor=sokha,
    )


def test_the_file_takes_the_same_number_of_queries_however_much_it_holds(
    sokha, dara, siem_reap
) -> None:
    # Empty relations skip their prefetch: compare one of everything with several of each.
    small = register(sokha, siem_reap, children=[child_inside()])
    _add_casework(small, sokha, dara)
    large = register(sokha, siem_reap, name_latin="Chan Sophea", children=[child_inside()])
    for _ in range(3):
        _add_casework(large, sokha, dara)
    assert large.children.count() == 4
    client = client_for(dara)  # a supervisor: every section, the audit trail too
    assert _queries(client, small.get_absolute_url()) == _queries(client, large.get_absolute_url())


def test_the_childs_page_takes_the_same_number_of_queries(sokha, dara, siem_reap) -> None:
    small = register(sokha, siem_reap, children=[child_inside()])
    large = register(sokha, siem_reap, children=[child_inside()])
    _add_casework(large, sokha, dara)
    client = client_for(dara)
    first = large.children.order_by("pk").first()
    assert _queries(client, small.children.get().get_absolute_url()) == _queries(
        client, first.get_absolute_url()
    )


def test_each_plugin_adds_its_sections_in_order(sokha, sophea) -> None:
    html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    ids = ["details", "custody", "children", "counselling", "consent", "timeline"]
    positions = [html.index(f'id="{i}"') for i in ids]
    assert positions == sorted(positions)
    child_html = client_for(sokha).get(sophea.children.first().get_absolute_url()).content.decode()
    for section in ["child-details", "placements", "decisions", "assessments"]:
        assert f'id="{section}"' in child_html


def test_a_section_is_shown_only_to_its_readers(sokha, dara, sophea) -> None:
    assert 'id="audit"' not in client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    assert 'id="audit"' in client_for(dara).get(sophea.get_absolute_url()).content.decode()


@pytest.fixture
def extra_plugin(monkeypatch):
    """A workflow added as the legal app will be: its own module and one line in the list."""
    plugin = Plugin(
        name="legal",
        file_sections=[
            Section("legal", "Legal case", "casefile/sections/timeline.html", 50, _legal_data)
        ],
        timeline=lambda page: [TimelineEvent(dt.date(2026, 2, 2), "Hearing at the court", "legal")],
    )
    monkeypatch.setattr(plugins, "PLUGINS", [*plugins.PLUGINS, plugin])
    return plugin


def _legal_data(page):
    return {"timeline": [TimelineEvent(dt.date(2026, 2, 3), "Screened for diversion", "legal")]}


def test_a_new_workflow_plugs_in_without_touching_the_registry(sokha, sophea, extra_plugin) -> None:
    html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    assert 'id="legal"' in html
    assert "Screened for diversion" in html
    assert "Hearing at the court" in html  # its event on her timeline


def test_an_unregistered_section_reader_role_hides_it(sokha, sophea, monkeypatch) -> None:
    registry = plugins.PLUGINS[0]
    hidden = [
        replace(s, readers=frozenset({"researcher"})) if s.id == "consent" else s
        for s in registry.file_sections
    ]
    monkeypatch.setattr(
        plugins, "PLUGINS", [replace(registry, file_sections=hidden), *plugins.PLUGINS[1:]]
    )
    html = client_for(sokha).get(sophea.get_absolute_url()).content.decode()
    assert 'id="consent"' not in html
