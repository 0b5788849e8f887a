"""The getters of the legal records: the role first (403 before any lookup), then the woman's
scope (404 outside it, whether or not the record exists)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from komar.legal import access
from komar.legal.tests.test_case_actions import apply, current, hearing, order, record_case


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 3, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def records(sokha, sophea):
    return {
        access.get_legal_case_for_user: record_case(sophea, sokha, offence_class="felony"),
        access.get_detention_order_for_user: order(sophea, sokha),
        access.get_hearing_for_user: hearing(sophea, sokha),
        access.get_application_for_user: apply(sophea, sokha),
        access.get_episode_for_user: current(sophea),
    }


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_each_getter_finds_the_record_in_her_scope(sokha, prison_worker, records) -> None:
    """Her organisation's worker, and the prison department's, whose scope is her facility."""
    for user in (sokha, prison_worker):
        for getter, record in records.items():
            assert getter(request_of(user), record.code) == record, getter.__name__


def test_outside_her_scope_every_record_is_a_404_like_a_missing_one(outsider, records) -> None:
    for getter, record in records.items():
        for code in (record.code, uuid.uuid4()):
            with pytest.raises(Http404):
                getter(request_of(outsider), code)


def test_a_role_that_reads_no_cases_is_refused_before_any_lookup(
    researcher, monitor, records
) -> None:
    for user in (researcher, monitor):
        for getter, record in records.items():
            for code in (record.code, uuid.uuid4()):
                with pytest.raises(PermissionDenied):
                    getter(request_of(user), code)


def test_the_legal_aid_organisation_sees_them_once_she_shares_her_file(
    vicheka, records, shares_with_legal_aid
) -> None:
    for getter, record in records.items():
        assert getter(request_of(vicheka), record.code) == record, getter.__name__
    assert list(access.legal_cases_for_user(vicheka)) == [records[access.get_legal_case_for_user]]


def test_the_list_of_cases_follows_the_scope(
    outsider, researcher, monitor, prison_worker, sokha, records
) -> None:
    assert access.legal_cases_for_user(sokha).count() == 1
    assert access.legal_cases_for_user(prison_worker).count() == 1
    assert not access.legal_cases_for_user(outsider).exists()
    assert not access.legal_cases_for_user(researcher).exists()
    assert not access.legal_cases_for_user(monitor).exists()
