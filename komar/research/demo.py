"""The research workflow's demo data, written once the demo women and their casework are in:
one research project for each demo organisation that has a researcher, with its own secret.
Exports are not seeded: an export is a record of something a person did."""

from __future__ import annotations

import random
import uuid

from komar.accounts.models import Role
from komar.cases import demo as registry
from komar.research.models import ResearchExport, ResearchProject

PROJECT_NAME = "Factors behind the decision (demo)"


def seed(rng: random.Random, ref: registry.Reference) -> None:
    """Write the demo's research records (inside the caller's transaction)."""
    for user in ref.users.values():
        if user.role != Role.RESEARCHER or user.organisation_id is None:
            continue
        ResearchProject.objects.get_or_create(
            organisation_id=user.organisation_id,
            name=PROJECT_NAME,
            defaults={
                "purpose": "Which personal and external factors decide whether a child goes "
                "into prison with her mother, across facilities and years.",
                "created_by": user,
                "code": uuid.UUID(int=rng.getrandbits(128), version=4),
                "secret": f"{rng.getrandbits(256):064x}",
            },
        )


def flush(organisation_ids: list[int]) -> None:
    """Delete the demo's research records (before the registry deletes the demo women)."""
    projects = ResearchProject.objects.filter(organisation_id__in=organisation_ids)
    ResearchExport.objects.filter(project__in=projects).delete()
    projects.delete()


def summary(organisation_ids: list[int]) -> dict[str, int]:
    return {
        "research projects": ResearchProject.objects.filter(
            organisation_id__in=organisation_ids
        ).count()
    }
