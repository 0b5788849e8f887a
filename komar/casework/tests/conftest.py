"""No casework test writes into the real documents folder: each gets a folder of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def documents_dir(tmp_path: Path, settings: Any) -> Path:
    folder = tmp_path / "documents"
    settings.KOMAR_DOCUMENTS_DIR = folder
    return folder
