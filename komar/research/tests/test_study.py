"""The statistics against published and hand-computed values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from komar.conftest import client_for
from komar.research import study
from komar.research.tests.helpers import project_for, woman


def test_wilson_matches_newcombe_1998():
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (score).
    low, high = study.wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    low, high = study.wilson(15, 148)
    assert (round(low, 4), round(high, 4)) == (0.0624, 0.1605)
    low, high = study.wilson(0, 20)
    assert (round(low, 4), round(high, 4)) == (0.0, 0.1611)


def test_fisher_matches_the_tea_tasting_lady():
    # Fisher (1935): the lady tasting tea, [[3, 1], [1, 3]], two-sided p = 0.4857.
    result = study.test_table([[3, 1], [1, 3]])
    assert result is not None and result.name == "fisher"
    assert round(result.pvalue, 4) == 0.4857


def test_chi_square_by_hand():
    # [[20, 30], [30, 20]]: expected 25 everywhere, chi2 = 4 * 25/25 = 4.0, p = 0.0455 (df 1
    # would be Fisher; a 2x3 with the same cells and a third column of 25/25 adds 0).
    result = study.test_table([[20, 30, 25], [30, 20, 25]])
    assert result is not None and result.name == "chi2"
    assert round(result.statistic, 4) == 4.0
    assert round(result.pvalue, 4) == 0.1353  # chi2(2) survival at 4.0 = exp(-2)


def test_small_expected_counts_use_the_monte_carlo_test():
    result = study.test_table([[3, 1, 4], [1, 3, 2]])
    assert result is not None and result.name == "permutation"
    again = study.test_table([[3, 1, 4], [1, 3, 2]])
    assert again is not None and again.pvalue == result.pvalue  # a fixed seed


@pytest.fixture
def cohort(sokha, siem_reap):
    women = [woman(sokha, siem_reap, n) for n in range(6)]
    women += [
        woman(
            sokha,
            siem_reap,
            6 + n,
            factors=("E_NO_ALTERNATIVE_CARER", "P_INFANT_AGE"),
            main="E_NO_ALTERNATIVE_CARER",
            decision="relative",
        )
        for n in range(2)
    ]
    return women


def test_the_prevalence_table_by_hand(cohort, researcher, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC))
    project = project_for(researcher)
    result = study.compute(project, dt.date(2026, 3, 1))
    assert (result.decisions, result.women, result.inside) == (8, 8, 6)
    infant = next(f for f in result.factors if f.code == "P_INFANT_AGE")
    carer = next(f for f in result.factors if f.code == "E_NO_ALTERNATIVE_CARER")
    assert (infant.decisions.n, infant.decisions.of) == (8, 8)
    assert (carer.decisions.n, carer.women.n, carer.main.n, carer.main.of) == (2, 2, 2, 8)
    assert carer.decisions.suppressed and not infant.decisions.suppressed
    # The decision against citing "no other carer": [[0 inside, 2 outside], [6, 0]]: Fisher's
    # two-sided p = 1 / C(8, 2) = 1/28.
    assert carer.test is not None and round(carer.test.pvalue, 6) == round(1 / 28, 6)
    personal = next(g for g in result.groups if g[0] == "personal")
    assert personal[2].n == 8


def test_the_page_hides_small_cells(cohort, researcher, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC))
    project = project_for(researcher)
    response = client_for(researcher).get(reverse("research:study", args=[project.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;5" in html and "<svg" in html
    assert "Srey" not in html


def test_the_pdf_report_renders_in_khmer(cohort, researcher, time_machine, tmp_path):
    import subprocess

    time_machine.move_to(dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC))
    project = project_for(researcher)
    response = client_for(researcher).get(
        reverse("research:study_pdf", args=[project.code]) + "?lang=km"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "study.pdf"
    pdf.write_bytes(response.content)
    from komar.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    command = ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1"]
    target = str(SCREENSHOTS / "research-study-pdf-km")
    subprocess.run([*command, str(pdf), target], check=True)  # noqa: S603
