"""Attached documents (a plan, a signed responsibility letter): a PDF, or a photo of the
signed page, checked and served by config.documents through the scoped views.

The upload_to functions stay here by name: migrations refer to them.
"""

from django.utils.translation import gettext_lazy as _

from config import documents

NOT_DOCUMENT_MESSAGE = _(
    "Upload the document as a PDF, or a photo (JPEG or PNG) of the signed pages."
)


def clean_document(upload):
    """The upload ready to store; ValidationError (in Chinese) if it is neither a PDF nor a
    photo, or too large."""
    return documents.clean_document(upload, not_document_message=NOT_DOCUMENT_MESSAGE)


def plan_document_path(instance, filename):
    return documents.stored_document_name("preparedness/plans", filename)


def letter_document_path(instance, filename):
    return documents.stored_document_name("preparedness/letters", filename)


def document_response(field_file, *, download_name):
    return documents.document_response(field_file, download_name=download_name)
