import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import InstitutionStaffFactory, UserFactory
from tests.preparedness.factories import PDF_BYTES


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inst2(institution2):
    return InstitutionStaffFactory(username="inst2", institution=institution2)


@pytest.fixture
def sysadmin(db):
    from institutions.models import Role

    return UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN)


def pdf_upload(name="预案.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def html_upload():
    return SimpleUploadedFile("evil.html", b"<html><script>alert(1)</script></html>", "text/html")


def errors_of(response):
    """Every error the page shows beside a field or above the form, as one string."""
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
