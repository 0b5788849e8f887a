"""System checks: the documents folder must never be one that is served as files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@checks.register(checks.Tags.security)
def documents_dir_is_not_served(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    documents = Path(settings.KOMAR_DOCUMENTS_DIR).resolve()
    served = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    if settings.MEDIA_ROOT:
        served.append(Path(settings.MEDIA_ROOT))
    errors: list[checks.CheckMessage] = []
    for folder in served:
        folder = folder.resolve()
        if _inside(documents, folder) or _inside(folder, documents):
            errors.append(
                checks.Error(
                    f"KOMAR_DOCUMENTS_DIR ({documents}) overlaps {folder}, which is served as "
                    "files: documents would be reachable without the access checks.",
                    hint="Give KOMAR_DOCUMENTS_DIR a folder of its own, outside the static files.",
                    id="komar.E001",
                )
            )
    return errors
