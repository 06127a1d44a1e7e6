"""Attached documents (a plan, a signed responsibility letter): a PDF, or a photo of the
signed page. Only what the server checked is stored, under a name the server chose, and
it is served only through the scoped views (never from MEDIA_URL).

A PDF is kept as sent once its header says it is one, and served as a download
(Content-Disposition: attachment) with nosniff and a sandboxing CSP, so a browser never
renders it as a page of this site. A photo is re-encoded by config.uploads like every
other photo: only its pixels survive.
"""

import posixpath
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from config.uploads import ImageRejected, image_response, reencode_image

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
STORED_EXTENSIONS = {"pdf", "jpg", "png"}


class CheckedDocument(ContentFile):
    """The output of clean_document(): a PDF or a re-encoded photo, server-named."""


def clean_document(upload):
    """The upload ready to store; ValidationError (in Chinese) if it is neither a PDF nor a
    photo, or too large."""
    if isinstance(upload, CheckedDocument):
        return upload
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is larger than %(max_mb)d MB."),
            code="too_large",
            params={"max_mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        data = upload.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ValidationError(
                _("The file is larger than %(max_mb)d MB."),
                code="too_large",
                params={"max_mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
            )
        return CheckedDocument(data, name=f"{uuid.uuid4().hex}.pdf")
    try:
        image = reencode_image(upload)
    except ImageRejected as rejected:
        raise ValidationError(
            _("Upload the document as a PDF, or a photo (JPEG or PNG) of the signed pages."),
            code="not_document",
        ) from rejected
    return CheckedDocument(image.read(), name=image.name)


def document_path(folder):
    """An upload_to for `folder`: a fresh random name keeping the checked extension."""

    def upload_to(instance, filename):
        extension = posixpath.splitext(filename)[1].lower().lstrip(".")
        if extension not in STORED_EXTENSIONS:
            raise ValueError(f"only checked documents may be stored, not {filename!r}")
        return f"preparedness/{folder}/{uuid.uuid4().hex}.{extension}"

    upload_to.__name__ = f"{folder}_document_path"
    return upload_to


def plan_document_path(instance, filename):
    return document_path("plans")(instance, filename)


def letter_document_path(instance, filename):
    return document_path("letters")(instance, filename)


def document_response(field_file, *, download_name):
    """Serve a stored document: a PDF as a download, a photo as its decoded type."""
    if not field_file:
        raise Http404
    if not field_file.name.endswith(".pdf"):
        return image_response(field_file, download_name=download_name)
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except (OSError, ValueError) as error:
        raise Http404 from error
    if handle.read(len(PDF_MAGIC)) != PDF_MAGIC:
        handle.close()
        raise Http404
    handle.seek(0)
    response = FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{download_name}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
