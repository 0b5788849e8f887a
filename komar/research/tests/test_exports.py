from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import subprocess
from pathlib import Path

import pandas as pd  # type: ignore[import-untyped]  # no stubs installed
import pytest
from django.urls import reverse

from komar.audit.models import AuditEntry
from komar.cases import actions as case_actions
from komar.conftest import client_for
from komar.research import dataset, exports
from komar.research.actions import export_path
from komar.research.models import ResearchExport
from komar.research.tests.helpers import PHONE, project_for, woman

TODAY = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _today(time_machine, settings, tmp_path):
    time_machine.move_to(dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC))
    settings.KOMAR_RESEARCH_EXPORT_DIR = tmp_path


@pytest.fixture
def cohort(sokha, siem_reap):
    """Seven consented women (six stay with the child, one does not) and one who did not
    consent."""
    women = [woman(sokha, siem_reap, n) for n in range(6)]
    women.append(
        woman(
            sokha, siem_reap, 6, factors=("E_NO_ALTERNATIVE_CARER",), main=None, decision="relative"
        )
    )
    woman(sokha, siem_reap, 7, consent=False)
    return women


def export(client, project, fmt, table="decisions", language="en"):
    return client.post(
        reverse("research:export_new", args=[project.code]),
        {"format": fmt, "table": table, "language": language},
    )


def file_of(response, client) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    assert response.status_code == 302, response.content[:500]
    record = ResearchExport.objects.get(code=response.url.rstrip("/").split("/")[-1])
    assert record.status == "done", record.error
    download = client.get(reverse("research:export_download", args=[record.code]))
    return b"".join(download.streaming_content)


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_it_exports_only_consenting_women_and_records_the_export(cohort, researcher):
    project = project_for(researcher)
    client = client_for(researcher)
    rows = read_csv(file_of(export(client, project, "csv"), client))
    assert len(rows) == 7  # the woman without a consent is out
    expected = {
        hmac.new(
            project.secret.encode(), f"woman:{m.code.hex}".encode(), hashlib.sha256
        ).hexdigest()[:20]
        for m in cohort
    }
    assert {r["woman_id"] for r in rows} == expected
    record = ResearchExport.objects.get()
    assert record.women == 7 and record.rows == 7 and record.status == "done"
    assert record.consent_hash == hashlib.sha256("\n".join(sorted(expected)).encode()).hexdigest()
    data = file_of(export(client, project, "csv"), client)
    assert ResearchExport.objects.first().sha256 == hashlib.sha256(data).hexdigest()
    assert AuditEntry.objects.filter(object_type="research.researchexport").count() >= 2


def test_it_drops_a_withdrawn_woman_from_every_export_and_statistic_afterwards(
    cohort, researcher, sokha
):
    project = project_for(researcher)
    client = client_for(researcher)
    before = read_csv(file_of(export(client, project, "csv"), client))
    assert len(before) == 7
    page = client.get(reverse("research:study", args=[project.code]))
    assert page.context["study"].women == 7  # and now in the cache
    gone = cohort[0]
    case_actions.do_withdraw_consent(
        gone.consents.get(purpose="research"), on=TODAY, note="", actor=sokha
    )
    pid = hmac.new(project.secret.encode(), f"woman:{gone.code.hex}".encode(), hashlib.sha256)
    pid_text = pid.hexdigest()[:20]
    for fmt in ("csv", "xlsx", "sav", "dta"):
        data = file_of(export(client, project, fmt), client)
        assert pid_text.encode() not in data, fmt
    rows = read_csv(file_of(export(client, project, "csv", table="women"), client))
    assert len(rows) == 6 and pid_text not in {r["woman_id"] for r in rows}
    page = client.get(reverse("research:study", args=[project.code]))
    assert page.context["study"].women == 6  # the withdrawal changed the cache's key
    assert page.context["study"].decisions == 6
    statistics = client.get(reverse("research:study_pdf", args=[project.code]))
    assert statistics.status_code == 200


def test_the_pseudonyms_differ_between_projects(cohort, researcher):
    client = client_for(researcher)
    one, two = project_for(researcher, "One"), project_for(researcher, "Two")
    first = {r["woman_id"] for r in read_csv(file_of(export(client, one, "csv"), client))}
    again = {r["woman_id"] for r in read_csv(file_of(export(client, one, "csv"), client))}
    other = {r["woman_id"] for r in read_csv(file_of(export(client, two, "csv"), client))}
    assert first == again and not first & other


def test_no_export_holds_a_name_a_birth_date_a_phone_or_a_registry_code(cohort, researcher):
    project = project_for(researcher)
    client = client_for(researcher)
    forbidden = [PHONE, "012345678", "1995-03-02", "02/03/1995", "Aunt Carer", "a private note"]
    for m in cohort:
        child = m.children.get()
        forbidden += [m.name_latin, m.name_km, m.case_number, str(m.code), str(child.code)]
        forbidden += [child.name_latin, child.name_km, m.village, str(child.date_of_birth)]
        forbidden += [str(s.code) for s in m.counselling_sessions.all()]
        forbidden += [s.mothers_words for s in m.counselling_sessions.all()]
    for table in ("decisions", "women", "children"):
        for fmt in ("csv", "xlsx", "sav", "dta", "codebook"):
            data = file_of(export(client, project, fmt, table=table, language="km"), client)
            if fmt == "xlsx":
                import zipfile

                archive = zipfile.ZipFile(io.BytesIO(data))
                data = b"".join(archive.read(n) for n in archive.namelist())
            for text in forbidden:
                assert text.encode() not in data, (table, fmt, text)
                assert text.encode("utf-16-le") not in data, (table, fmt, text)


def test_the_k_reported_holds_in_the_file(cohort, researcher):
    project = project_for(researcher)
    client = client_for(researcher)
    data = file_of(export(client, project, "csv"), client)
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    record = ResearchExport.objects.get()
    quasi = [
        "event_month",
        "child_age",
        "child_sex",
        "mother_age",
        "facility",
        "home_province",
        "offence",
        "legal_status",
    ]
    sizes = frame.groupby(quasi)["woman_id"].nunique()
    assert record.k_achieved is not None
    assert sizes.min() == record.k_achieved >= 5


def test_the_same_definition_gives_the_same_file(cohort, researcher, time_machine):
    project = project_for(researcher)
    client = client_for(researcher)
    for fmt in ("csv", "xlsx", "sav", "dta"):
        first = file_of(export(client, project, fmt), client)
        time_machine.shift(dt.timedelta(minutes=3))
        second = file_of(export(client, project, fmt), client)
        assert first == second, fmt


def test_pandas_reads_the_stata_file_with_its_labels(cohort, researcher, tmp_path):
    project = project_for(researcher)
    client = client_for(researcher)
    path = tmp_path / "out.dta"
    path.write_bytes(file_of(export(client, project, "dta"), client))
    with pd.io.stata.StataReader(path) as reader:
        labels = reader.variable_labels()
        values = reader.value_labels()
        frame = reader.read()
    assert labels["inside"] == "The child stays inside with the mother"
    assert labels["f_p_infant_age"].startswith("The child is very young")
    assert len(frame) == 7
    assert (frame["decision"] == "Stays with the mother in the facility").sum() == 6
    assert (frame["decision"] == "With a named relative").sum() == 1
    assert (frame["f_p_infant_age"] == "yes").sum() == 6
    assert any("Infant" in v or "young" in v for table in values.values() for v in table.values())


def test_pspp_reads_the_spss_file_with_its_labels(cohort, researcher, tmp_path):
    project = project_for(researcher)
    client = client_for(researcher)
    path = tmp_path / "out.sav"
    path.write_bytes(file_of(export(client, project, "sav", language="km"), client))
    syntax = tmp_path / "read.sps"
    syntax.write_text(
        f"GET FILE='{path}'.\nDISPLAY DICTIONARY /VARIABLES=inside decision.\n"
        "FREQUENCIES VARIABLES=decision.\n",
        encoding="utf-8",
    )
    run = subprocess.run(  # noqa: S603
        ["pspp", "-O", "format=txt", str(syntax)],  # noqa: S607 (Debian's pspp)
        capture_output=True,
        text=True,
        check=True,
    )
    out = run.stdout
    assert "warning" not in (run.stdout + run.stderr).lower()
    # The variable's Khmer label (the export's language), and the Khmer value label of "stays
    # with the mother" (from the catalogue), counted six times; "with a named relative" once.
    from django.utils import translation

    with translation.override("km"):
        label = translation.gettext("The child stays inside with the mother")
    assert label != "The child stays inside with the mother"  # translated
    assert "inside" in out and label in out
    assert "នៅជាមួយម្ដាយក្នុងកន្លែងឃុំឃាំង" in out
    line = next(
        x for x in out.splitlines() if "នៅជាមួយម្ដាយក្នុងកន្លែងឃុំឃាំង" in x and "|" in x and "6" in x
    )
    assert "|" in line


def test_the_codebook_names_every_variable_with_both_labels(cohort, researcher):
    project = project_for(researcher)
    client = client_for(researcher)
    data = file_of(export(client, project, "codebook"), client)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == ["variable", "label_en", "label_km", "type", "values", "source", "note"]
    names = [
        line[0]
        for line in lines[1:]
        if line and line[0] and not line[0].startswith(("k", "women", "data", "level"))
    ]
    assert "f_p_infant_age" in names and "main_factor" in names and "inside" in names
    factor = next(line for line in lines if line and line[0] == "f_p_infant_age")
    assert factor[2] == "កូននៅតូចពេក ហើយម្ដាយយល់ថាកូនមិនទាន់អាចបែកពីម្ដាយបាន"
    assert ["k", "7"] in lines


def test_a_dataset_of_fewer_than_k_women_is_refused(sokha, siem_reap, researcher):
    for n in range(3):
        woman(sokha, siem_reap, n)
    project = project_for(researcher)
    client = client_for(researcher)
    response = export(client, project, "sav")
    record = ResearchExport.objects.get()
    assert response.status_code == 302 and record.status == "failed"
    assert not export_path(record).exists()


def test_the_background_command_writes_a_queued_export(cohort, researcher):
    from django.core.management import call_command

    from komar.research.actions import do_request_export

    project = project_for(researcher)
    record = do_request_export(
        project, fmt="dta", table="children", definition=dataset.Definition(), actor=researcher
    )
    call_command("run_exports", stdout=io.StringIO())
    record.refresh_from_db()
    assert record.status == "done" and record.rows == 7 and record.progress == 100
    assert Path(export_path(record)).exists()


def test_the_csv_streams(cohort, researcher):
    project = project_for(researcher)
    plan = dataset.make_plan(project, dataset.Definition(), TODAY)
    chunks = list(exports.csv_chunks(plan, "decisions"))
    assert len(chunks) >= 2  # the header, then the rows
