"""Preparedness's .xlsx: the plans matrix, the supplies (with the totals by township), the
drills, the institutions not drilled this season and a year's responsibility; each the
list of its page (scope, filters, count), recorded, with safe cells and flat query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from exports.models import ExportJob, JobStatus
from institutions.models import InstitutionKind
from preparedness.models import DrillKind, PlanKind, SupplyKind
from tests.exports.conftest import (
    AUDIT_RECORD_QUERIES,
    FORMULA_LIKE,
    HEADER_ROW,
    data_rows,
    formula_cells,
    header,
    workbook_of,
)
from tests.factories import InstitutionFactory, UserFactory
from tests.preparedness.factories import (
    DrillFactory,
    PlanFactory,
    ResponsibilityFactory,
    SupplyFactory,
    stored_pdf,
)

pytestmark = pytest.mark.django_db

PLANS = "preparedness:plans_xlsx"
SUPPLIES = "preparedness:supplies_xlsx"
DRILLS = "preparedness:drills_xlsx"
NOT_DRILLED = "preparedness:not_drilled_xlsx"
RESPONSIBILITY = "preparedness:responsibility_xlsx"
DATE_FORMAT = "yyyy-mm-dd"


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def download(client, name, params=None):
    response = client.get(reverse(name), params or {})
    assert response.status_code == 200, response
    return workbook_of(response)


def page_count(client, name, params=None):
    return client.get(reverse(name), params or {}).context["page"].paginator.count


def column(sheet, title):
    return header(sheet).index(title)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sysadmin(db):
    from institutions.models import Role

    return UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN)


# --- Plans -------------------------------------------------------------------------


@pytest.fixture
def plan_world(institution1, institution2, township1, officer):
    """institution1 (a care home): a current fire plan and an overdue winter plan, the
    other two missing; institution2 all four current; a marriage registry in township1,
    where no one lives, with the two plans it must keep current."""
    PlanFactory(institution=institution1, kind=PlanKind.FIRE, created_by=officer)
    PlanFactory(
        institution=institution1,
        kind=PlanKind.WINTER,
        approved_on=days(-400),
        review_on=days(-3),
        created_by=officer,
    )
    for kind in PlanKind.values:
        PlanFactory(institution=institution2, kind=kind, created_by=officer)
    office = InstitutionFactory(
        name="羊册镇婚姻登记处", township=township1, kind=InstitutionKind.MARRIAGE_REGISTRY
    )
    for kind in (PlanKind.FIRE, PlanKind.WINTER):
        PlanFactory(institution=office, kind=kind, created_by=officer)
    return office


def test_the_plans_file_is_the_matrix_with_title_filter_who_and_a_frozen_header(
    client_for, officer, plan_world, institution1
):
    client = client_for(officer)
    book = download(client, PLANS)
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "应急预案"
    assert sheet["A2"].value == "筛选条件：无（全部）"
    assert officer.display_name in sheet["A3"].value
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert header(sheet)[:6] == [
        "序号",
        "乡镇（街道）",
        "机构",
        "机构类型",
        "消防应急疏散预案",
        "消防应急疏散预案：复核日期",
    ]
    rows = data_rows(sheet)
    assert len(rows) == page_count(client, "preparedness:index") == 3
    home = next(row for row in rows if row[2] == institution1.name)
    fire, infection, policy, winter = home[4:6], home[6:8], home[8:10], home[10:12]
    assert fire[0] == "有效" and fire[1].date() == days(300)
    assert infection == ("缺失", None) and policy == ("缺失", None)
    assert winter[0] == "逾期未复审" and winter[1].date() == days(-3)
    office = next(row for row in rows if row[2] == "羊册镇婚姻登记处")
    assert office[6] == office[8] == "不适用"
    assert sheet.cell(row=HEADER_ROW + 1, column=6).number_format == DATE_FORMAT


def test_the_plans_file_has_the_pages_totals_by_kind(client_for, officer, plan_world):
    totals = download(client_for(officer), PLANS).worksheets[1]
    assert totals.title == "按预案类型合计"
    assert header(totals) == ["序号", "预案", "有效", "逾期未复审", "缺失"]
    assert data_rows(totals) == [
        (1, "消防应急疏散预案", 3, 0, 0),
        (2, "感染应急处置预案", 1, 0, 1),
        (3, "一院一策", 1, 0, 1),
        (4, "冬季极端天气预案", 2, 1, 0),
    ]
    job = ExportJob.objects.get()
    assert job.kind == "preparedness_plans" and job.row_count == job.rows_written == 3
    assert job.status == JobStatus.DONE


def test_the_plans_file_follows_the_pages_township_and_gaps_filters(
    client_for, officer, plan_world, township1, institution1
):
    client = client_for(officer)
    params = {"township": str(township1.pk), "gaps": "1"}
    sheet = download(client, PLANS, params).worksheets[0]
    assert sheet["A2"].value == "筛选条件：乡镇（街道）：羊册镇；只看预案缺失或逾期的机构"
    rows = data_rows(sheet)
    assert [row[2] for row in rows] == [institution1.name]
    assert len(rows) == page_count(client, "preparedness:index", params)


def test_a_clerk_exports_only_their_townships_plans(client_for, town2, plan_world, institution2):
    rows = data_rows(download(client_for(town2), PLANS).worksheets[0])
    assert [row[2] for row in rows] == [institution2.name]


@pytest.mark.parametrize("size", [2, 9])
def test_the_plans_query_count_does_not_grow(
    client_for, officer, township1, django_assert_num_queries, size
):
    for _ in range(size):
        place = InstitutionFactory(township=township1)
        PlanFactory(institution=place, kind=PlanKind.FIRE, created_by=officer)
    client = client_for(officer)
    client.get(reverse("home"))
    # session, user, the count, the job's insert and the session's save (each in a
    # savepoint pair), the job running, the institutions, their plans, the totals (two
    # queries), the job done
    with django_assert_num_queries(15 + AUDIT_RECORD_QUERIES):
        book = download(client, PLANS)
    assert len(data_rows(book.worksheets[0])) == size


def test_the_plans_page_links_its_download_with_its_filter(client_for, officer, township1):
    page = client_for(officer).get(
        reverse("preparedness:index"), {"township": township1.pk, "gaps": "1", "page": "1"}
    )
    assert f'href="{reverse(PLANS)}?township={township1.pk}&amp;gaps=1"' in page.content.decode()


# --- Supplies ----------------------------------------------------------------------


@pytest.fixture
def supply_world(institution1, institution2, township1):
    """Flagged at institution1: low masks, expired medicines, antigen kits expiring soon;
    blankets in order. At institution2: low masks."""
    return {
        "low": SupplyFactory(
            institution=institution1, kind=SupplyKind.MASKS, quantity=5, minimum_quantity=10
        ),
        "expired": SupplyFactory(
            institution=institution1,
            kind=SupplyKind.MEDICINES,
            quantity=40,
            minimum_quantity=10,
            expires_on=days(-1),
        ),
        "soon": SupplyFactory(
            institution=institution1,
            kind=SupplyKind.ANTIGEN_KITS,
            quantity=200,
            minimum_quantity=100,
            expires_on=days(10),
        ),
        "fine": SupplyFactory(
            institution=institution1, kind=SupplyKind.BLANKETS, quantity=30, minimum_quantity=20
        ),
        "there": SupplyFactory(
            institution=institution2, kind=SupplyKind.MASKS, quantity=1, minimum_quantity=50
        ),
    }


def test_the_supplies_file_lists_the_flagged_lines_with_their_flags(
    client_for, officer, supply_world, institution1
):
    client = client_for(officer)
    sheet = download(client, SUPPLIES).worksheets[0]
    assert sheet["A1"].value == "应急物资"
    assert sheet["A2"].value == "筛选条件：提示：库存不足、已过期或即将过期"
    assert officer.display_name in sheet["A3"].value
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    headers = header(sheet)
    assert headers[:6] == ["序号", "乡镇（街道）", "机构", "物资", "说明", "数量"]
    assert headers[-3:] == ["库存不足", "已过期或逾期未检", "即将过期或到检"]
    rows = data_rows(sheet)
    assert len(rows) == page_count(client, "preparedness:supplies") == 4
    by_item = {(row[2], row[3]): row for row in rows}
    low = by_item[(institution1.name, "口罩")]
    assert low[5] == 5 and isinstance(low[5], int) and low[-3:] == ("是", None, None)
    expired = by_item[(institution1.name, "药品")]
    assert expired[-3:] == (None, "是", None)
    soon = by_item[(institution1.name, "抗原检测试剂")]
    assert soon[-3:] == (None, None, "是")
    assert soon[headers.index("有效期或下次检查日期")].date() == days(10)
    assert (institution1.name, "棉被及御寒衣物") not in by_item


def test_the_supplies_file_follows_every_line_kind_and_township(
    client_for, officer, supply_world, township1
):
    client = client_for(officer)
    params = {"all": "1", "township": str(township1.pk)}
    everything = data_rows(download(client, SUPPLIES, params).worksheets[0])
    assert len(everything) == page_count(client, "preparedness:supplies", params) == 4
    params = {"all": "1", "kind": SupplyKind.MASKS}
    sheet = download(client, SUPPLIES, params).worksheets[0]
    assert sheet["A2"].value == "筛选条件：物资：口罩；显示全部，不只是有提示的"
    rows = data_rows(sheet)
    assert {row[3] for row in rows} == {"口罩"} and len(rows) == 2
    assert len(rows) == page_count(client, "preparedness:supplies", params)


def test_the_supplies_file_totals_every_line_by_township_on_a_second_sheet(
    client_for, officer, supply_world
):
    totals = download(client_for(officer), SUPPLIES).worksheets[1]
    assert totals.title == "各乡镇合计"
    kinds = header(totals)
    assert kinds[:3] == ["序号", "乡镇（街道）", "灭火器"] and kinds[-1] == "有提示"
    masks, flagged = kinds.index("口罩"), kinds.index("有提示")
    rows = data_rows(totals)
    assert rows[0][1] == "羊册镇" and rows[0][masks] == 5 and rows[0][flagged] == 3
    assert rows[1][1] == "马谷田镇" and rows[1][masks] == 1 and rows[1][flagged] == 1
    assert rows[2][0] == "合计" and rows[2][masks] == 6 and rows[2][flagged] == 4
    assert ExportJob.objects.get().rows_written == 4  # the totals are not lines


def test_a_clerk_exports_only_their_townships_supplies(client_for, town2, supply_world):
    book = download(client_for(town2), SUPPLIES, {"all": "1"})
    assert {row[1] for row in data_rows(book.worksheets[0])} == {"马谷田镇"}
    assert [row[1] for row in data_rows(book.worksheets[1])] == ["马谷田镇", None]


def test_a_location_like_a_formula_is_text(client_for, officer, institution1):
    for text in FORMULA_LIKE:
        SupplyFactory(institution=institution1, location=text, quantity=1)
    book = download(client_for(officer), SUPPLIES)
    sheet = book.worksheets[0]
    locations = [row[column(sheet, "存放位置")] for row in data_rows(sheet)]
    assert "'=1+1" in locations and all(text.startswith("'") for text in locations)
    assert formula_cells(book) == []


@pytest.mark.parametrize("size", [2, 9])
def test_the_supplies_query_count_does_not_grow(
    client_for, town1, township1, django_assert_num_queries, size
):
    for _ in range(size):
        SupplyFactory(institution=InstitutionFactory(township=township1), quantity=1)
    client = client_for(town1)
    client.get(reverse("home"))
    # session, user, the count, the job's insert and the session's save (each in a
    # savepoint pair), the job running, the townships (do their ids follow their codes:
    # lists.in_order_from_index), the lines, the totals, the job done
    with django_assert_num_queries(14 + AUDIT_RECORD_QUERIES):
        book = download(client, SUPPLIES)
    assert len(data_rows(book.worksheets[0])) == size


def test_the_supplies_page_links_its_download_with_its_filter(client_for, officer):
    page = client_for(officer).get(reverse("preparedness:supplies"), {"kind": "masks", "all": "1"})
    assert f'href="{reverse(SUPPLIES)}?kind=masks&amp;all=1"' in page.content.decode()


# --- Drills ------------------------------------------------------------------------


def test_the_drills_file_is_the_pages_list_latest_first(
    client_for, officer, institution1, institution2, town1
):
    DrillFactory(institution=institution1, held_on=days(-30), recorded_by=town1)
    latest = DrillFactory(
        institution=institution1,
        held_on=days(-2),
        kind=DrillKind.INFECTION,
        evacuation_seconds=None,
        problems="二楼安全出口门锁开启慢",
        recorded_by=town1,
    )
    DrillFactory(institution=institution2, held_on=days(-10), recorded_by=officer)
    client = client_for(officer)
    sheet = download(client, DRILLS).worksheets[0]
    assert sheet["A1"].value == "演练与培训"
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert header(sheet)[:5] == ["序号", "乡镇（街道）", "机构", "日期", "类别"]
    rows = data_rows(sheet)
    assert len(rows) == page_count(client, "preparedness:drills") == 3
    first = rows[0]
    assert first[3].date() == latest.held_on and sheet["D5"].number_format == DATE_FORMAT
    assert first[4] == "感染应急演练" and first[6] == 8 and first[8] is None
    assert first[9] == "二楼安全出口门锁开启慢" and first[11] == town1.display_name
    assert sheet.cell(row=HEADER_ROW + 1, column=13).is_date
    assert [row[1] for row in rows] == ["羊册镇", "马谷田镇", "羊册镇"]


def test_the_drills_file_follows_the_township_and_the_clerks_scope(
    client_for, officer, town2, institution1, institution2, township1
):
    DrillFactory(institution=institution1)
    DrillFactory(institution=institution2)
    sheet = download(client_for(officer), DRILLS, {"township": township1.pk}).worksheets[0]
    assert sheet["A2"].value == "筛选条件：乡镇（街道）：羊册镇"
    assert [row[2] for row in data_rows(sheet)] == [institution1.name]
    rows = data_rows(download(client_for(town2), DRILLS).worksheets[0])
    assert [row[2] for row in rows] == [institution2.name]


def test_a_scenario_like_a_formula_is_text(client_for, officer, institution1):
    for text in FORMULA_LIKE:
        DrillFactory(institution=institution1, scenario=text, problems=text)
    book = download(client_for(officer), DRILLS)
    scenarios = [row[5] for row in data_rows(book.worksheets[0])]
    assert "'=1+1" in scenarios and all(text.startswith("'") for text in scenarios)
    assert formula_cells(book) == []


@pytest.mark.parametrize("size", [2, 9])
def test_the_drills_query_count_does_not_grow(
    client_for, officer, township1, django_assert_num_queries, size
):
    for _ in range(size):
        DrillFactory(institution=InstitutionFactory(township=township1))
    client = client_for(officer)
    client.get(reverse("home"))
    # session, user, the count, the job's insert and the session's save (each in a
    # savepoint pair), the job running, the drills, the job done
    with django_assert_num_queries(12 + AUDIT_RECORD_QUERIES):
        book = download(client, DRILLS)
    assert len(data_rows(book.worksheets[0])) == size


# --- Not drilled this season --------------------------------------------------------


def test_the_not_drilled_file_lists_who_has_not_drilled_since_the_season_start(
    client_for, officer, institution1, institution2, township1
):
    DrillFactory(institution=institution1, held_on=days(-5))
    DrillFactory(institution=institution2, held_on=days(-200))
    never = InstitutionFactory(name="羊册镇儿童福利院", township=township1)
    since = days(-90)
    client = client_for(officer)
    params = {"since": f"{since:%Y-%m-%d}"}
    sheet = download(client, NOT_DRILLED, params).worksheets[0]
    assert sheet["A1"].value == "本时段未演练"
    assert sheet["A2"].value == f"筛选条件：时段起始日期：{since:%Y-%m-%d}"
    assert header(sheet) == ["序号", "乡镇（街道）", "机构", "机构类型", "最近一次演练"]
    rows = data_rows(sheet)
    assert len(rows) == page_count(client, "preparedness:not_drilled", params) == 2
    assert [row[2] for row in rows] == [never.name, institution2.name]
    assert rows[0][4] is None and rows[1][4].date() == days(-200)
    assert ExportJob.objects.get().kind == "preparedness_not_drilled"


def test_the_not_drilled_file_takes_the_default_season_and_a_clerks_township(
    client_for, town1, institution1, institution2
):
    DrillFactory(institution=institution1, held_on=days(-100))
    sheet = download(client_for(town1), NOT_DRILLED).worksheets[0]
    assert [row[2] for row in data_rows(sheet)] == [institution1.name]
    assert f"{days(-90):%Y-%m-%d}" in sheet["A2"].value


@pytest.mark.parametrize("size", [2, 9])
def test_the_not_drilled_query_count_does_not_grow(
    client_for, officer, township1, django_assert_num_queries, size
):
    for _ in range(size):
        DrillFactory(institution=InstitutionFactory(township=township1), held_on=days(-120))
    client = client_for(officer)
    client.get(reverse("home"))
    # session, user, the count, the job's insert and the session's save (each in a
    # savepoint pair), the job running, the institutions, the job done
    with django_assert_num_queries(12 + AUDIT_RECORD_QUERIES):
        book = download(client, NOT_DRILLED)
    assert len(data_rows(book.worksheets[0])) == size


def test_the_not_drilled_page_links_its_download_with_its_season(client_for, officer):
    since = f"{days(-30):%Y-%m-%d}"
    page = client_for(officer).get(reverse("preparedness:not_drilled"), {"since": since})
    assert f'href="{reverse(NOT_DRILLED)}?since={since}"' in page.content.decode()


# --- Responsibility -----------------------------------------------------------------


@pytest.fixture
def letters(institution1, institution2, township1):
    """This year: institution1 complete; institution2 without its letter; a third
    institution with nothing recorded."""
    complete = ResponsibilityFactory(
        institution=institution1, letter=stored_pdf(), signed_on=days(-10)
    )
    ResponsibilityFactory(institution=institution2, bureau_contact="")
    nothing = InstitutionFactory(name="羊册镇儿童福利院", township=township1)
    return complete, nothing


def test_the_responsibility_file_says_who_lacks_what_for_the_year(
    client_for, officer, letters, institution1, institution2
):
    _complete, nothing = letters
    client = client_for(officer)
    year = timezone.localdate().year
    sheet = download(client, RESPONSIBILITY).worksheets[0]
    assert sheet["A1"].value == f"{year}年安全责任"
    assert sheet["A2"].value == f"筛选条件：年度：{year}"
    assert header(sheet) == [
        "序号",
        "乡镇（街道）",
        "机构",
        "机构负责人",
        "机构负责人电话",
        "乡镇包保责任人",
        "包保责任人电话",
        "县局联系人",
        "县局联系人电话",
        "签订日期",
        "签订的责任书",
        "缺少",
    ]
    rows = {row[2]: row for row in data_rows(sheet)}
    assert len(rows) == page_count(client, "preparedness:responsibility") == 3
    done = rows[institution1.name]
    assert done[3:5] == ("王院长", "13900000001") and done[9].date() == days(-10)
    assert done[10] == "是" and done[11] is None
    assert rows[institution2.name][11] == "县局联系人、签订的责任书"
    assert rows[nothing.name][3:11] == (None,) * 8
    assert rows[nothing.name][11] == "本年度未登记责任人"


def test_the_responsibility_file_follows_lacking_year_and_township(
    client_for, officer, letters, township2, institution2
):
    client = client_for(officer)
    lacking = {"lacking": "1"}
    rows = data_rows(download(client, RESPONSIBILITY, lacking).worksheets[0])
    assert len(rows) == page_count(client, "preparedness:responsibility", lacking) == 2
    params = {"lacking": "1", "township": str(township2.pk)}
    sheet = download(client, RESPONSIBILITY, params).worksheets[0]
    assert "乡镇（街道）：马谷田镇" in sheet["A2"].value and "只看缺少责任人或责任书的机构" in (
        sheet["A2"].value
    )
    assert [row[2] for row in data_rows(sheet)] == [institution2.name]
    last_year = {"year": str(timezone.localdate().year - 1)}
    rows = data_rows(download(client, RESPONSIBILITY, last_year).worksheets[0])
    assert {row[11] for row in rows} == {"本年度未登记责任人"}


def test_a_clerk_exports_only_their_townships_responsibility(
    client_for, town2, letters, institution2
):
    rows = data_rows(download(client_for(town2), RESPONSIBILITY).worksheets[0])
    assert [row[2] for row in rows] == [institution2.name]


def test_an_officials_name_like_a_formula_is_text(client_for, officer, township1):
    for text in FORMULA_LIKE:
        ResponsibilityFactory(
            institution=InstitutionFactory(township=township1), township_official=text
        )
    book = download(client_for(officer), RESPONSIBILITY)
    names = [row[5] for row in data_rows(book.worksheets[0])]
    assert "'=1+1" in names and all(name.startswith("'") for name in names)
    assert formula_cells(book) == []


@pytest.mark.parametrize("size", [2, 9])
def test_the_responsibility_query_count_does_not_grow(
    client_for, officer, township1, django_assert_num_queries, size
):
    for n in range(size):
        place = InstitutionFactory(township=township1)
        if n % 2:
            ResponsibilityFactory(institution=place)
    client = client_for(officer)
    client.get(reverse("home"))
    # session, user, the count, the job's insert and the session's save (each in a
    # savepoint pair), the job running, the institutions, their records, the job done
    with django_assert_num_queries(13 + AUDIT_RECORD_QUERIES):
        book = download(client, RESPONSIBILITY)
    assert len(data_rows(book.worksheets[0])) == size


# --- Who may download ----------------------------------------------------------------


@pytest.mark.parametrize("name", [PLANS, SUPPLIES, DRILLS, NOT_DRILLED, RESPONSIBILITY])
def test_the_system_administrators_get_no_preparedness_file(client_for, sysadmin, name):
    assert client_for(sysadmin).get(reverse(name)).status_code == 403
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    ("page", "name"),
    [
        ("preparedness:index", PLANS),
        ("preparedness:supplies", SUPPLIES),
        ("preparedness:drills", DRILLS),
        ("preparedness:not_drilled", NOT_DRILLED),
        ("preparedness:responsibility", RESPONSIBILITY),
    ],
)
def test_each_page_offers_its_download_to_those_who_may_take_it(
    client_for, inst1, sysadmin, page, name
):
    assert reverse(name) in client_for(inst1).get(reverse(page)).content.decode()
    assert "下载Excel" in client_for(inst1).get(reverse(page)).content.decode()
    assert reverse(name) not in client_for(sysadmin).get(reverse(page)).content.decode()


def test_institution_staff_export_their_own_institution_only(
    client_for, inst1, plan_world, institution1
):
    rows = data_rows(download(client_for(inst1), PLANS).worksheets[0])
    assert [row[2] for row in rows] == [institution1.name]
