"""The world the URL × role matrix walks: one object of every kind a URL names, all in
township1 / institution1, in the state its pages need; and a user for every role."""

import datetime
import importlib
import pkgutil
import types

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from daily_reports import services as daily_reports
from duty_roster.models import Incident, LeaveReport, PostKind, RequestStatus, SwapRequest
from exports.models import ExportJob, JobStatus
from inspections import services as inspections
from inspections.models import Campaign, Level, Recurrence
from institutions.models import Role
from notifications.models import Channel, Delivery, DeliveryState, Notification
from relief import services as relief
from relief.models import RegistrationConflict
from tests.daily_reports.factories import ReportingPeriodFactory
from tests.duty_roster.factories import DutyPostFactory, LeaveApproverFactory, ShiftFactory
from tests.factories import TownshipStaffFactory, UserFactory
from tests.inspections.factories import InspectionFactory, checklist, jpeg
from tests.relief.factories import (
    ApplicationFactory,
    PersonCategoryFactory,
    PersonFactory,
    ProgrammeFactory,
    id_number,
)

# The columns of the matrix, in the table's order.
ROLES = ("anon", "inst1", "town1", "town2", "officer", "admin", "sysadmin", "secadmin", "auditor")


def extra_tables():
    """The areas that keep their rows and objects in tests/security/extra_<area>.py: each
    has URLS (and may have ADMIN_MODELS), rows in test_url_matrix.py's format, and
    `populate(w, users, outside)`, which adds its objects to the world (all of township1 /
    institution1) and appends to `outside` the words of them no other township may see."""
    package = importlib.import_module("tests.security")
    return [
        importlib.import_module(f"tests.security.{module.name}")
        for module in pkgutil.iter_modules(package.__path__)
        if module.name.startswith("extra_")
    ]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def role_users(inst1, town1, town2, officer):
    """Every role's user by its column name (anon: None). `admin` is the business
    administrator (Role.ADMIN) without superuser rights, as the three of 三员分立 are."""
    return {
        "anon": None,
        "inst1": inst1,
        "town1": town1,
        "town2": town2,
        "officer": officer,
        "admin": UserFactory(username="bizadmin", role=Role.ADMIN),
        "sysadmin": UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN),
        "secadmin": UserFactory(username="secadmin", role=Role.SECURITY_ADMIN),
        "auditor": UserFactory(username="auditor", role=Role.AUDIT_ADMIN),
    }


@pytest.fixture
def world(role_users, township1, township2, institution1, institution2):
    """Objects of township1 / institution1 reached through services where a state needs it."""
    inst1, town1, officer = role_users["inst1"], role_users["town1"], role_users["officer"]
    today = timezone.localdate()
    now = timezone.now()
    w = types.SimpleNamespace(
        township1=township1,
        township2=township2,
        institution1=institution1,
        institution2=institution2,
        today=today.isoformat(),
    )

    # Inspections: a draft, a submitted one with a failed item (its hazard) and a photo.
    version, items = checklist(items_per_section=1, sections=2)
    w.item = items[0]
    w.draft = InspectionFactory(institution=institution1, version=version, due_on=today)
    submitted = InspectionFactory(institution=institution1, version=version, due_on=today)
    w.answer = inspections.save_answer(
        inspection=submitted, item=items[0], user=town1, value="fail", photo=jpeg()
    )
    inspections.save_answer(inspection=submitted, item=items[1], user=town1, value="pass")
    w.submitted = inspections.submit_inspection(
        inspection=submitted, user=town1, inspector_name="张三", person_present="李秀英"
    )
    w.hazard = inspections.raise_hazard(
        institution=institution1,
        user=town1,
        category="fire",
        severity="general",
        description="灭火器过期",
        deadline=today + datetime.timedelta(days=7),
        photos=[jpeg()],
    )
    w.hazard_photo = w.hazard.photos.get()
    w.extension = inspections.request_extension(
        hazard=w.hazard,
        user=inst1,
        new_deadline=today + datetime.timedelta(days=20),
        reason="等配件",
    )
    w.campaign = Campaign.objects.create(
        name="春节消防安全排查",
        template=version.template,
        level=Level.TOWNSHIP,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
        due_on=today + datetime.timedelta(days=20),
        recurrence=Recurrence.ONCE,
    )

    # Duty: the township centre's post, a shift under way, a swap, a leave report, an incident.
    colleague = TownshipStaffFactory(username="town1b", township=township1)
    w.post = DutyPostFactory(kind=PostKind.TOWNSHIP_CENTRE, township=township1)
    w.shift = ShiftFactory(
        post=w.post,
        starts_at=now - datetime.timedelta(hours=2),
        ends_at=now + datetime.timedelta(hours=22),
        leader=town1,
        officers=[town1],
    )
    w.swap = SwapRequest.objects.create(
        shift=w.shift, requested_by=town1, replacement=colleague, reason="家中有事"
    )
    LeaveApproverFactory(user=officer)
    w.leave = LeaveReport.objects.create(
        person=town1,
        destination="郑州市民政厅",
        starts_at=now + datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=2),
        reason="开会",
        contact="13903960001",
        approver=officer,
        status=RequestStatus.PENDING,
    )
    w.incident = Incident.objects.create(
        occurred_at=now - datetime.timedelta(hours=1),
        township=township1,
        institution=institution1,
        place="羊册镇敬老院",
        category="fire",
        severity="general",
        summary="厨房起火，已扑灭",
        actions_taken="疏散老人",
        who_was_told="镇值班室",
        reported_by=inst1,
    )

    # Relief: a person paid by a batch, an application, a visit, a conflict with its transfer.
    programme = ProgrammeFactory(name="孤儿基本生活费")
    w.person = PersonFactory(township=township1, name="张小花", id_number=id_number(1))
    PersonCategoryFactory(person=w.person, category="orphan")
    w.batch = relief.generate_batch(programme=programme, period=f"{today:%Y-%m}", user=officer)
    w.application = ApplicationFactory(person=w.person, filed_by=town1, reason="冬季取暖困难")
    w.visit = relief.record_visit(
        person=w.person, user=town1, visited_on=today, findings="灶台老化需更换", needs="换灶台"
    )
    held = PersonFactory(township=township2, name="李大山", id_number=id_number(2))
    with pytest.raises(relief.IdNumberTaken):
        relief.register_person(
            user=town1,
            township=township1,
            village="王庄村",
            name=held.name,
            id_number=held.id_number,
        )
    w.conflict = RegistrationConflict.objects.get(township=township1)
    w.transfer = relief.request_transfer(
        conflict=w.conflict, user=town1, village="王庄村", reason="已搬到羊册镇"
    )

    # Notifications: one of town1's, pointing at the hazard; a failed delivery of it.
    w.notification = Notification.objects.create(
        key="matrix:1",
        rule="hazard_due",
        recipient=town1,
        title="灭火器过期隐患即将到期",
        url=w.hazard.get_absolute_url(),
    )
    Delivery.objects.create(
        notification=w.notification,
        channel=Channel.EMAIL,
        state=DeliveryState.FAILED,
        last_error="connection refused",
    )

    # Daily reports: a period covering today, the township centre's report.
    period = ReportingPeriodFactory(
        start_date=today - datetime.timedelta(days=3), end_date=today + datetime.timedelta(days=3)
    )
    w.daily_report = daily_reports.file_report(
        user=town1, period=period, day=today, township=township1, values={}, zero=True
    )

    # Exports: an export of the officer's built in the background, ready to download.
    w.export_job = ExportJob.objects.create(
        requester=officer,
        kind="hazard_ledger",
        title="隐患台账",
        source="inspections.exports.hazard_ledger",
        status=JobStatus.DONE,
        is_async=True,
        row_count=1,
        rows_written=1,
        filename="hazard-ledger.xlsx",
        finished_at=now,
    )
    w.export_job.file.save("hazard-ledger.xlsx", ContentFile(b"PK\x03\x04 not a real workbook"))

    # What no page or workbook may show to a role outside township1: names and words of
    # the objects above. town1 may not learn who holds the number it was refused.
    # (Township names are public; the import templates' example rows even use 羊册镇.)
    outside = [
        institution1.name,
        w.hazard.description,
        w.incident.summary,
        w.person.name,
        w.person.id_number,
        w.application.reason,
        w.visit.findings,
        w.leave.destination,
    ]
    for extra in extra_tables():
        extra.populate(w, role_users, outside)
    w.canaries = {
        "town1": [held.name, held.id_number, township2.name],
        "town2": outside,
        "sysadmin": outside,
        "secadmin": outside,
        "auditor": outside,
    }
    return w


@pytest.fixture
def admin_world(institution1):
    """What the admin site's own views need: an object to view on site."""
    return types.SimpleNamespace(
        institution1=institution1,
        institution_type=ContentType.objects.get_for_model(institution1),
    )
