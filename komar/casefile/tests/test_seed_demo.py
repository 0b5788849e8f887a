"""manage.py seed_demo: deterministic, shaped like the domain figures, consistent and careful,
composed of each app's demo module without breaking the layers."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import io
import itertools
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models
from django.db.models import QuerySet
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

import komar
from komar.accounts.models import Organisation, Role, User
from komar.assessments.models import DETERMINATION_NEWEST_FIRST, Assessment, Determination
from komar.audit.models import AuditEntry
from komar.casefile.integrity import find_broken
from komar.cases import actions
from komar.cases.demo import DEMO_PASSWORD, USERS, WomanRows, set_pointers
from komar.cases.models import Child, CustodyEpisode, Finding, Mother, Placement
from komar.conftest import make_user, register
from komar.counselling import demo as counselling_demo
from komar.counselling.actions import do_record_session
from komar.counselling.models import (
    SESSION_NEWEST_FIRST,
    ChildDecision,
    CounsellingSession,
    SessionFactor,
)
from komar.facilities.models import Facility

pytestmark = pytest.mark.django_db

KHMER = re.compile(r"^[\u1780-\u17ff]+( [\u1780-\u17ff]+)+$")
LATIN = re.compile(r"^[A-Z][a-z]+( [A-Z][a-z]+)+$")


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def demo_mothers() -> QuerySet[Mother]:
    return Mother.objects.filter(organisation__name_en__endswith="(demo)")


def digest() -> str:
    """Names, dates and places of every record, independent of row ids."""
    rows = []
    mothers = Mother.objects.prefetch_related(
        "episodes__facility", "children__placements__facility", "consents"
    )
    for mother in mothers:
        episodes = sorted(
            (e.facility.name_en, e.admission_date, e.legal_status, e.ended_on)
            for e in mother.episodes.all()
        )
        children = sorted(
            (
                c.name_km,
                c.name_latin,
                c.date_of_birth,
                sorted((p.kind, p.start_date, p.end_date) for p in c.placements.all()),
            )
            for c in mother.children.all()
        )
        consents = sorted((c.purpose, c.given_on, c.withdrawn_on) for c in mother.consents.all())
        rows.append(
            (
                str(mother.code),
                mother.name_km,
                mother.name_latin,
                mother.date_of_birth,
                episodes,
                children,
                consents,
            )
        )
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()


def fingerprint() -> str:
    """Every column of every row in every table of the project, except ids and timestamps: a
    foreign key counts as the code (or username, or name) of the row it points to."""

    def key_of(model: type[models.Model]) -> str:
        names = {f.name for f in model._meta.concrete_fields}
        return next((n for n in ("username", "code", "name_en") if n in names), "pk")

    keys: dict[type[models.Model], dict[Any, Any]] = {}
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if not model.__module__.startswith("komar.") and not model._meta.auto_created:
            continue
        columns = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key
            and not isinstance(f, models.DateTimeField)
            and f.name != "password"
        ]
        rows = []
        for values in model._base_manager.values_list(*[f.attname for f in columns]):
            row = []
            for f, value in zip(columns, values, strict=True):
                if f.is_relation and value is not None:
                    related = f.related_model
                    assert isinstance(related, type) and issubclass(related, models.Model)
                    if related not in keys:
                        name = key_of(related)
                        keys[related] = dict(related._base_manager.values_list("pk", name))
                    value = keys[related][value]
                row.append(str(value))
            rows.append(row)
        tables[model._meta.db_table] = sorted(rows)
    return hashlib.sha256(json.dumps(tables, sort_keys=True).encode()).hexdigest()


def test_the_same_seed_gives_the_same_rows_in_every_table() -> None:
    seed("--seed", "3", "--size", "120")
    assert CounsellingSession.objects.exists() and Assessment.objects.exists()
    assert Finding.objects.exists()
    first = fingerprint()
    seed("--seed", "3", "--size", "120", "--flush")
    assert fingerprint() == first
    seed("--seed", "4", "--size", "120", "--flush")
    assert fingerprint() != first


def test_demo_users_get_the_same_codes_in_a_fresh_database() -> None:
    from komar.cases.demo import demo_organisation_ids
    from komar.monitoring import demo as monitoring_demo
    from komar.research import demo as research_demo

    seed("--size", "0")
    codes = dict(User.objects.values_list("username", "code"))
    # The facilities' snapshots and checklists and the research project name their authors.
    research_demo.flush(demo_organisation_ids())
    monitoring_demo.flush(demo_organisation_ids())
    User.objects.all().delete()
    seed("--size", "0")
    assert dict(User.objects.values_list("username", "code")) == codes


def test_the_same_seed_gives_the_same_data() -> None:
    seed("--seed", "7", "--size", "60")
    first = digest()
    seed("--seed", "7", "--size", "60", "--flush")
    assert digest() == first
    seed("--seed", "8", "--size", "60", "--flush")
    assert digest() != first


def test_it_creates_as_many_women_as_asked() -> None:
    seed("--size", "60")
    assert Mother.objects.count() == 60
    assert demo_mothers().count() == 60


def test_it_writes_no_audit_rows_for_synthetic_data() -> None:
    seed("--size", "60")
    assert not AuditEntry.objects.exists()


def test_legal_facts_follow_the_domain_figures() -> None:
    seed("--size", "300")
    episodes = [m.latest_episode for m in Mother.objects.select_related("latest_episode")]
    assert all(e is not None for e in episodes)
    status = Counter(e.legal_status for e in episodes if e is not None)
    pre_trial = status["pre_trial"] + status["awaiting_judgment"]
    assert 0.6 <= pre_trial / 300 <= 0.8
    assert 0.12 <= status["sentenced"] / 300 <= 0.28
    assert 0.02 <= status["released"] / 300 <= 0.12
    drug = CustodyEpisode.objects.filter(
        pk__in=[e.pk for e in episodes if e is not None], offence_category__is_drug_related=True
    ).count()
    assert 0.4 <= drug / 300 <= 0.6
    first_offence = Mother.objects.filter(first_offence=Mother.FirstOffence.YES).count()
    assert first_offence / 300 >= 0.93
    without_lawyer = sum(1 for e in episodes if e is not None and not e.lawyer)
    assert 0.6 <= without_lawyer / 300 <= 0.8
    ages = [m.age() for m in Mother.objects.all()]
    assert all(a is not None and 18 <= a <= 45 for a in ages)
    pregnant = Mother.objects.filter(is_pregnant=True)
    assert 0.05 <= pregnant.count() / 300 <= 0.15
    today = timezone.localdate()
    for mother in pregnant:
        assert mother.expected_delivery_date is not None
        assert today < mother.expected_delivery_date <= today + dt.timedelta(days=245)


def test_released_and_transferred_women_have_closed_episodes() -> None:
    seed("--size", "300")
    released = Mother.objects.filter(latest_episode__legal_status="released")
    assert released.exists()
    for mother in released.select_related("latest_episode"):
        episode = mother.latest_episode
        assert episode is not None
        assert episode.ended_on is not None
        assert episode.end_reason == "released"
        assert episode.release_kind
    transfers = CustodyEpisode.objects.filter(end_reason="transferred")
    assert transfers.exists()
    for episode in transfers:
        later = episode.mother.episodes.exclude(pk=episode.pk).get()
        assert later.admission_date == episode.ended_on
        assert later.facility_id != episode.facility_id


def test_children_inside_match_the_prison_figures() -> None:
    seed("--size", "300")
    inside = [c for c in Child.objects.select_related("current_placement") if c.is_inside]
    assert 100 <= len(inside) <= 180
    flags = Counter(f.code for c in inside for f in c.flags())
    assert flags["over_limit"] >= 1
    assert flags["near_limit"] >= 1
    assert all(c.age_months() <= 42 for c in inside)
    born_inside = sum(1 for c in inside if c.born_in_custody)
    assert 0.3 <= born_inside / len(inside) <= 0.7
    kinds = Counter(
        c.current_placement.kind for c in Child.objects.select_related("current_placement")
    )
    assert kinds[Placement.Kind.RELATIVE] > kinds[Placement.Kind.FATHER] > 0
    assert kinds[Placement.Kind.UNKNOWN] >= 1


def test_siblings_are_born_months_apart() -> None:
    seed("--seed", "5", "--size", "400")
    close = 0
    for mother in Mother.objects.prefetch_related("children"):
        births = sorted(c.date_of_birth for c in mother.children.all())
        close += sum(1 for a, b in itertools.pairwise(births) if (b - a).days < 300)
    assert close <= 2  # a rare woman whose draws could not be spaced


def test_a_child_born_in_custody_was_born_after_the_admission() -> None:
    seed("--size", "300")
    born_inside = Child.objects.filter(born_in_custody=True).select_related("mother")
    assert born_inside.exists()
    for child in born_inside:
        first = child.mother.episodes.order_by("admission_date").first()
        assert first is not None
        assert child.date_of_birth > first.admission_date


def test_the_demo_obeys_the_date_rules() -> None:
    """No date in the demo data is one the forms would refuse (decisions before a birth,
    sessions at a stage that contradicts her custody, overlapping custody...)."""
    seed("--size", "600")
    assert list(find_broken()) == []
    # And the check does find a broken record, written around the rules.
    child = Child.objects.order_by("pk").first()
    assert child is not None
    Child.objects.filter(pk=child.pk).update(date_of_birth=dt.date(1, 1, 1))
    assert {b.kind for b in find_broken()} >= {"before_1900"}


def test_names_are_in_both_scripts() -> None:
    seed("--size", "300")
    for mother in Mother.objects.all():
        assert KHMER.match(mother.name_km), mother.name_km
        assert LATIN.match(mother.name_latin), mother.name_latin
    for child in Child.objects.all():
        assert KHMER.match(child.name_km), child.name_km
        assert LATIN.match(child.name_latin), child.name_latin


def test_latest_episode_and_current_placement_are_consistent() -> None:
    seed("--size", "300")
    for mother in Mother.objects.prefetch_related("episodes"):
        episodes = sorted(mother.episodes.all(), key=lambda e: (e.admission_date, e.pk))
        assert mother.latest_episode_id == episodes[-1].pk
        assert all(e.ended_on is not None for e in episodes[:-1])
    children = Child.objects.select_related(
        "current_placement", "mother__latest_episode"
    ).prefetch_related("placements")
    for child in children:
        open_placements = [p for p in child.placements.all() if p.end_date is None]
        assert [p.pk for p in open_placements] == [child.current_placement_id]
        placement = child.current_placement
        assert placement is not None
        if placement.kind == Placement.Kind.WITH_MOTHER:
            episode = child.mother.latest_episode
            assert episode is not None and episode.is_open
            assert placement.facility_id == episode.facility_id
        else:
            assert placement.facility_id is None


def test_women_are_held_where_women_are_held() -> None:
    seed("--size", "300")
    facilities = Counter(
        m.latest_episode.facility.name_en
        for m in Mother.objects.select_related("latest_episode__facility")
        if m.latest_episode is not None
    )
    assert set(facilities) <= set(
        Facility.objects.filter(holds_women=True).values_list("name_en", flat=True)
    )
    assert facilities.most_common(1)[0][0] in {
        "Siem Reap Provincial Prison",
        "Correctional Centre 2 (Prey Sar)",
    }
    ngo = Organisation.objects.get(name_en="Family Links Cambodia (demo)")
    assert Mother.objects.filter(
        organisation=ngo, latest_episode__facility__name_en="Siem Reap Provincial Prison"
    ).exists()


def test_demo_users_can_log_in() -> None:
    output = seed("--size", "10")
    for spec in USERS:
        client = Client()
        request = RequestFactory().post("/accounts/login/")
        assert client.login(request=request, username=spec.username, password=DEMO_PASSWORD)
        assert spec.username in output
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="sokha").language == "km"
    monitor = User.objects.get(username="monitor")
    assert monitor.facilities.count() == Facility.objects.filter(holds_women=True).count()


def test_demo_users_are_reset_when_seeded_again() -> None:
    seed("--size", "10")
    sokha = User.objects.get(username="sokha")
    sokha.set_password("forgotten-password")
    sokha.role = Role.RESEARCHER
    sokha.is_active = False
    sokha.save()
    sokha.facilities.clear()
    users = User.objects.count()

    seed("--size", "10", "--flush")

    sokha.refresh_from_db()
    assert sokha.check_password(DEMO_PASSWORD)
    assert sokha.role == Role.SOCIAL_WORKER
    assert sokha.is_active
    assert list(sokha.facilities.values_list("name_en", flat=True)) == [
        "Siem Reap Provincial Prison"
    ]
    assert User.objects.count() == users


def test_it_refuses_to_load_twice_without_flush() -> None:
    seed("--size", "10")
    with pytest.raises(CommandError, match="--flush"):
        seed("--size", "10")
    assert Mother.objects.count() == 10


def test_flush_also_removes_what_people_did_with_the_demo() -> None:
    seed("--size", "10")
    mother = demo_mothers().first()
    assert mother is not None
    sokha = User.objects.get(username="sokha")
    actions.do_change_mother(mother, {"phone": "012 000 111"}, expected_version=1, actor=sokha)
    assert AuditEntry.objects.filter(mother=mother).exists()
    seed("--size", "10", "--flush")
    assert not AuditEntry.objects.exists()
    assert Mother.objects.count() == 10


def test_it_refuses_a_database_with_other_women(siem_reap: Facility) -> None:
    real = Organisation.objects.create(name_en="Real NGO", name_km="អង្គការ", kind="ngo")
    worker = make_user("worker", real, Role.SOCIAL_WORKER, [siem_reap])
    woman = register(worker, siem_reap)

    for args in (["--size", "10"], ["--size", "10", "--flush"]):
        with pytest.raises(CommandError, match="1 women outside the demo"):
            seed(*args)
    assert not demo_mothers().exists()
    assert not User.objects.filter(username="sokha").exists()

    seed("--size", "10", "--flush", "--force")
    seed("--size", "10", "--flush", "--force")
    assert Mother.objects.filter(pk=woman.pk).exists()
    assert demo_mothers().count() == 10


def test_it_refuses_to_give_the_demo_password_to_a_real_account() -> None:
    real_admin = User.objects.create_user(username="admin", password="a-real-secret-password")
    with pytest.raises(CommandError, match="admin"):
        seed("--size", "10")
    real_admin.refresh_from_db()
    assert real_admin.check_password("a-real-secret-password")


def test_it_refuses_to_run_in_production_mode() -> None:
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="KOMAR_PRODUCTION"):
        seed("--size", "10")
    assert not User.objects.filter(username="admin").exists()


def test_casework_is_drawn_for_women_in_custody_and_stays_consistent() -> None:
    seed("--seed", "3", "--size", "400")
    sessions = CounsellingSession.objects.select_related("mother__latest_episode", "facility")
    assert sessions.count() > 20
    for session in sessions:
        episode = session.mother.latest_episode
        assert episode is not None and episode.ended_on is None
        assert session.facility_id == episode.facility_id
        assert session.facility_facts["km"]["name"] == session.facility.name_km
        assert episode.admission_date <= session.held_on <= timezone.localdate()
        assert session.review_on > session.held_on
    # Every session has one main factor, and decisions only about her own children.
    mains = Counter(SessionFactor.objects.filter(is_main=True).values_list("session", flat=True))
    assert set(mains.values()) == {1}
    assert len(mains) == sessions.count()
    for decision in ChildDecision.objects.select_related("session", "child"):
        if decision.child is not None:
            assert decision.child.mother_id == decision.session.mother_id
    institution = CounsellingSession.objects.filter(preference="institution")
    assert all(s.institution_justification for s in institution)
    for assessment in Assessment.objects.select_related("assessor", "decided_by"):
        assert assessment.organisation_id == assessment.assessor.organisation_id
        if assessment.status in ("approved", "returned"):
            assert assessment.decided_by.role == Role.SUPERVISOR
            assert assessment.decided_by != assessment.assessor
        assert assessment.elements.count() == 7


def test_the_casework_draws_leave_the_registry_data_as_before(monkeypatch: Any) -> None:
    seed("--seed", "7", "--size", "60")
    assert CounsellingSession.objects.exists()
    with_casework = digest()
    monkeypatch.setattr(counselling_demo, "COUNSELLED_SHARE", 0)
    seed("--seed", "7", "--size", "60", "--flush")
    assert not CounsellingSession.objects.exists()
    assert digest() == with_casework


def test_flush_removes_the_casework_and_what_people_added_to_it() -> None:
    seed("--seed", "3", "--size", "100")
    assert CounsellingSession.objects.exists()
    # A woman in custody today, so that a session "in custody" today fits her dates.
    mother = (
        demo_mothers()
        .filter(children__isnull=False, latest_episode__ended_on__isnull=True)
        .exclude(latest_episode=None)
        .first()
    )
    do_record_session(
        mother,
        {"held_on": timezone.localdate(), "stage": "in_custody", "review_on": timezone.localdate()},
        factors=[],
        main_factor=None,
        decisions=[
            {"child": mother.children.first(), "decision": "relative", "decided_by": "mother"}
        ],
        actor=User.objects.get(username="sokha"),
    )
    seed("--seed", "3", "--size", "100", "--flush")
    assert not AuditEntry.objects.exists()
    assert Mother.objects.count() == 100


def test_the_pointers_and_latest_flags_are_those_the_actions_keep() -> None:
    from komar.assessments.actions import mark_latest_determination
    from komar.counselling.actions import mark_latest_session

    seed("--seed", "3", "--size", "400")
    for mother in Mother.objects.select_related("latest_episode").prefetch_related(
        "children__current_placement"
    ):
        assert mother.latest_episode is not None
        assert mother.facility_id == mother.latest_episode.facility_id
        assert mother.legal_status == mother.latest_episode.legal_status
        inside = [c for c in mother.children.all() if c.is_inside]
        assert mother.children_inside == len(inside)
        for child in mother.children.all():
            placement = child.current_placement
            facility = placement.facility_id if child.is_inside and placement else None
            assert child.inside_facility_id == facility
    assert Child.objects.filter(inside_facility__isnull=False).exists()
    assert Mother.objects.filter(children_inside=2).exists()
    assert Mother.objects.filter(legal_status="released").exists()
    latest_sessions = set(CounsellingSession.objects.filter(is_latest=True).values_list("pk"))
    latest_determinations = set(Determination.objects.filter(is_latest=True).values_list("pk"))
    assert latest_sessions and latest_determinations
    women = Mother.objects.filter(counselling_sessions__isnull=False).distinct()
    assert len(latest_sessions) == women.count()
    for mother in women:
        newest = mother.counselling_sessions.order_by(*SESSION_NEWEST_FIRST).first()
        assert newest is not None and newest.is_latest
        mark_latest_session(mother)
    children = Child.objects.filter(determinations__isnull=False).distinct()
    assert len(latest_determinations) == children.count()
    for child in children:
        newest_determination = child.determinations.order_by(*DETERMINATION_NEWEST_FIRST).first()
        assert newest_determination is not None and newest_determination.is_latest
        mark_latest_determination(child)
    # The actions' own marking changes nothing.
    assert set(CounsellingSession.objects.filter(is_latest=True).values_list("pk")) == (
        latest_sessions
    )
    assert set(Determination.objects.filter(is_latest=True).values_list("pk")) == (
        latest_determinations
    )


def test_a_woman_without_an_episode_has_no_facility_nor_legal_status() -> None:
    mother = Mother(facility=Facility.objects.first(), legal_status="pre_trial")
    set_pointers(WomanRows(mother))
    assert mother.latest_episode is None
    assert mother.facility is None
    assert mother.legal_status == ""
    assert mother.children_inside == 0


def test_the_stored_findings_are_those_a_fresh_evaluation_gives() -> None:
    seed("--seed", "3", "--size", "300")
    assert Finding.objects.filter(resolved_at__isnull=True).exists()
    call_command("refresh_findings", "--check", stdout=io.StringIO())  # raises if any differ


def test_records_written_after_the_demo_get_ids_of_their_own(siem_reap: Facility) -> None:
    seed("--size", "30")
    demo_ids = set(Mother.objects.values_list("pk", flat=True))
    woman = register(User.objects.get(username="sokha"), siem_reap)
    assert woman.pk > max(demo_ids)
    seed("--size", "30", "--flush")
    assert not Mother.objects.filter(pk__in=[*demo_ids, woman.pk]).exists()  # never given twice
    assert Mother.objects.count() == 30


# Each app's demo module obeys the layers (import-linter checks the whole tree too).
ABOVE = {
    "cases": ["komar.counselling", "komar.assessments", "komar.tasks", "komar.casefile"],
    "counselling": ["komar.assessments", "komar.tasks", "komar.casefile"],
    "assessments": ["komar.tasks", "komar.casefile"],
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return found


@pytest.mark.parametrize("app", sorted(ABOVE))
def test_each_apps_demo_imports_nothing_from_the_layers_above(app: str) -> None:
    imported = imported_modules(Path(komar.__file__).parent / app / "demo.py")
    assert any(name.startswith("komar.") for name in imported)
    wrong = sorted(n for n in imported for top in ABOVE[app] if n == top or n.startswith(f"{top}."))
    assert wrong == []
