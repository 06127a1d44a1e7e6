import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from duty_roster.models import Incident, PostKind, SpotCheck
from institutions.models import Role
from tests.duty_roster.factories import DutyPostFactory
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name="决定书.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def spot_check(officer, township, *, result="failed", name=None):
    post = DutyPostFactory(
        kind=PostKind.TOWNSHIP_CENTRE, township=township, **({"name": name} if name else {})
    )
    present = result == "passed"
    return SpotCheck.objects.create(
        post=post,
        checked_at=timezone.now() - datetime.timedelta(hours=2),
        method="phone",
        result=result,
        leader_present=present,
        officers_present=present,
        findings="" if present else "带班领导不在岗",
        checked_by=officer,
    )


def incident(reporter, institution, *, minutes_late):
    now = timezone.now()
    return Incident.objects.create(
        occurred_at=now - datetime.timedelta(minutes=minutes_late),
        reported_at=now,
        township=institution.township,
        institution=institution,
        place="3号楼",
        category="fire",
        severity="ordinary",
        summary="电暖器冒烟",
        actions_taken="断电",
        who_was_told="镇值班室",
        reported_by=reporter,
    )


@pytest.fixture
def failed_check(officer, township1):
    return spot_check(officer, township1)


@pytest.fixture
def security_roles(db):
    return {
        role: UserFactory(username=role.value, role=role)
        for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
    }
