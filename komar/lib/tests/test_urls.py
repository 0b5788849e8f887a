import uuid

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from komar.lib.urls import link

VIEWS = [
    "casefile:mother_file",
    "casefile:child_file",
    "assessments:assessment_detail",
    "assessments:determination_detail",
]


@pytest.mark.parametrize("viewname", VIEWS)
def test_it_gives_the_url_that_reverse_gives(viewname) -> None:
    for code in (uuid.uuid4(), uuid.uuid4()):
        assert link(viewname, code) == reverse(viewname, kwargs={"code": code})


def test_it_follows_the_script_prefix() -> None:
    code = uuid.uuid4()
    link("casefile:mother_file", code)
    set_script_prefix("/komar/")
    try:
        assert link("casefile:mother_file", code) == f"/komar/women/{code}/"
        assert link("casefile:mother_file", code) == reverse("casefile:mother_file", args=[code])
    finally:
        clear_script_prefix()
    assert link("casefile:mother_file", code) == f"/women/{code}/"
