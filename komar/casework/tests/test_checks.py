"""The documents folder is never one that is served as files."""

from pathlib import Path

from komar.casework.checks import documents_dir_is_not_served


def test_the_default_folder_passes(settings) -> None:
    settings.KOMAR_DOCUMENTS_DIR = Path(settings.DATA_DIR) / "documents"
    assert documents_dir_is_not_served() == []


def test_a_folder_inside_the_static_files_is_an_error(settings, tmp_path) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    settings.KOMAR_DOCUMENTS_DIR = tmp_path / "static" / "documents"
    [error] = documents_dir_is_not_served()
    assert error.id == "komar.E001"


def test_a_folder_holding_the_media_files_is_an_error(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "data" / "media")
    settings.KOMAR_DOCUMENTS_DIR = tmp_path / "data"
    assert [e.id for e in documents_dir_is_not_served()] == ["komar.E001"]
