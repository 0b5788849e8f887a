"""The rules page lists the diversion screening's measure rules beside the flags' rules."""

from __future__ import annotations

from django.urls import reverse

from komar.conftest import client_for
from komar.legal.screening import MEASURE_RULES


def test_the_rule_list_names_every_measure_rule_with_its_legal_basis(sokha) -> None:
    html = client_for(sokha).get(reverse("tasks:rule_list")).content.decode()
    assert 'id="measure-rules"' in html
    for rule in MEASURE_RULES:
        assert f'id="rule-{rule.code}"' in html
        assert str(rule.title) in html
    # The legal basis of the judicial-supervision rule cites the Code of Criminal Procedure.
    assert "Code of Criminal Procedure" in html
