"""The test cast: a small named set of people and places, built through the real actions.

- sokha: social worker, This-NGO, assigned to Siem Reap prison
- dara: her supervisor, same NGO and facility
- vicheka: legal officer at a legal-aid provider, Siem Reap prison
- monitor: facility monitor at the prison department, Siem Reap prison (opens no personal file)
- prison_worker: social worker at the prison department, Siem Reap prison (her scope is the
  facility: every woman held there)
- researcher: researcher at the NGO (never opens personal files)
- admin_user: administrator of the NGO
- outsider: social worker at another NGO, Battambang prison
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from komar.accounts.models import Organisation, Role, User
from komar.cases import actions
from komar.cases.models import Consent, Mother, OffenceCategory
from komar.facilities.models import Facility

# Playwright drives the browser from an event loop; Django's ORM calls in browser tests are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "a-long-test-password-1"  # noqa: S105 (test accounts only)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def siem_reap(db: None) -> Facility:
    return Facility.objects.get(name_en="Siem Reap Provincial Prison")


@pytest.fixture
def battambang(db: None) -> Facility:
    return Facility.objects.get(name_en="Battambang Provincial Prison")


@pytest.fixture
def cc2(db: None) -> Facility:
    return Facility.objects.get(name_en__startswith="Correctional Centre 2")


@pytest.fixture
def ngo(db: None) -> Organisation:
    return Organisation.objects.create(
        name_en="This NGO", name_km="អង្គការនេះ", kind=Organisation.Kind.NGO
    )


@pytest.fixture
def other_ngo(db: None) -> Organisation:
    return Organisation.objects.create(
        name_en="Other NGO", name_km="អង្គការផ្សេង", kind=Organisation.Kind.NGO
    )


@pytest.fixture
def legal_aid(db: None) -> Organisation:
    return Organisation.objects.create(
        name_en="Legal Aid", name_km="ជំនួយផ្លូវច្បាប់", kind=Organisation.Kind.LEGAL_AID
    )


@pytest.fixture
def prison_department(db: None) -> Organisation:
    return Organisation.objects.create(
        name_en="Prisons", name_km="ពន្ធនាគារ", kind=Organisation.Kind.PRISON_DEPARTMENT
    )


def make_user(
    username: str, organisation: Organisation, role: str, facilities: list[Facility], **extra: Any
) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        organisation=organisation,
        role=role,
        full_name=username.capitalize(),
        language=extra.pop("language", "en"),
        **extra,
    )
    user.facilities.set(facilities)
    # Her organisation works there (a national administrator's setting).
    organisation.facilities.add(*facilities)
    return user


@pytest.fixture
def sokha(ngo: Organisation, siem_reap: Facility) -> User:
    return make_user("sokha", ngo, Role.SOCIAL_WORKER, [siem_reap])


@pytest.fixture
def dara(ngo: Organisation, siem_reap: Facility) -> User:
    return make_user("dara", ngo, Role.SUPERVISOR, [siem_reap])


@pytest.fixture
def vicheka(legal_aid: Organisation, siem_reap: Facility) -> User:
    return make_user("vicheka", legal_aid, Role.LEGAL_OFFICER, [siem_reap])


@pytest.fixture
def monitor(prison_department: Organisation, siem_reap: Facility) -> User:
    return make_user("monitor", prison_department, Role.FACILITY_MONITOR, [siem_reap])


@pytest.fixture
def prison_worker(prison_department: Organisation, siem_reap: Facility) -> User:
    return make_user("prison_worker", prison_department, Role.SOCIAL_WORKER, [siem_reap])


@pytest.fixture
def researcher(ngo: Organisation) -> User:
    return make_user("researcher", ngo, Role.RESEARCHER, [])


@pytest.fixture
def admin_user(ngo: Organisation) -> User:
    return make_user("admin_user", ngo, Role.ADMINISTRATOR, [])


@pytest.fixture
def outsider(other_ngo: Organisation, battambang: Facility) -> User:
    return make_user("outsider", other_ngo, Role.SOCIAL_WORKER, [battambang])


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def drug_use(db: None) -> OffenceCategory:
    return OffenceCategory.objects.get(code="drug_use")


def register(
    actor: User,
    facility: Facility | None,
    *,
    name_km: str = "ស្រី សុភា",
    name_latin: str = "Srey Sophea",
    date_of_birth: dt.date | None = dt.date(1995, 3, 2),
    admission_date: dt.date = dt.date(2026, 1, 10),
    children: list[tuple[Mapping[str, Any], Mapping[str, Any]]] | None = None,
    **mother_extra: Any,
) -> Mother:
    """Register a woman through the real action, in custody at `facility` (or not admitted)."""
    assert actor.organisation is not None
    episode = None
    if facility is not None:
        episode = {
            "facility": facility,
            "admission_date": admission_date,
            "legal_status": "pre_trial",
        }
    return actions.do_register_mother(
        mother_data={
            "name_km": name_km,
            "name_latin": name_latin,
            "date_of_birth": date_of_birth,
            # The forms ask these (no defaults): the cast answers them as the demo does.
            "ethnicity": "khmer",
            "literacy": "unknown",
            "first_offence": "unknown",
            **mother_extra,
        },
        episode_data=episode,
        children=children or [],
        organisation=actor.organisation,
        actor=actor,
    )


def child_inside(
    born: dt.date = dt.date(2025, 1, 15), since: dt.date = dt.date(2026, 1, 10), **extra: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {
            "name_km": "សុខ វិចិត្រ",
            "name_latin": "Sok Vichet",
            "sex": "male",
            "date_of_birth": born,
            "birth_registration": "unknown",
            **extra,
        },
        {"kind": "with_mother", "start_date": since},
    )


def child_with_grandmother(
    born: dt.date = dt.date(2020, 6, 1), since: dt.date = dt.date(2026, 1, 10)
) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {
            "name_km": "សុខ ដារ៉ា",
            "name_latin": "Sok Dara",
            "sex": "female",
            "date_of_birth": born,
            "birth_registration": "unknown",
        },
        {
            "kind": "relative",
            "carer_name": "Yim Sam",
            "carer_relationship": "grandmother",
            "carer_contact": "012 345 678",
            "start_date": since,
        },
    )


@pytest.fixture
def sophea(sokha: User, siem_reap: Facility) -> Mother:
    """A woman in pre-trial detention at Siem Reap with one child inside, one with grandmother."""
    return register(sokha, siem_reap, children=[child_inside(), child_with_grandmother()])


@pytest.fixture
def shares_with_legal_aid(sokha: User, sophea: Mother, legal_aid: Organisation) -> Consent:
    """Sophea's active consent to share her file with the legal-aid provider, whose staff then
    see it (a woman of another organisation is otherwise out of their scope)."""
    return actions.do_record_consent(
        sophea,
        {
            "purpose": "sharing",
            "organisation": legal_aid,
            "method": "signature",
            "given_on": dt.date(2026, 1, 12),
        },
        actor=sokha,
    )


# Browser tests (marked `browser`): a live server and Debian's Chromium.

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-output" / "screenshots"
Shot = Callable[[str], None]
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


class PageChecks:
    """Each page checked where a browser test's journey reaches it: no sideways scrolling on a
    phone, and no axe-core violation (every rule it runs by default) on a laptop, or at every
    size in `axe_sizes`. `assert_none()` at the end lists every problem found, page by page.
    A screenshot of the phone view is kept when a `screenshots` prefix is given."""

    def __init__(
        self,
        phone: dict[str, int] = PHONE,
        axe_sizes: tuple[dict[str, int], ...] = (LAPTOP,),
        screenshots: str = "",
    ) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.phone = phone
        self.axe_sizes = axe_sizes
        self.screenshots = screenshots
        self.problems: dict[str, str] = {}

    def check(self, page: Any, name: str) -> None:
        page.set_viewport_size(self.phone)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > self.phone["width"]:
            self.problems[f"{name} ({self.phone['width']} px)"] = f"{width} px wide"
        if self.screenshots:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shot = SCREENSHOTS / f"{self.screenshots}-{name}.png"
            page.screenshot(path=shot, full_page=True)
        for size in self.axe_sizes:
            page.set_viewport_size(size)
            results = self.axe.run(page)
            if results.violations_count:
                self.problems[f"{name} axe {size['width']} px"] = results.generate_report()

    def assert_none(self) -> None:
        assert self.problems == {}, "\n".join(f"== {n}\n{p}" for n, p in self.problems.items())


# Live-server tests commit, and the database is flushed after each one, which also removes the
# reference data that migrations seed. Django's `serialized_rollback` cannot restore it here:
# starting Playwright switches the context, and with it Django's connection object, so the
# serialized copy is lost when the database was set up before the first browser test
# (pytest-dev/pytest-django#1117). So the (idempotent) seed functions run again.
SEED_MIGRATIONS = [
    "komar.facilities.migrations.0002_seed_provinces_and_facilities",
    "komar.facilities.migrations.0004_seed_food_allowance",
    "komar.cases.migrations.0002_seed_offence_categories",
    "komar.counselling.migrations.0002_seed_factors",
    "komar.legal.migrations.0002_seed_legal_limits",
    "komar.health.migrations.0002_national_schedule",
    "komar.monitoring.migrations.0002_seed_indicators",
    "komar.transitions.migrations.0002_seed_followup_stages",
]


@pytest.fixture
def allow_unplanned_moves(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the registry's own action take a child out of the facility without her mother.

    The transitions workflow refuses that unless an approved plan names an assessed carer (its
    write check, tested in `komar/transitions`); a test of the registry's or another workflow's
    own behaviour that moves a child out uses this fixture instead of building a plan."""
    from komar.audit import actions as audit

    kept = [c for c in audit.WRITE_CHECKS if not c.__module__.startswith("komar.transitions")]
    monkeypatch.setattr(audit, "WRITE_CHECKS", kept)


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    for module in SEED_MIGRATIONS:
        import_module(module).seed(apps, None)


@pytest.fixture
def shot(page: Any, request: pytest.FixtureRequest) -> Shot:
    """Save a full-page screenshot named after the test and the step."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(step: str) -> None:
        path = SCREENSHOTS / f"{request.node.originalname}-{step}.png"
        page.screenshot(path=path, full_page=True)

    return take


def fill_date(page: Any, selector: str, day: dt.date | str) -> None:
    """Type a date into the day, month and year boxes of a date field (`#id_<name>`)."""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    page.fill(f"{selector}_0", str(day.day))
    page.select_option(f"{selector}_1", str(day.month))
    page.fill(f"{selector}_2", str(day.year))


def log_in(page: Any, live_server: Any, user: User) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header .who")).to_have_text(str(user))
