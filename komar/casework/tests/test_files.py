"""What a file's content is, and where it is kept."""

import io
import warnings

import pytest
from PIL import Image, ImageFile

from komar.casework import files
from komar.casework.tests.factories import ELF, MZ, jpeg_bytes, pdf_bytes, png_bytes


def test_it_tells_the_formats_apart_by_their_content() -> None:
    assert files.check_content(pdf_bytes()) == "pdf"
    assert files.check_content(png_bytes()) == "png"
    assert files.check_content(jpeg_bytes()) == "jpeg"


def test_a_pdf_may_end_with_a_line_after_its_end_marker() -> None:
    assert files.check_content(pdf_bytes() + b"\r\n") == "pdf"


@pytest.mark.parametrize("content", [ELF, MZ, b"GIF89a" + b"\x00" * 50, b"\x00" * 10])
def test_anything_else_is_refused(content) -> None:
    with pytest.raises(files.Refused, match="Only PDF, JPEG and PNG"):
        files.check_content(content)


def test_a_png_with_the_signature_of_a_jpeg_is_refused() -> None:
    with pytest.raises(files.Refused, match="damaged"):
        files.check_content(files.JPEG_SIGNATURE + png_bytes())


def test_an_image_of_too_many_pixels_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(files.Refused, match="too many pixels"):
        files.check_content(png_bytes((20, 20)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        files.check_content(png_bytes((5, 5)))


def test_a_storage_name_is_random_and_nothing_else_is_a_path() -> None:
    name = files.new_storage_name()
    assert len(name) == 32 and name != files.new_storage_name()
    assert files.path_of(name).parent.name == name[:2]
    for bad in ["../../etc/passwd", "a" * 31, "A" * 32, "", "0" * 31 + "/"]:
        with pytest.raises(ValueError):
            files.path_of(bad)


def test_a_stored_file_is_written_whole_and_read_back(documents_dir) -> None:
    name = files.new_storage_name()
    files.store(name, b"%PDF-1.4 content")
    assert files.exists(name)
    with files.open_stored(name) as handle:
        assert handle.read() == b"%PDF-1.4 content"
    assert [p.name for p in files.path_of(name).parent.iterdir()] == [name]  # no temporary left
    files.remove(name)
    assert not files.exists(name)


def _photo(**options) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((300, 300), 50).convert("RGB").save(out, "JPEG", **options)
    return out.getvalue()


@pytest.mark.parametrize("options", [{}, {"progressive": True}, {"restart_marker_blocks": 1}])
def test_a_truncated_jpeg_is_refused_even_where_pillow_would_load_it(options, monkeypatch):
    # WeasyPrint turns this on for the whole process when it is imported.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    photo = _photo(**options)
    assert files.check_content(photo) == "jpeg"
    assert files.check_content(photo + b"\x00" * 64) == "jpeg"  # what some phones append
    for cut in (len(photo) // 2, len(photo) - 1):
        with pytest.raises(files.Refused, match="damaged"):
            files.check_content(photo[:cut])


def test_a_truncated_png_is_refused_even_where_pillow_would_load_it(monkeypatch) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    out = io.BytesIO()
    Image.effect_noise((300, 300), 50).convert("RGB").save(out, "PNG")
    with pytest.raises(files.Refused, match="damaged"):
        files.check_content(out.getvalue()[:-20])
