"""Relief's .xlsx: a batch's 发放花名册 to sign, the applications and the home visits lists,
each with its page's scope and filters, masked ID numbers, money to the fen, safe cells."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from exports.models import ExportJob, JobStatus
from relief import exports as relief_exports
from relief import services
from relief.models import HomeVisit
from relief.validators import mask_id_number
from tests.exports.conftest import AUDIT_RECORD_QUERIES, FORMULA_LIKE, formula_cells, workbook_of
from tests.factories import InstitutionStaffFactory, TownshipStaffFactory
from tests.relief.factories import (
    ApplicationFactory,
    PersonCategoryFactory,
    PersonFactory,
    ProgrammeFactory,
    TemporaryAssistanceFactory,
)

# The file's title, filter, who and when; the roster's unit and dates; then the header.
ROSTER_HEADER_ROW = 6
LIST_HEADER_ROW = 4
MONEY = "#,##0.00"


def roster_url(batch):
    return reverse("relief:batch_xlsx", args=[batch.pk])


def header_of(sheet, row):
    return [cell.value for cell in sheet[row]]


def lines_of(sheet):
    """The roster's numbered lines (the totals and signature lines follow them)."""
    rows = sheet.iter_rows(min_row=ROSTER_HEADER_ROW + 1, values_only=True)
    return [row for row in rows if isinstance(row[0], int)]


def footer_of(sheet):
    rows = list(sheet.iter_rows(min_row=ROSTER_HEADER_ROW + 1, values_only=True))
    return [row for row in rows if not isinstance(row[0], int)]


def list_rows(sheet):
    return list(sheet.iter_rows(min_row=LIST_HEADER_ROW + 1, values_only=True))


def roster_of(officer, *townships, size=1, name="孤儿基本生活费", category="orphan"):
    """A batch of a programme of its own category: it pays only the people made here."""
    programme = ProgrammeFactory(name=name, amount=Decimal("612.5"), eligible_categories=[category])
    for township in townships:
        for _ in range(size):
            PersonCategoryFactory(person__township=township, category=category)
    return services.generate_batch(programme=programme, period="2027-01", user=officer)


@pytest.fixture
def batch(officer, township1, township2):
    """Three lines in 羊册镇 and two in 马谷田镇 (李庄村); one more in 羊册镇 left out."""
    for _ in range(3):
        PersonCategoryFactory(person__township=township1)
    for _ in range(2):
        PersonCategoryFactory(person__township=township2, person__village="李庄村")
    left_out = PersonCategoryFactory(person__township=township1, person__name="已去世")
    batch = services.generate_batch(
        programme=ProgrammeFactory(name="孤儿基本生活费", amount=Decimal("612.5")),
        period="2027-01",
        user=officer,
    )
    services.exclude_from_batch(
        line=batch.lines.get(person=left_out.person), user=officer, reason="已于1月去世"
    )
    batch.refresh_from_db()
    return batch


# --- 发放花名册 ----------------------------------------------------------------------------


def test_the_roster_has_its_title_unit_dates_and_a_frozen_header(
    client_for, officer, batch, settings
):
    sheet = workbook_of(client_for(officer).get(roster_url(batch))).active
    assert sheet["A1"].value == "孤儿基本生活费 2027-01 发放花名册"
    assert officer.display_name in sheet["A3"].value
    assert f"{settings.COUNTY_NAME}民政局" in sheet["A4"].value
    dates = sheet["A5"].value
    assert "2027-01" in dates and "草稿" in dates
    assert f"制表日期：{timezone.localdate():%Y-%m-%d}" in dates
    assert header_of(sheet, ROSTER_HEADER_ROW) == [
        "序号",
        "姓名",
        "村（社区）",
        "身份证号码",
        "类别",
        "金额（元）",
        "领取人签字（手印）",
    ]
    assert sheet.freeze_panes == f"A{ROSTER_HEADER_ROW + 1}"


def test_the_roster_is_the_paid_lines_in_the_printed_order_with_masked_ids(
    client_for, officer, batch
):
    sheet = workbook_of(client_for(officer).get(roster_url(batch))).active
    rows = lines_of(sheet)
    paid = batch.lines.paid().in_roster_order().select_related("person")
    assert len(rows) == batch.count == paid.count() == 5
    assert [row[0] for row in rows] == [1, 2, 3, 4, 5]
    assert [row[1] for row in rows] == [line.person_name for line in paid]
    assert "已去世" not in [row[1] for row in rows]
    assert [row[3] for row in rows] == [mask_id_number(line.person.id_number) for line in paid]
    ids = {line.person.id_number for line in paid}
    assert not [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell in ids]
    assert {row[4] for row in rows} == {"孤儿"}
    assert {row[6] for row in rows} == {None}  # the column to sign in


def test_amounts_are_money_and_the_totals_row_counts_people_and_money(client_for, officer, batch):
    sheet = workbook_of(client_for(officer).get(roster_url(batch))).active
    first = sheet[ROSTER_HEADER_ROW + 1]
    assert first[5].value == 612.5 and first[5].number_format == MONEY
    totals, _blank, signatures = footer_of(sheet)
    assert totals[:2] == ("合计", "共5人")
    assert totals[5] == float(batch.total) == 3062.5
    assert sheet.cell(row=ROSTER_HEADER_ROW + 6, column=6).number_format == MONEY
    assert [cell for cell in signatures if cell] == ["经办人：", "审核人：", "负责人：", "日期："]


def test_the_roster_prints_on_a4_with_grid_lines_and_rows_tall_enough_to_sign(
    client_for, officer, batch
):
    sheet = workbook_of(client_for(officer).get(roster_url(batch))).active
    assert sheet.print_options.gridLines
    assert sheet.sheet_format.defaultRowHeight == relief_exports.SIGNING_ROW_HEIGHT
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "portrait"
    assert sheet.print_title_rows == f"$1:${ROSTER_HEADER_ROW}"


def test_a_clerk_gets_only_their_townships_lines(client_for, town2, batch):
    book = workbook_of(client_for(town2).get(roster_url(batch)))
    sheet = book.active
    rows = lines_of(sheet)
    assert len(rows) == 2 and {row[2] for row in rows} == {"李庄村"}
    assert sheet.title == "马谷田镇"
    assert "马谷田镇" in sheet["A2"].value and "马谷田镇" in sheet["A4"].value
    assert footer_of(sheet)[0][5] == 1225.0
    assert ExportJob.objects.get().row_count == 2


def test_a_clerk_asking_for_another_township_gets_no_one_of_it(client_for, town2, batch, township1):
    response = client_for(town2).get(roster_url(batch), {"township": township1.pk})
    assert lines_of(workbook_of(response).active) == []


def test_a_batch_that_pays_nobody_of_the_clerks_township_is_a_404(
    client_for, officer, township1, township2
):
    batch = roster_of(officer, township1)
    clerk = TownshipStaffFactory(township=township2)
    assert client_for(clerk).get(roster_url(batch)).status_code == 404
    assert not ExportJob.objects.exists()


def test_institution_staff_may_not_download_a_roster(client_for, institution1, batch):
    staff = InstitutionStaffFactory(institution=institution1)
    assert client_for(staff).get(roster_url(batch)).status_code == 403


def test_a_batch_that_does_not_exist_is_a_404(client_for, officer):
    assert client_for(officer).get(reverse("relief:batch_xlsx", args=[987654])).status_code == 404


def test_the_bureau_narrows_the_roster_to_one_township(client_for, officer, batch, township1):
    response = client_for(officer).get(roster_url(batch), {"township": township1.pk})
    sheet = workbook_of(response).active
    assert len(lines_of(sheet)) == 3
    assert "羊册镇" in sheet["A2"].value


def test_a_sheet_per_township_each_with_its_subtotal_then_a_summary(client_for, officer, batch):
    book = workbook_of(client_for(officer).get(roster_url(batch), {"layout": "township"}))
    assert book.sheetnames == ["羊册镇", "马谷田镇", "汇总"]
    first, second, summary = book.worksheets
    assert len(lines_of(first)) == 3 and len(lines_of(second)) == 2
    assert [row[0] for row in lines_of(second)] == [1, 2]  # numbered within the township
    assert footer_of(first)[0][:2] == ("合计", "共3人") and footer_of(first)[0][5] == 1837.5
    assert footer_of(second)[0][5] == 1225.0
    assert first["A2"].value == "筛选条件：版式：每个乡镇（街道）一张表"
    assert "羊册镇" in first["A4"].value
    assert "经办人：" in footer_of(second)[2]
    rows = list(summary.iter_rows(min_row=ROSTER_HEADER_ROW + 1, values_only=True))
    assert rows == [
        (1, "羊册镇", 3, 1837.5),
        (2, "马谷田镇", 2, 1225.0),
        ("合计", None, 5, 3062.5),
    ]
    job = ExportJob.objects.get()
    assert job.row_count == job.rows_written == 5  # the summary is not a line


def test_a_long_roster_is_split_by_township_unless_one_sheet_is_asked_for(
    client_for, officer, batch, monkeypatch
):
    monkeypatch.setattr(relief_exports, "LINES_AT_ONCE", 4)
    client = client_for(officer)
    assert workbook_of(client.get(roster_url(batch))).sheetnames == ["羊册镇", "马谷田镇", "汇总"]
    single = workbook_of(client.get(roster_url(batch), {"layout": "single"}))
    assert single.sheetnames == ["发放花名册"]
    monkeypatch.setattr(relief_exports, "LINES_AT_ONCE", 5)
    assert workbook_of(client.get(roster_url(batch))).sheetnames == ["发放花名册"]


def test_names_like_formulas_come_back_as_text_and_no_cell_is_a_formula(
    client_for, officer, township1
):
    for text in FORMULA_LIKE:
        PersonCategoryFactory(person__township=township1, person__name=text)
    batch = services.generate_batch(programme=ProgrammeFactory(), period="2027-01", user=officer)
    assert batch.count == len(FORMULA_LIKE)
    book = workbook_of(client_for(officer).get(roster_url(batch), {"layout": "township"}))
    names = {row[1] for row in lines_of(book.worksheets[0])}
    assert "'=1+1" in names and all(name.startswith("'") for name in names)
    assert formula_cells(book) == []


def test_a_programme_with_the_longest_name_still_exports(client_for, officer, township1):
    batch = roster_of(officer, township1, name="长" * 100)
    response = client_for(officer).get(roster_url(batch))
    sheet = workbook_of(response).active
    assert len(lines_of(sheet)) == 1
    assert len(ExportJob.objects.get().title) <= 100


def test_every_roster_download_is_recorded(client_for, officer, batch):
    workbook_of(client_for(officer).get(roster_url(batch), {"layout": "single", "page": "3"}))
    job = ExportJob.objects.get()
    assert job.kind == "relief_roster" and job.requester == officer
    assert job.params == {"layout": ["single"], "batch": [str(batch.pk)]}
    assert job.row_count == job.rows_written == 5
    assert job.status == JobStatus.DONE


@pytest.mark.parametrize("layout", ["single", "township"])
def test_the_rosters_query_count_does_not_grow_with_its_lines(
    client_for, officer, township1, township2, django_assert_num_queries, layout
):
    small = roster_of(officer, township1, township2, size=1, name="小", category="dibao")
    large = roster_of(officer, township1, township2, size=8, name="大", category="tekun")
    client = client_for(officer)
    client.get(reverse("home"))  # the session is loaded once before counting
    # session, user, the batch, the count, the job's insert and the session's save (each
    # in a savepoint pair), the job running, the lines, the job done
    with django_assert_num_queries(13 + AUDIT_RECORD_QUERIES):
        workbook_of(client.get(roster_url(small), {"layout": layout}))
    with django_assert_num_queries(13 + AUDIT_RECORD_QUERIES):
        workbook_of(client.get(roster_url(large), {"layout": layout}))


def test_the_batch_page_offers_both_downloads(client_for, officer, batch):
    page = client_for(officer).get(reverse("relief:batch", args=[batch.pk])).content.decode()
    assert f'href="{roster_url(batch)}"' in page
    assert f'href="{roster_url(batch)}?layout=township"' in page


def test_a_clerks_relief_home_lists_the_rosters_of_their_township(
    client_for, officer, town2, batch, township1
):
    elsewhere = roster_of(officer, township1, name="仅羊册镇", category="dibao")
    page = client_for(town2).get(reverse("relief:index"))
    assert list(page.context["rosters"]) == [batch]
    assert roster_url(batch) in page.content.decode()
    assert roster_url(elsewhere) not in page.content.decode()


# --- Applications --------------------------------------------------------------------------


@pytest.fixture
def applications(township1, township2):
    programme = TemporaryAssistanceFactory(name="临时救助")
    filed = []
    for township, count in ((township1, 3), (township2, 2)):
        for n in range(count):
            person = PersonFactory(township=township)
            filed.append(
                ApplicationFactory(person=person, programme=programme, amount=Decimal("1234.5") + n)
            )
    return filed


def test_the_applications_file_is_the_pages_list_with_its_status_filter(
    client_for, officer, applications
):
    applications[0].status = "approved"
    applications[0].save()
    client = client_for(officer)
    params = {"status": "submitted"}
    on_page = client.get(reverse("relief:applications"), params).context["page"]
    sheet = workbook_of(client.get(reverse("relief:applications_xlsx"), params)).active
    assert sheet["A1"].value == "救助申请台账"
    assert "状态：待乡镇审核" in sheet["A2"].value
    assert header_of(sheet, LIST_HEADER_ROW)[:6] == [
        "序号",
        "乡镇（街道）",
        "村（社区）",
        "姓名",
        "身份证号码",
        "救助项目",
    ]
    assert sheet.freeze_panes == "A5"
    rows = list_rows(sheet)
    assert len(rows) == on_page.paginator.count == 4
    assert [row[0] for row in rows] == [1, 2, 3, 4]
    assert [row[3] for row in rows] == [a.person.name for a in on_page]  # newest first


def test_an_application_row_has_a_masked_id_money_and_times(client_for, officer, applications):
    application = applications[-1]
    sheet = workbook_of(client_for(officer).get(reverse("relief:applications_xlsx"))).active
    row = sheet[LIST_HEADER_ROW + 1]
    values = [cell.value for cell in row]
    assert values[4] == mask_id_number(application.person.id_number)
    assert application.person.id_number not in values
    assert values[6] == 1235.5 and row[6].number_format == MONEY
    assert values[9] == "待乡镇审核"
    assert values[10] == application.filed_by.display_name
    filed_at = row[11]
    assert filed_at.is_date and filed_at.number_format == "yyyy-mm-dd hh:mm"
    expected = timezone.localtime(application.filed_at).replace(tzinfo=None)
    assert abs(filed_at.value - expected) < datetime.timedelta(seconds=1)


def test_a_clerk_gets_only_their_townships_applications(client_for, town2, applications):
    rows = list_rows(workbook_of(client_for(town2).get(reverse("relief:applications_xlsx"))).active)
    assert {row[1] for row in rows} == {"马谷田镇"} and len(rows) == 2


def test_an_application_reason_like_a_formula_is_text(client_for, officer, township1):
    for text in FORMULA_LIKE:
        ApplicationFactory(person=PersonFactory(township=township1), reason=text)
    book = workbook_of(client_for(officer).get(reverse("relief:applications_xlsx")))
    reasons = [row[7] for row in list_rows(book.active)]
    assert "'=1+1" in reasons and all(reason.startswith("'") for reason in reasons)
    assert formula_cells(book) == []


@pytest.mark.parametrize("size", [2, 9])
def test_the_applications_query_count_does_not_grow(
    client_for, officer, township1, django_assert_num_queries, size
):
    for _ in range(size):
        ApplicationFactory(person=PersonFactory(township=township1))
    client = client_for(officer)
    client.get(reverse("home"))
    # session, user, the count, the job's insert and the session's save (each in a
    # savepoint pair), the job running, the rows, the job done
    with django_assert_num_queries(12 + AUDIT_RECORD_QUERIES):
        workbook_of(client.get(reverse("relief:applications_xlsx")))
    job = ExportJob.objects.get()
    assert job.kind == "relief_applications" and job.rows_written == size


def test_the_applications_page_links_its_download_with_its_filter(
    client_for, officer, applications
):
    page = client_for(officer).get(reverse("relief:applications"), {"status": "approved"})
    assert f'href="{reverse("relief:applications_xlsx")}?status=approved"' in page.content.decode()


# --- Home visits ---------------------------------------------------------------------------


def visit(person, visitor, days_ago, **fields):
    return HomeVisit.objects.create(
        person=person,
        visitor=visitor,
        visited_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        findings=fields.pop("findings", "生活正常"),
        **fields,
    )


@pytest.fixture
def visits(township1, township2, town1, town2):
    here = PersonFactory(township=township1, name="王秀英")
    there = PersonFactory(township=township2, name="李桂兰")
    return [
        visit(here, town1, 1, needs=["medicine", "care"], follow_up="送药", follow_up_owner=town1),
        visit(here, town1, 40, needs=["supplies"]),
        visit(there, town2, 2, follow_up="联系村医", follow_up_done=True),
    ]


def test_the_visits_page_lists_the_latest_first_in_the_users_scope(
    client_for, officer, town1, visits
):
    page = client_for(officer).get(reverse("relief:visits")).context["page"]
    assert list(page) == [visits[0], visits[2], visits[1]]
    mine = client_for(town1).get(reverse("relief:visits"))
    assert list(mine.context["page"]) == [visits[0], visits[1]]
    assert "township" not in mine.context["form"].fields


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"need": "medicine"}, [0]),
        ({"follow_up": "open"}, [0]),
        ({"follow_up": "done"}, [2]),
        ({"visited_from": "DAYS_AGO_10"}, [0, 2]),
        ({"visited_until": "DAYS_AGO_10"}, [1]),
        ({"township": "TOWNSHIP2"}, [2]),
    ],
)
def test_the_visits_page_filters(client_for, officer, visits, township2, params, expected):
    value = next(iter(params.values()))
    value = {
        "DAYS_AGO_10": f"{timezone.localdate() - datetime.timedelta(days=10):%Y-%m-%d}",
        "TOWNSHIP2": str(township2.pk),
    }.get(value, value)
    params = {next(iter(params)): value}
    client = client_for(officer)
    page = client.get(reverse("relief:visits"), params).context["page"]
    assert list(page) == [visits[n] for n in expected]
    rows = list_rows(workbook_of(client.get(reverse("relief:visits_xlsx"), params)).active)
    assert len(rows) == page.paginator.count == len(expected)


def test_the_visits_file_has_masked_ids_dates_and_need_labels(client_for, officer, visits, town1):
    client = client_for(officer)
    params = {"township": str(visits[0].person.township_id)}
    sheet = workbook_of(client.get(reverse("relief:visits_xlsx"), params)).active
    assert sheet["A1"].value == "走访记录"
    assert "乡镇（街道）：羊册镇" in sheet["A2"].value
    assert header_of(sheet, LIST_HEADER_ROW)[4:7] == ["身份证号码", "走访日期", "走访人"]
    row = sheet[LIST_HEADER_ROW + 1]
    values = [cell.value for cell in row]
    assert values[3] == "王秀英"
    assert values[4] == mask_id_number(visits[0].person.id_number)
    assert row[5].is_date and row[5].number_format == "yyyy-mm-dd"
    assert row[5].value.date() == visits[0].visited_on
    assert values[6] == town1.display_name
    assert values[8] == "药品、照料"
    assert values[9:12] == ["送药", town1.display_name, None]


def test_a_clerk_gets_only_their_townships_visits(client_for, town2, visits):
    rows = list_rows(workbook_of(client_for(town2).get(reverse("relief:visits_xlsx"))).active)
    assert [row[3] for row in rows] == ["李桂兰"]
    assert rows[0][11] == "是"  # follow-up done


def test_findings_like_formulas_are_text(client_for, officer, township1, town1):
    person = PersonFactory(township=township1)
    for text in FORMULA_LIKE:
        visit(person, town1, 1, findings=text)
    book = workbook_of(client_for(officer).get(reverse("relief:visits_xlsx")))
    findings = [row[7] for row in list_rows(book.active)]
    assert "'=1+1" in findings and all(text.startswith("'") for text in findings)
    assert formula_cells(book) == []


@pytest.mark.parametrize("size", [2, 9])
def test_the_visits_query_counts_do_not_grow(
    client_for, town1, township1, django_assert_num_queries, size
):
    person = PersonFactory(township=township1)
    for n in range(size):
        visit(person, town1, n, follow_up="跟进", follow_up_owner=town1)
    client = client_for(town1)
    client.get(reverse("home"))
    # session, user, the count, the job's insert and the session's save (each in a
    # savepoint pair), the job running, the rows, the job done
    with django_assert_num_queries(12 + AUDIT_RECORD_QUERIES):
        workbook_of(client.get(reverse("relief:visits_xlsx")))
    assert ExportJob.objects.get().rows_written == size
    # session, user, the count, the clerk's township (the menu), the page, the session's
    # save, and two savepoint pairs
    with django_assert_num_queries(10):
        page = client.get(reverse("relief:visits")).context["page"]
    assert len(page) == size


def test_the_visits_page_links_its_download_with_its_filter_and_the_home_links_the_page(
    client_for, officer, visits
):
    client = client_for(officer)
    page = client.get(reverse("relief:visits"), {"need": "care", "page": "1"}).content.decode()
    assert f'href="{reverse("relief:visits_xlsx")}?need=care"' in page
    assert reverse("relief:visits") in client.get(reverse("relief:index")).content.decode()


# --- Garbage in any parameter ---------------------------------------------------------------

HUGE = "9" * 30
GARBAGE = ["²", "٣", "-1", HUGE, "1e9999", "1\x00", "<script>", "💥", "' OR 1=1 --", "", "0"]


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize("name", ["status", "page"])
def test_garbage_in_the_applications_filters_is_ignored(
    client_for, officer, town1, applications, name, value
):
    for user in (officer, town1):
        client = client_for(user)
        assert client.get(reverse("relief:applications"), {name: value}).status_code == 200
        download = client.get(reverse("relief:applications_xlsx"), {name: value})
        assert download.status_code == 200
        workbook_of(download)


@pytest.mark.parametrize("value", [*GARBAGE, "2027-02-30", "99999-01-01", "0001-01-01"])
@pytest.mark.parametrize(
    "name", ["township", "visited_from", "visited_until", "need", "follow_up", "page"]
)
def test_garbage_in_the_visits_filters_is_ignored(client_for, officer, town1, visits, name, value):
    for user in (officer, town1):
        client = client_for(user)
        assert client.get(reverse("relief:visits"), {name: value}).status_code == 200
        download = client.get(reverse("relief:visits_xlsx"), {name: value})
        assert download.status_code == 200
        workbook_of(download)


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize("name", ["layout", "township", "batch", "page"])
def test_garbage_in_the_roster_parameters_is_ignored(
    client_for, officer, town1, batch, name, value
):
    for user in (officer, town1):
        response = client_for(user).get(roster_url(batch), {name: value})
        assert response.status_code == 200
        assert len(lines_of(workbook_of(response).worksheets[0])) in (3, 5)


def test_a_batch_number_too_big_for_the_database_is_a_404(client_for, officer):
    response = client_for(officer).get(f"/relief/batches/{HUGE}/xlsx/")
    assert response.status_code == 404
