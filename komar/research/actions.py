"""The research workflow's writes, each audited in the same transaction (codes and field
names only; never a pseudonym's key, never a value)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from komar.accounts.models import User
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.cases.actions import InvalidAction
from komar.research import dataset, exports
from komar.research.models import ExportFormat, ExportTable, ResearchExport, ResearchProject

log = logging.getLogger(__name__)


@transaction.atomic
def do_create_project(
    *, name: str, purpose: str, actor: User, ip: str | None = None
) -> ResearchProject:
    """A project of her organisation, with a new secret for its pseudonyms."""
    if actor.organisation_id is None:
        raise InvalidAction("a researcher without an organisation cannot create a project")
    project = ResearchProject.objects.create(
        organisation_id=actor.organisation_id, name=name, purpose=purpose, created_by=actor
    )
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=project,
        mother=None,
        fields=["name", "purpose", "secret"],
        ip=ip,
    )
    return project


@transaction.atomic
def do_request_export(
    project: ResearchProject,
    *,
    fmt: str,
    table: str,
    definition: dataset.Definition,
    actor: User,
    ip: str | None = None,
) -> ResearchExport:
    """Queue an export (written by `run_exports`, or at once by `do_write_export`)."""
    if fmt not in ExportFormat.values or table not in ExportTable.values:
        raise InvalidAction("unknown format or table")
    export = ResearchExport.objects.create(
        project=project,
        requested_by=actor,
        format=fmt,
        table=table,
        filters=definition.as_filters(),
    )
    write_audit(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=export,
        mother=None,
        fields=["format", "table", "filters"],
        ip=ip,
    )
    return export


def export_path(export: ResearchExport) -> Path:
    return Path(settings.KOMAR_RESEARCH_EXPORT_DIR) / f"{export.code}"


def _record_plan(export: ResearchExport, plan: dataset.Plan) -> None:
    export.women = plan.women
    export.consent_hash = plan.consent_hash
    export.k_achieved = plan.result.k
    export.generalisation = plan.result.as_json()


def do_write_export(export: ResearchExport, *, today: dt.date | None = None) -> ResearchExport:
    """Write the export's file: the consent state of `today` (Komar's today by default), the
    levels that give k, the rows; then its hash, size and row count, audited as a change.

    Not one transaction: the file is written between two short ones, so that the progress is
    seen by the page while it runs."""
    on = today or timezone.localdate()
    claimed = ResearchExport.objects.filter(
        pk=export.pk, status=ResearchExport.Status.QUEUED
    ).update(status=ResearchExport.Status.RUNNING, started_at=timezone.now(), progress=1)
    if not claimed:  # another process is writing it
        export.refresh_from_db()
        return export
    try:
        plan = dataset.make_plan(
            export.project, dataset.Definition.from_filters(export.filters), on
        )
        _record_plan(export, plan)
        if not plan.usable:
            raise InvalidAction(
                f"fewer than {settings.KOMAR_RESEARCH_K} women: no export can be anonymous"
            )
        total = plan.women if export.table == ExportTable.WOMEN else None

        def progress(done: int) -> None:
            # The rows are not counted in advance: a share of the women, or of a guess.
            whole = total or max(plan.women * 2, 1)
            ResearchExport.objects.filter(pk=export.pk).update(
                progress=min(99, max(2, 100 * done // whole))
            )

        path = export_path(export)
        path.parent.mkdir(parents=True, exist_ok=True)
        exports.write_file(plan, export.table, export.format, path, progress)
        count = _count_rows(plan, export)
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        export.rows = count
        export.sha256 = digest.hexdigest()
        export.size = path.stat().st_size
        export.status = ResearchExport.Status.DONE
        export.progress = 100
        export.error = ""
    except InvalidAction as error:
        export.status = ResearchExport.Status.FAILED
        export.error = str(error)[:300]
    except Exception:  # the page must say it failed; the log keeps the trace
        log.exception("research export %s failed", export.code)
        export.status = ResearchExport.Status.FAILED
        export.error = "the export could not be written"
    export.finished_at = timezone.now()
    _finish(export)
    return export


@transaction.atomic
def _finish(export: ResearchExport) -> None:
    fields = [
        "status",
        "progress",
        "finished_at",
        "women",
        "consent_hash",
        "k_achieved",
        "generalisation",
        "rows",
        "sha256",
        "size",
        "error",
    ]
    export.save(update_fields=fields)
    write_audit(
        actor=export.requested_by,
        action=AuditEntry.Action.CHANGE,
        obj=export,
        mother=None,
        fields=fields,
    )


def _count_rows(plan: dataset.Plan, export: ResearchExport) -> int:
    if export.format == ExportFormat.CODEBOOK:
        return len(plan.variables[export.table])
    return sum(1 for _ in dataset.rows(plan, export.table))


def do_finish_streamed_export(
    export: ResearchExport, plan: dataset.Plan, *, rows: int, sha256: str, size: int
) -> None:
    """The record of a CSV streamed straight to the researcher, once its last byte is sent
    (an interrupted download stays "being written", with the consent state it used)."""
    _record_plan(export, plan)
    export.rows = rows
    export.sha256 = sha256
    export.size = size
    export.status = ResearchExport.Status.DONE
    export.progress = 100
    export.finished_at = timezone.now()
    _finish(export)


def do_start_streamed_export(export: ResearchExport, plan: dataset.Plan) -> None:
    _record_plan(export, plan)
    export.status = ResearchExport.Status.RUNNING
    export.started_at = timezone.now()
    export.save(
        update_fields=[
            "status",
            "started_at",
            "women",
            "consent_hash",
            "k_achieved",
            "generalisation",
        ]
    )


def do_log_export_download(export: ResearchExport, *, actor: User, ip: str | None) -> None:
    write_audit(actor=actor, action=AuditEntry.Action.VIEW, obj=export, mother=None, ip=ip)


def run_queue(limit: int | None = None, today: dt.date | None = None) -> list[Any]:
    """Write the waiting exports, oldest first (`manage.py run_exports`)."""
    done = []
    queue = ResearchExport.objects.filter(status=ResearchExport.Status.QUEUED).order_by(
        "requested_at", "pk"
    )
    for export in queue.select_related("project", "requested_by")[:limit]:
        done.append(do_write_export(export, today=today))
    return done


def start_in_background(export: ResearchExport) -> None:
    """Start `manage.py run_exports --export <code>` in a process of its own, after the
    commit (no queue server needed). A cron'd `run_exports` picks up any export whose process
    did not run."""

    def spawn() -> None:
        import subprocess
        import sys

        manage = Path(settings.PROJECT_DIR) / "manage.py"
        subprocess.Popen(  # noqa: S603 (fixed arguments, our own command)
            [sys.executable, str(manage), "run_exports", "--export", str(export.code)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    transaction.on_commit(spawn)
