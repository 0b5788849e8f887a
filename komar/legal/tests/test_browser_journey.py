"""The legal officer's whole journey in one browser session, in Khmer, as the issue asks: she
screens Chan Sophea for diversion and chooses judicial supervision, drafts the court report
from the screening, her supervisor finalises it and it is printed (the PDF's first page
rendered as PNG), then she records the legal case, the application, the court granting judicial
supervision, and where Sophea's child now lives.

Each part is also a test of its own (`test_browser_screening`, `test_browser_report`,
`test_browser_case`); here they run one after the other on the same records, so that each
step starts from what the one before left. Screenshots are saved under test-output/screenshots/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from komar.accounts.models import User
from komar.cases.models import Mother
from komar.conftest import Shot
from komar.legal.models import Application, CourtReport, Screening
from komar.legal.tests.test_browser_case import case_to_judicial_supervision
from komar.legal.tests.test_browser_report import draft_to_final, sreymom  # noqa: F401
from komar.legal.tests.test_browser_screening import screen_in_khmer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data", "shares_with_legal_aid"),
]


def test_screen_report_and_judicial_supervision_in_one_session_in_khmer(
    browser: Browser,
    page: Page,
    live_server: LiveServer,
    vicheka: User,
    sreymom: User,  # noqa: F811
    sophea: Mother,
    shot: Shot,
) -> None:
    screen_in_khmer(page, live_server, vicheka, sophea, shot)
    screening = Screening.objects.get(mother=sophea)
    assert screening.chosen == ["judicial_supervision"]

    draft_to_final(browser, page, live_server, vicheka, sreymom, sophea, shot)
    report = CourtReport.objects.get(mother=sophea)
    assert report.status == CourtReport.Status.FINAL
    # The report was drafted from the screening she made in this session.
    assert screening.chosen_reason in report.sections["measure"]

    case_to_judicial_supervision(page, live_server, vicheka, sophea, shot)
    application = Application.objects.get(legal_case__mother=sophea)
    assert application.kind == "judicial_supervision" and application.outcome == "granted"
    sophea.refresh_from_db()
    assert sophea.latest_episode.ended_on is not None
