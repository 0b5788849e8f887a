"""The Bangkok Rules checklist: its seeded indicators cite their rules; scores need evidence;
completing; the score's arithmetic; the printed checklist in Khmer and English."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from komar.audit.models import AuditEntry
from komar.cases.actions import EditConflict, InvalidAction
from komar.conftest import client_for
from komar.monitoring import actions
from komar.monitoring.models import Checklist, Indicator, Score
from komar.monitoring.queries import checklist_results
from komar.monitoring.tests.helpers import NOW, checklist

URL = "/monitoring/checklists/{code}/2026/q1/"
OUTPUT = Path(__file__).resolve().parents[3] / "test-output"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_the_seeded_indicators_cover_the_rules_the_issue_names(db) -> None:
    rules = " ".join(Indicator.objects.values_list("rule", flat=True))
    for cited in (
        "Bangkok Rule 3",
        "Bangkok Rule 9",
        "Bangkok Rule 48",
        "Bangkok Rule 49",
        "Bangkok Rule 51",
        "Bangkok Rule 26",
        "Bangkok Rule 52",
        "Nelson Mandela Rule 29",
    ):
        assert cited in rules, cited
    assert set(Indicator.objects.values_list("topic", flat=True)) == set(Indicator.Topic.values)
    assert not Indicator.objects.filter(text_km="").exists()


def test_starting_gives_one_not_assessed_score_per_active_indicator(monitor, siem_reap) -> None:
    Indicator.objects.filter(key="breastfeeding").update(is_active=False)
    started = checklist(siem_reap, monitor)
    assert started.period == dt.date(2026, 1, 1) and started.period_label == "2026 Q1"
    assert started.scores.count() == Indicator.objects.filter(is_active=True).count()
    assert set(started.scores.values_list("value", flat=True)) == {"not_assessed"}
    assert checklist(siem_reap, monitor) == started
    with pytest.raises(InvalidAction):
        actions.do_start_checklist(siem_reap, dt.date(2026, 4, 1), actor=monitor)


def _post(started, **scores):
    data = {"version": str(started.version)}
    for score in started.scores.select_related("indicator"):
        value, evidence = scores.get(score.indicator.key, ("not_assessed", ""))
        data[f"score_{score.indicator.key}"] = value
        data[f"evidence_{score.indicator.key}"] = evidence
    return data


def test_a_score_needs_its_evidence(monitor, siem_reap) -> None:
    started = checklist(siem_reap, monitor)
    response = client_for(monitor).post(
        URL.format(code=siem_reap.code) + "edit/", _post(started, breastfeeding=("met", "  "))
    )
    assert response.status_code == 200
    assert "evidence_breastfeeding" in response.context["form"].errors
    with pytest.raises(InvalidAction):
        actions.do_change_checklist(
            started,
            {Indicator.objects.get(key="breastfeeding").pk: ("met", "")},
            expected_version=1,
            actor=monitor,
        )


def test_scoring_and_completing_are_saved_and_audited(monitor, siem_reap) -> None:
    started = checklist(siem_reap, monitor)
    response = client_for(monitor).post(
        URL.format(code=siem_reap.code) + "edit/",
        {
            **_post(
                started,
                breastfeeding=("met", "Seen: mothers breastfeed in the cell."),
                family_contact=("partly", "Visits weekly; no calls."),
                never_prisoners=("not_met", "Children counted at the roll-call."),
            ),
            "complete": "1",
        },
    )
    assert response.status_code == 302
    done = Checklist.objects.get()
    assert done.is_completed and done.completed_by == monitor and done.version == 2
    score = done.scores.get(indicator__key="family_contact")
    assert (score.value, score.evidence) == ("partly", "Visits weekly; no calls.")
    entry = AuditEntry.objects.get(object_code=str(done.code), action="change")
    assert entry.fields == ["scores", "status"]
    page = client_for(monitor).get(URL.format(code=siem_reap.code)).content.decode()
    assert "Score: 50% (1 met, 1 partly met, 1 not met" in page


def test_the_score_counts_partly_met_as_half_and_leaves_out_what_was_not_assessed(
    monitor, siem_reap
) -> None:
    """3 met, 2 partly, 1 not met, the rest not assessed: (2 * 3 + 2) / (2 * 6) = 8/12 = 66.67 % →
    67 %. One met alone: 100 %. Nothing assessed: no score."""
    started = checklist(siem_reap, monitor)
    keys = list(Indicator.objects.values_list("key", flat=True))
    values = ["met"] * 3 + ["partly"] * 2 + ["not_met"]
    scores = {
        Indicator.objects.get(key=k).pk: (v, "seen") for k, v in zip(keys, values, strict=False)
    }
    actions.do_change_checklist(started, scores, expected_version=1, actor=monitor)
    (result,) = checklist_results(Checklist.objects.all())
    assert (result.met, result.partly, result.not_met) == (3, 2, 1)
    assert result.not_assessed == len(keys) - 6
    assert result.share == 67
    assert result.__class__(started, met=1).share == 100
    assert result.__class__(started).share is None


def test_scores_saved_meanwhile_are_a_conflict(monitor, siem_reap) -> None:
    started = checklist(siem_reap, monitor)
    pk = Indicator.objects.get(key="breastfeeding").pk
    actions.do_change_checklist(started, {pk: ("met", "seen")}, expected_version=1, actor=monitor)
    with pytest.raises(EditConflict):
        actions.do_change_checklist(
            started, {pk: ("not_met", "x")}, expected_version=1, actor=monitor
        )
    response = client_for(monitor).post(
        URL.format(code=siem_reap.code) + "edit/",
        {**_post(started, breastfeeding=("not_met", "not seen")), "version": "1"},
    )
    assert response.status_code == 409
    assert Score.objects.get(indicator_id=pk, checklist=started).value == "met"


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_checklist_prints_in_khmer_and_english(monitor, siem_reap, language) -> None:
    started = checklist(siem_reap, monitor)
    pk = Indicator.objects.get(key="family_contact").pk
    actions.do_change_checklist(
        started,
        {pk: ("partly", "ការសួរសុខទុក្ខរៀងរាល់សប្ដាហ៍ / visits every week")},
        expected_version=1,
        complete=True,
        actor=monitor,
    )
    response = client_for(monitor).get(
        URL.format(code=siem_reap.code) + f"checklist.pdf?lang={language}"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="bangkok-rules-checklist.pdf"'
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    # scripts/setup installs poppler-utils: a missing pdftoppm fails here rather than skipping.
    assert shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils) is not installed"
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"monitoring-checklist-{language}.pdf"
    path.write_bytes(pdf)
    command = [shutil.which("pdftoppm") or "pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1"]
    subprocess.run([*command, str(path), str(path.with_suffix(""))], check=True)  # noqa: S603
    assert list(OUTPUT.glob(f"monitoring-checklist-{language}*.png"))
    assert (
        client_for(monitor)
        .get(URL.format(code=siem_reap.code) + "checklist.pdf?lang=fr")
        .status_code
        == 404
    )
