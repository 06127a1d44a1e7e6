"""Accountability cases (问责) as .xlsx: the list with its filter, one row a case with its
number of documents; the county's alone; recorded, safe cells, flat query counts."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accountability import services
from accountability.models import Case, Decision, Ground
from exports.models import ExportJob
from tests.accountability.conftest import PDF, incident, spot_check
from tests.exports.conftest import (
    AUDIT_RECORD_QUERIES,
    FORMULA_LIKE,
    data_rows,
    formula_cells,
    header,
    workbook_of,
)

pytestmark = pytest.mark.django_db

LIST_XLSX = "accountability:list_xlsx"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def open_case(user, **fields):
    values = {
        "ground": Ground.OTHER,
        "person_name": "刘建国",
        "person_position": "中心主任",
        "fact": "值班电话长期无人接听",
        "decision": Decision.EDUCATION,
        "decided_on": timezone.localdate(),
    }
    values.update(fields)
    return services.open_case(user=user, **values)


def documents(count):
    return [(f"文书{n}", ContentFile(PDF, name=f"d{n}.pdf")) for n in range(count)]


@pytest.fixture
def cases(officer, township1, institution1, inst1):
    today = timezone.localdate()
    return {
        "duty": open_case(
            officer,
            ground=Ground.FAILED_DUTY,
            source=spot_check(officer, township1),
            person_name="王带班",
            decision=Decision.TALK,
            decided_on=today - datetime.timedelta(days=2),
            documents=documents(2),
        ),
        "late": open_case(
            officer,
            ground=Ground.LATE_REPORT,
            source=incident(inst1, institution1, minutes_late=200),
            person_name="李院长",
            person_position="院长",
            decision=Decision.OTHER,
            decision_other="书面检查",
            decided_on=today - datetime.timedelta(days=1),
        ),
        "other": open_case(officer, township=township1, documents=documents(1)),
    }


def book_of(client, **params):
    return workbook_of(client.get(reverse(LIST_XLSX), params))


def test_the_file_has_its_title_filter_who_and_when_and_a_frozen_header(client_for, officer, cases):
    sheet = book_of(client_for(officer), ground=Ground.LATE_REPORT).active
    assert sheet["A1"].value == "问责记录"
    assert sheet["A2"].value == "筛选条件：问责事由：突发事件迟报"
    assert officer.display_name in sheet["A3"].value
    assert header(sheet) == [
        "序号",
        "登记时间",
        "问责事由",
        "被问责单位",
        "被问责人",
        "职务",
        "问责事实",
        "问责方式",
        "决定日期",
        "登记人",
        "文书份数",
    ]
    assert sheet.freeze_panes == "A5"


def test_the_file_is_the_lists_cases_newest_decision_first(client_for, officer, cases):
    client = client_for(officer)
    on_page = client.get(reverse("accountability:list")).context["page"]
    rows = data_rows(book_of(client).active)
    assert len(rows) == on_page.paginator.count == 3
    assert [row[4] for row in rows] == [case.person_name for case in on_page]
    assert [row[4] for row in rows] == ["刘建国", "李院长", "王带班"]


def test_a_row_says_the_ground_unit_decision_and_its_documents(client_for, officer, cases):
    sheet = book_of(client_for(officer)).active
    rows = {row[4]: row for row in data_rows(sheet)}
    duty, late = rows["王带班"], rows["李院长"]
    assert duty[2:4] == ("值班值守不到位（查岗不合格）", "羊册镇")
    assert duty[7] == "约谈" and duty[10] == 2
    assert late[2:4] == ("突发事件迟报", "羊册镇敬老院")  # the institution, not its township
    assert late[7] == "书面检查" and late[10] == 0
    assert rows["刘建国"][10] == 1
    assert duty[9] == officer.display_name
    assert duty[8] == datetime.datetime.combine(cases["duty"].decided_on, datetime.time())
    decided = sheet.cell(row=5, column=9)
    assert decided.is_date and decided.number_format == "yyyy-mm-dd"
    opened = sheet.cell(row=5, column=2)
    assert opened.is_date and opened.number_format == "yyyy-mm-dd hh:mm"


def test_the_file_follows_the_lists_ground_filter(client_for, officer, cases):
    client = client_for(officer)
    params = {"ground": Ground.FAILED_DUTY}
    on_page = client.get(reverse("accountability:list"), params).context["page"]
    rows = data_rows(book_of(client, **params).active)
    assert [row[4] for row in rows] == [case.person_name for case in on_page] == ["王带班"]


def test_a_ground_that_does_not_exist_is_ignored_as_the_list_ignores_it(client_for, officer, cases):
    sheet = book_of(client_for(officer), ground="nonsense\x00").active
    assert sheet["A2"].value == "筛选条件：无（全部）"
    assert len(data_rows(sheet)) == 3


@pytest.mark.parametrize("role", ["town1", "inst1", "security_roles"])
def test_no_one_outside_the_county_downloads_the_cases(request, client_for, role, cases):
    found = request.getfixturevalue(role)
    for user in found.values() if isinstance(found, dict) else [found]:
        assert client_for(user).get(reverse(LIST_XLSX)).status_code == 403
    assert not ExportJob.objects.exists()


@pytest.fixture
def security_roles(db):
    from institutions.models import Role
    from tests.factories import UserFactory

    return {
        role: UserFactory(username=role.value, role=role)
        for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
    }


def test_the_admin_role_downloads_them_too(client_for, admin_user, cases):
    assert len(data_rows(book_of(client_for(admin_user)).active)) == 3


def test_facts_like_formulas_come_back_as_text_and_no_cell_is_a_formula(
    client_for, officer, township1
):
    # Written as they are (the service strips what it is given; the admin may not).
    for text in FORMULA_LIKE:
        Case.objects.create(
            ground=Ground.OTHER,
            township=township1,
            person_name="刘建国",
            person_position=text,
            fact=text,
            decision=Decision.EDUCATION,
            decided_on=timezone.localdate(),
            opened_by=officer,
        )
    book = book_of(client_for(officer))
    rows = data_rows(book.active)
    assert len(rows) == len(FORMULA_LIKE)
    assert all(row[6].startswith("'") and row[5].startswith("'") for row in rows)
    assert "'=1+1" in {row[6] for row in rows}
    assert formula_cells(book) == []


def test_every_download_is_recorded(client_for, officer, cases):
    book_of(client_for(officer), ground=Ground.OTHER)
    job = ExportJob.objects.get()
    assert job.kind == "accountability_cases" and job.requester == officer
    assert job.row_count == job.rows_written == 1


@pytest.mark.parametrize("size", [2, 12])
def test_the_files_query_count_does_not_grow(
    client_for, officer, township1, django_assert_num_queries, size
):
    for n in range(size):
        open_case(officer, township=township1, documents=documents(n % 3))
    client = client_for(officer)
    client.get(reverse("home"))
    # session, user, the count, the job's insert and the session's save (each in a
    # savepoint pair), the job running, the rows with their documents counted, the job done
    with django_assert_num_queries(12 + AUDIT_RECORD_QUERIES):
        rows = data_rows(book_of(client).active)
    assert len(rows) == size
    assert sum(row[10] for row in rows) == sum(n % 3 for n in range(size))


def test_the_list_links_its_download_with_its_filter(client_for, officer, cases):
    page = client_for(officer).get(reverse("accountability:list"), {"ground": Ground.OTHER})
    assert f'href="{reverse(LIST_XLSX)}?ground=other"' in page.content.decode()
    assert page.context["keep"] == "ground=other&"
