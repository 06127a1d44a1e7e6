"""A case's documents (the decision, a talk's record, a referral letter): a PDF, or a photo
of the signed pages, checked and served by config.documents, to the county alone.

Disciplinary records are personal data: never cached (Cache-Control: no-store).
"""

from config import documents


def clean_document(upload):
    """The upload ready to store, or ValidationError in the user's language."""
    return documents.clean_document(upload)


def document_response(field_file, *, download_name):
    return documents.document_response(
        field_file, download_name=download_name, cache_control="no-store"
    )
