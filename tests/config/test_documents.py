"""Uploaded documents (config.documents): a PDF is kept when its content says PDF, a photo
keeps only its pixels, and a stored document is served as what it is."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import translation
from PIL import ExifTags, Image

from config.documents import (
    CheckedDocument,
    clean_document,
    document_response,
    stored_document_name,
)


def real_pdf():
    """A one-page PDF as Pillow writes it: a real document, not just a magic number."""
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, "PDF")
    return buffer.getvalue()


def camera_jpeg():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS 5D"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def upload(data, name, content_type):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(upload_file, **options):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        clean_document(upload_file, **options)
    return raised.value


def test_a_real_pdf_is_kept_as_sent_under_a_server_chosen_name():
    data = real_pdf()
    checked = clean_document(upload(data, "预案 final.pdf", "application/pdf"))
    assert isinstance(checked, CheckedDocument)
    assert checked.read() == data
    assert checked.name.endswith(".pdf") and "预案" not in checked.name


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused_in_chinese():
    fake = upload(b"<html><script>alert(1)</script></html>", "plan.pdf", "application/pdf")
    error = refusal(fake)
    assert error.code == "not_document"
    with translation.override("zh-hans"):
        assert "请上传PDF文件" in error.messages[0]


def test_an_app_gives_its_own_words_for_what_the_upload_should_have_been():
    fake = upload(b"plain text", "letter.pdf", "application/pdf")
    error = refusal(fake, not_document_message="只收签字页")
    assert error.messages == ["只收签字页"]


def test_a_jpeg_is_reencoded_and_its_exif_is_gone():
    data = camera_jpeg()
    assert Image.open(io.BytesIO(data)).getexif()  # the camera's make and model are there
    checked = clean_document(upload(data, "photo.jpeg", "image/jpeg"))
    assert checked.name.endswith(".jpg")
    stored = checked.read()
    assert stored != data
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (40, 30)
    assert dict(image.getexif()) == {}
    assert b"Canon" not in stored


def test_a_document_over_the_size_limit_is_refused_in_chinese():
    one_mb = 1024 * 1024
    too_big = upload(real_pdf() + b"\0" * one_mb, "big.pdf", "application/pdf")
    error = refusal(too_big, max_bytes=one_mb)
    assert error.code == "too_large"
    with translation.override("zh-hans"):
        assert error.messages == ["文件超过 1 MB。"]


def test_a_pdf_whose_declared_size_lies_is_still_refused_when_read():
    data = real_pdf() + b"\0" * 4096
    lying = upload(data, "big.pdf", "application/pdf")
    lying.size = 10
    assert refusal(lying, max_bytes=2048).code == "too_large"


def test_a_checked_document_cleaned_again_is_returned_as_is():
    checked = clean_document(upload(real_pdf(), "a.pdf", "application/pdf"))
    assert clean_document(checked) is checked


def test_stored_names_are_fresh_and_keep_only_a_checked_extension():
    first = stored_document_name("preparedness/plans", "3f.pdf")
    assert first.startswith("preparedness/plans/") and first.endswith(".pdf")
    assert stored_document_name("preparedness/plans", "3f.pdf") != first
    with pytest.raises(ValueError, match="checked documents"):
        stored_document_name("accountability", "evil.html")


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


def stored_file(storage, name, data):
    storage.save(name, ContentFile(data))
    field = type("F", (), {"storage": storage, "name": "file"})()
    return FieldFile(object(), field, name)


def test_a_stored_pdf_is_served_as_a_sandboxed_download(storage):
    response = document_response(
        stored_file(storage, "docs/a.pdf", real_pdf()), download_name="plan-3"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="plan-3.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, max-age=3600"


def test_an_app_may_forbid_caching_of_both_pdfs_and_photos(storage):
    for name, data in (("docs/a.pdf", real_pdf()), ("docs/b.jpg", camera_jpeg())):
        response = document_response(
            stored_file(storage, name, data), download_name="case-1", cache_control="no-store"
        )
        assert response["Cache-Control"] == "no-store"


def test_a_stored_pdf_that_is_not_a_pdf_is_never_served(storage):
    with pytest.raises(Http404):
        document_response(stored_file(storage, "docs/x.pdf", b"<html>"), download_name="x")
