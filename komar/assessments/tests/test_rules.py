"""Every rule (the registry's, counselling's and these), each branch: it fires with the facts it
used, or stays silent."""

import datetime as dt

import pytest

from komar.assessments.tests.factories import assess, counsel, determine
from komar.cases.actions import do_move_child
from komar.conftest import child_inside, register
from komar.lib.rules import CHILD, all_rules, rule_sets, shown

TODAY = dt.date(2026, 6, 1)


def fired(child, today=TODAY) -> dict[str, dict[str, str]]:
    """A fresh evaluation of every registered rule about one child, facts as shown in English."""
    return {
        f.rule.code: dict(shown(f.facts))
        for rule_set in rule_sets(CHILD)
        for f in rule_set.evaluate([child.pk], today)
    }


@pytest.fixture
def inside(sophea):
    return sophea.children.get(name_latin="Sok Vichet")  # born 2025-01-15, inside


@pytest.fixture
def outside(sophea):
    return sophea.children.get(name_latin="Sok Dara")


def test_every_rule_names_a_standard_and_a_version() -> None:
    codes = [r.code for r in all_rules()]
    assert len(codes) == len(set(codes))
    # The registry's, counselling's and assessments' rules at least (workflows add theirs).
    assert {"over_limit", "near_limit", "whereabouts_unknown", "no_counselling"} <= set(codes)
    for r in all_rules():
        assert r.version >= 1
        assert str(r.standard)
        assert str(r.title)


class TestOverLimit:
    def test_it_fires_the_day_after_the_limit_with_the_days_over(self, inside) -> None:
        facts = fired(inside, dt.date(2028, 1, 16))["over_limit"]  # limit: 15 Jan 2028
        assert facts["Stay limit"] == "15 Jan 2028"
        assert facts["Days over"] == "1"

    def test_it_is_silent_on_the_limit_date(self, inside) -> None:
        assert "over_limit" not in fired(inside, dt.date(2028, 1, 15))

    def test_it_marks_an_estimated_birth_date(self, sokha, siem_reap) -> None:
        mother = register(
            sokha,
            siem_reap,
            children=[child_inside(born=dt.date(2023, 1, 1), dob_is_estimated=True)],
        )
        facts = fired(mother.children.get())["over_limit"]
        assert facts["Date of birth"] == "1 Jan 2023 (estimated)"

    def test_it_is_silent_for_an_older_child_outside(self, outside) -> None:
        assert "over_limit" not in fired(outside)


class TestNearLimit:
    def test_it_fires_within_the_warning_window(self, inside) -> None:
        assert fired(inside, dt.date(2027, 12, 1))["near_limit"]["Days left"] == "45"

    def test_it_fires_on_the_limit_date(self, inside) -> None:
        assert fired(inside, dt.date(2028, 1, 15))["near_limit"]["Days left"] == "0"

    def test_it_is_silent_before_the_window(self, inside) -> None:
        assert "near_limit" not in fired(inside, dt.date(2027, 10, 1))


class TestWhereaboutsUnknown:
    def test_it_fires_when_the_placement_is_unknown(self, outside, sokha) -> None:
        do_move_child(outside, {"kind": "unknown", "start_date": dt.date(2026, 5, 1)}, actor=sokha)
        facts = fired(outside)["whereabouts_unknown"]
        assert facts["Since"] == "1 May 2026"

    def test_it_is_silent_when_the_child_is_placed(self, outside) -> None:
        assert "whereabouts_unknown" not in fired(outside)


class TestNoCounselling:
    def test_it_fires_for_a_child_inside_without_a_decision(self, inside) -> None:
        assert "no_counselling" in fired(inside)

    def test_it_is_silent_once_she_is_counselled(self, inside, sokha) -> None:
        counsel(inside, sokha)
        assert "no_counselling" not in fired(inside)

    def test_it_is_silent_for_a_child_outside(self, outside) -> None:
        assert "no_counselling" not in fired(outside)


class TestReviewOverdue:
    def test_it_fires_after_the_review_date(self, inside, sokha) -> None:
        counsel(inside, sokha, review_on=dt.date(2026, 5, 31))
        facts = fired(inside)["review_overdue"]
        assert "31 May 2026" in facts.values()

    def test_it_is_silent_on_the_review_date(self, inside, sokha) -> None:
        counsel(inside, sokha, review_on=TODAY)
        assert "review_overdue" not in fired(inside)

    def test_a_newer_session_replaces_the_old_review_date(self, inside, sokha) -> None:
        counsel(inside, sokha, review_on=dt.date(2026, 3, 1))
        counsel(inside, sokha, held_on=dt.date(2026, 3, 1), review_on=dt.date(2026, 9, 1))
        assert "review_overdue" not in fired(inside)


class TestDeterminationRequired:
    def test_it_fires_when_the_mother_contests_separation(self, inside, sokha) -> None:
        counsel(inside, sokha)
        assess(inside, sokha, submit=True, mother_contests_separation=True)
        assert "contests" in fired(inside)["determination_required"]["Why"]

    def test_a_new_blank_draft_does_not_hide_it(self, inside, sokha) -> None:
        assess(inside, sokha, submit=True, mother_contests_separation=True)
        assess(inside, sokha, assessed_on=dt.date(2026, 3, 1))
        assert "determination_required" in fired(inside)

    def test_a_draft_alone_does_not_raise_it(self, inside, sokha) -> None:
        counsel(inside, sokha)
        assess(inside, sokha, mother_contests_separation=True)
        assert "determination_required" not in fired(inside)

    def test_it_fires_when_officials_decide_against_her_stated_preference(
        self, inside, sokha
    ) -> None:
        counsel(
            inside, sokha, decision="relative", decided_by="officials", preference="with_mother"
        )
        assert "contests" in fired(inside)["determination_required"]["Why"]

    def test_it_is_silent_when_officials_decide_what_she_preferred(self, inside, sokha) -> None:
        counsel(inside, sokha, decision="relative", decided_by="officials", preference="relative")
        assert "determination_required" not in fired(inside)

    def test_it_fires_for_a_child_over_the_limit(self, sokha, siem_reap) -> None:
        mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2023, 1, 1))])
        child = mother.children.get()
        facts = fired(child)["determination_required"]
        assert "over the stay limit" in facts["Why"]
        assert facts["Stay limit"] == "1 Jan 2026"

    def test_it_fires_when_an_institution_is_recommended(self, outside, sokha) -> None:
        assess(outside, sokha, submit=True, recommendation="institution")
        assert "institution" in fired(outside)["determination_required"]["Why"]

    def test_it_fires_when_others_separate_the_child_against_her_wish(self, inside, sokha) -> None:
        counsel(inside, sokha, decision="relative", decided_by="others_against_wish")
        assert "contests" in fired(inside)["determination_required"]["Why"]

    def test_it_is_silent_when_others_keep_the_child_with_her_against_her_wish(
        self, inside, sokha
    ) -> None:
        counsel(inside, sokha, decision="with_mother", decided_by="others_against_wish")
        assert "determination_required" not in fired(inside)

    def test_it_fires_when_a_session_decides_on_an_institution(self, outside, sokha) -> None:
        counsel(outside, sokha, decision="institution")
        assert "institution" in fired(outside)["determination_required"]["Why"]

    def test_it_is_silent_without_a_reason(self, inside, sokha) -> None:
        assess(inside, sokha, recommendation="relative")
        assert "determination_required" not in fired(inside)

    def test_a_current_determination_settles_it(self, sokha, siem_reap) -> None:
        mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2023, 1, 1))])
        child = mother.children.get()
        determine(child, sokha, review_on=dt.date(2026, 8, 1))
        assert "determination_required" not in fired(child)

    def test_a_determination_past_its_review_no_longer_counts(self, sokha, siem_reap) -> None:
        mother = register(sokha, siem_reap, children=[child_inside(born=dt.date(2023, 1, 1))])
        child = mother.children.get()
        determine(child, sokha, review_on=dt.date(2026, 5, 1))
        assert "determination_required" in fired(child)


class TestInstitutionUnderThree:
    def test_it_fires_for_a_decision_of_institution_under_three(self, inside, sokha) -> None:
        counsel(inside, sokha, decision="institution")
        assert fired(inside)["institution_under_three"]["Age in months"] == "16"

    def test_it_fires_for_a_recommended_institution(self, inside, sokha) -> None:
        assess(inside, sokha, submit=True, recommendation="institution")
        assert "institution_under_three" in fired(inside)

    def test_it_is_silent_for_an_older_child(self, outside, sokha) -> None:
        counsel(outside, sokha, decision="institution")
        assert "institution_under_three" not in fired(outside)

    def test_it_is_silent_for_family_based_care(self, inside, sokha) -> None:
        counsel(inside, sokha, decision="relative")
        assert "institution_under_three" not in fired(inside)


class TestNearLimitWithoutAssessment:
    near = dt.date(2027, 12, 1)  # 45 days before 15 Jan 2028

    def test_it_fires_within_the_warning_window(self, inside) -> None:
        facts = fired(inside, self.near)["near_limit_without_assessment"]
        assert facts["Days left"] == "45"

    def test_it_is_silent_before_the_window(self, inside) -> None:
        assert "near_limit_without_assessment" not in fired(inside, dt.date(2027, 10, 1))

    def test_an_approved_assessment_settles_it(self, inside, sokha, dara) -> None:
        assess(inside, sokha, approve_by=dara)
        assert "near_limit_without_assessment" not in fired(inside, self.near)

    def test_a_draft_assessment_does_not(self, inside, sokha) -> None:
        assess(inside, sokha)
        assert "near_limit_without_assessment" in fired(inside, self.near)

    @pytest.mark.usefixtures("allow_unplanned_moves")
    def test_it_is_silent_once_the_child_has_left(self, inside, sokha) -> None:
        do_move_child(
            inside,
            {"kind": "relative", "carer_name": "Yim Sam", "start_date": dt.date(2026, 5, 1)},
            actor=sokha,
        )
        assert fired(inside, self.near) == {}


def test_facts_for_many_children_take_a_fixed_number_of_queries(
    sokha, siem_reap, django_assert_max_num_queries
) -> None:
    from komar.cases.models import Child

    def evaluate_all() -> None:
        ids = list(Child.objects.values_list("pk", flat=True))
        for rule_set in rule_sets(CHILD):
            rule_set.evaluate(ids, TODAY)

    def add(count: int) -> None:
        for _ in range(count):
            mother = register(sokha, siem_reap, children=[child_inside()])
            counsel(mother.children.get(), sokha)

    # Each rule set loads its children, then what its rules read (decisions, assessments,
    # measurements...): a fixed number of queries per rule set, whatever the number of children.
    add(5)
    with django_assert_max_num_queries(4 * len(rule_sets(CHILD))) as five:
        evaluate_all()
    add(10)
    with django_assert_max_num_queries(len(five.captured_queries)):
        evaluate_all()
