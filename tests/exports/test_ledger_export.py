"""The hazard ledger's .xlsx: the page's scope and filters, its timeline, safe cells."""

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from exports.models import ExportJob, JobStatus
from exports.services import stream_job
from inspections import services
from inspections.exports import hazard_ledger
from inspections.filters import HazardFilter
from inspections.models import DeadlineExtension, EventKind, Hazard, HazardEvent
from tests.exports.conftest import AUDIT_RECORD_QUERIES, data_rows, header, soon, workbook_of

URL = "inspections:ledger_xlsx"


def column(sheet, name):
    return header(sheet).index(name)


def test_the_file_has_a_title_its_filter_who_and_when_and_a_frozen_header(
    client_for, officer, hazards
):
    sheet = workbook_of(client_for(officer).get(reverse(URL), {"category": "fire"})).active
    assert sheet["A1"].value == "隐患台账"
    assert "消防安全" in sheet["A2"].value
    assert officer.display_name in sheet["A3"].value
    assert f"{timezone.localdate():%Y-%m-%d}" in sheet["A3"].value
    assert sheet.freeze_panes == "A5"
    assert header(sheet)[:3] == ["序号", "隐患编号", "乡镇（街道）"]
    assert sheet.column_dimensions["G"].width == 40


def test_rows_are_the_pages_filtered_hazards_numbered_1_to_n(client_for, officer, hazards):
    params = {"category": "fire"}
    expected = HazardFilter(
        params, queryset=Hazard.objects.visible_to(officer), user=officer
    ).qs.count()
    rows = data_rows(workbook_of(client_for(officer).get(reverse(URL), params)).active)
    assert len(rows) == expected == 8
    assert [row[0] for row in rows] == list(range(1, 9))
    assert [row[1] for row in rows] == [h.pk for h in hazards[:8]]  # the page's order


def test_a_clerk_gets_only_their_townships_hazards(
    client_for, town2, hazards, officer, institution2
):
    services.raise_hazard(
        institution=institution2,
        user=officer,
        category="gas",
        severity="general",
        description="别的乡镇",
        deadline=soon(1),
    )
    rows = data_rows(workbook_of(client_for(town2).get(reverse(URL))).active)
    assert [row[6] for row in rows] == ["别的乡镇"]


def test_dates_are_dates_and_times_are_times(client_for, officer, hazards):
    sheet = workbook_of(client_for(officer).get(reverse(URL))).active
    first = sheet[5]
    deadline = first[column(sheet, "整改期限")]
    found = first[column(sheet, "发现时间")]
    assert deadline.is_date and deadline.number_format == "yyyy-mm-dd"
    assert deadline.value.date() == hazards[0].deadline
    assert found.is_date and found.number_format == "yyyy-mm-dd hh:mm"
    expected = timezone.localtime(hazards[0].found_at).replace(tzinfo=None)
    assert abs(found.value - expected) < datetime.timedelta(seconds=1)


def test_a_description_like_a_formula_comes_back_as_text_and_no_cell_is_a_formula(
    client_for, officer, institution1
):
    for text in ("=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\tx", "\rx"):
        services.raise_hazard(
            institution=institution1,
            user=officer,
            category="fire",
            severity="general",
            description=text,
            deadline=soon(1),
        )
    sheet = workbook_of(client_for(officer).get(reverse(URL))).active
    described = column(sheet, "隐患描述")
    cells = [row[described] for row in sheet.iter_rows(min_row=5)]
    assert "'=1+1" in [cell.value for cell in cells]
    assert all(cell.data_type == "s" and cell.value.startswith("'") for cell in cells)
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_the_timeline_is_in_columns(client_for, officer, town1, institution1):
    hazard = services.raise_hazard(
        institution=institution1,
        user=officer,
        category="fire",
        severity="general",
        description="灭火器过期",
        deadline=soon(3),
    )
    at = timezone.now().replace(microsecond=0)
    for kind, minutes in (
        (EventKind.RECTIFYING, 10),
        (EventKind.RECTIFYING, 20),
        (EventKind.SUBMITTED, 30),
        (EventKind.VERIFIED, 40),
    ):
        HazardEvent.objects.create(
            hazard=hazard, kind=kind, actor=officer, at=at + datetime.timedelta(minutes=minutes)
        )
    for days, status in ((10, "approved"), (20, "approved"), (30, "refused")):
        DeadlineExtension.objects.create(
            hazard=hazard,
            requested_by=town1,
            requested_deadline=soon(days),
            reason="材料未到",
            status=status,
            decided_by=officer,
        )
    sheet = workbook_of(client_for(officer).get(reverse(URL))).active
    row = sheet[5]
    local = timezone.localtime(at).replace(tzinfo=None)

    def value(name):
        return row[column(sheet, name)].value

    assert value("开始整改") == local + datetime.timedelta(minutes=10)  # the first start
    assert value("提交整改") == local + datetime.timedelta(minutes=30)
    assert value("已复核销号") == local + datetime.timedelta(minutes=40)
    assert value("同意延期") == 2
    assert value("新的整改期限").date() == soon(20)


def test_every_download_is_recorded_with_its_filter_and_rows(client_for, officer, hazards):
    response = client_for(officer).get(reverse(URL), {"category": "gas", "page": "2"})
    workbook_of(response)  # the stream runs to its end
    job = ExportJob.objects.get()
    assert job.requester == officer
    assert job.kind == "hazard_ledger"
    assert job.params == {"category": ["gas"]}
    assert "燃气" in job.filter_text
    assert job.row_count == job.rows_written == 5
    assert job.status == JobStatus.DONE and not job.is_async and not job.file


@pytest.mark.parametrize("size", [3, 13])
def test_the_query_count_does_not_grow_with_the_rows(
    client_for, officer, institution1, django_assert_num_queries, size
):
    for n in range(size):
        services.raise_hazard(
            institution=institution1,
            user=officer,
            category="fire",
            severity="general",
            description=f"隐患{n}",
            deadline=soon(1),
        )
    client = client_for(officer)
    client.get(reverse("home"))  # the session is loaded once before counting
    # session, user, the count, the job's insert and the session's save (each in a
    # savepoint pair), the job running, the rows, the chunk's timeline and extensions,
    # the job done: the same for 3 rows as for 13.
    with django_assert_num_queries(14 + AUDIT_RECORD_QUERIES):
        workbook_of(client.get(reverse(URL)))


def test_a_download_left_half_way_is_recorded_as_cancelled(officer, hazards):
    export = hazard_ledger(officer, QueryDict())
    job = ExportJob.objects.create(requester=officer, kind="hazard_ledger", row_count=13)
    stream = stream_job(job, export)
    next(stream)
    stream.close()  # what the server does when the browser goes away
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "cancelled"


def test_a_chinese_file_name_arrives_whole(rf, officer, hazards):
    from exports.services import start_export

    request = rf.get("/")
    request.user = officer
    response = start_export(
        request,
        kind="hazard_ledger",
        source="inspections.exports.hazard_ledger",
        filename='隐患"台账".xlsx',
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E9%9A%90%E6%82%A3%22%E5%8F%B0%E8%B4%A6%22.xlsx" in disposition
