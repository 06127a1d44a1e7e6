"""A case's documents (the decision, a talk's record, a referral letter): a PDF, or a photo
of the signed pages. Only what the server checked is stored, under a name it chose, and
served only through the case's view (never from MEDIA_URL), to the county alone.

The same rule as preparedness/documents.py: a PDF is kept once its header says it is
one and is always served as a download with nosniff and a sandboxing CSP; a photo is
re-encoded by config.uploads (its pixels only). Disciplinary records are personal data:
never cached (Cache-Control: no-store).
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from config.uploads import ImageRejected, image_response, reencode_image

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def _too_large():
    return ValidationError(
        _("The file is larger than %(max_mb)d MB."),
        code="too_large",
        params={"max_mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
    )


def clean_document(upload):
    """The upload ready to store, or ValidationError in the user's language."""
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise _too_large()
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        data = upload.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise _too_large()
        return ContentFile(data, name=f"{uuid.uuid4().hex}.pdf")
    try:
        image = reencode_image(upload)
    except ImageRejected as rejected:
        raise ValidationError(
            _("Upload the document as a PDF, or a photo (JPEG or PNG) of its pages."),
            code="not_document",
        ) from rejected
    return ContentFile(image.read(), name=image.name)


def document_response(field_file, *, download_name):
    """A PDF as a download, a photo as the type its content decodes as; never cached."""
    if not field_file:
        raise Http404
    if not field_file.name.endswith(".pdf"):
        response = image_response(field_file, download_name=download_name)
    else:
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
    response["Cache-Control"] = "no-store"
    return response
