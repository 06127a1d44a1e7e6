"""Uploaded documents (a plan, a signed letter, a case's decision): a PDF, or a photo of the
signed pages. Only what the server checked is stored, under a name the server chose, and it
is served only through an app's scoped view (never from MEDIA_URL).

A PDF is kept as sent once its header says it is one (what the client calls it counts for
nothing), and is always served as a download (Content-Disposition: attachment) with nosniff
and a sandboxing CSP, so a browser never renders it as a page of this site. A photo is
re-encoded by config.uploads like every other photo: only its pixels survive.

The apps differ only in words and in caching: each says what a refused upload should have
been (``not_document_message``), where its files live (``stored_document_name``'s folder),
and how long a browser may keep what it served (``cache_control``).
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
NOT_DOCUMENT_MESSAGE = _("Upload the document as a PDF, or a photo (JPEG or PNG) of its pages.")
# A photo's own default (config.uploads) unless an app asks for no caching at all.
PRIVATE_CACHE = "private, max-age=3600"


class CheckedDocument(ContentFile):
    """The output of clean_document(): a PDF or a re-encoded photo, server-named."""


def _too_large(max_bytes):
    return ValidationError(
        _("The file is larger than %(max_mb)d MB."),
        code="too_large",
        params={"max_mb": max_bytes // (1024 * 1024)},
    )


def clean_document(
    upload, *, not_document_message=NOT_DOCUMENT_MESSAGE, max_bytes=MAX_DOCUMENT_BYTES
):
    """The upload ready to store; ValidationError (in the user's language) if it is neither
    a PDF nor a photo, or too large. Cleaning a checked document again returns it as is."""
    if isinstance(upload, CheckedDocument):
        return upload
    if upload.size is not None and upload.size > max_bytes:
        raise _too_large(max_bytes)
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        # The declared size is the client's word: read one byte past the limit to know.
        data = upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise _too_large(max_bytes)
        return CheckedDocument(data, name=f"{uuid.uuid4().hex}.pdf")
    try:
        image = reencode_image(upload)
    except ImageRejected as rejected:
        raise ValidationError(not_document_message, code="not_document") from rejected
    return CheckedDocument(image.read(), name=image.name)


def stored_document_name(folder, filename):
    """For an upload_to: a fresh random name under `folder` keeping the checked extension.

    Storing anything that did not come out of clean_document() is a programming error,
    so it fails loudly.
    """
    extension = posixpath.splitext(filename)[1].lower().lstrip(".")
    if extension not in STORED_EXTENSIONS:
        raise ValueError(f"only checked documents may be stored, not {filename!r}")
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def document_response(field_file, *, download_name, cache_control=PRIVATE_CACHE):
    """Serve a stored document: a PDF as a download, a photo as the type its content
    decodes as; a 404 if the file is missing or is not what its name says."""
    if not field_file:
        raise Http404
    if field_file.name.endswith(".pdf"):
        response = _pdf_response(field_file, download_name=download_name)
    else:
        response = image_response(field_file, download_name=download_name)
    response["Cache-Control"] = cache_control
    return response


def _pdf_response(field_file, *, download_name):
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except (OSError, ValueError) as error:
        raise Http404 from error
    if handle.read(len(PDF_MAGIC)) != PDF_MAGIC:
        handle.close()
        raise Http404
    handle.seek(0)
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=f"{download_name}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
