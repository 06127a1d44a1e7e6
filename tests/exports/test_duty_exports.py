"""The duty exports: the county 值班表 for the wall, one post's 值班表, the incident log and
the leave reports; each with its page's scope, recorded, safe cells, flat query counts."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from duty_roster import periods
from duty_roster.exports import listed_incidents, listed_leave
from duty_roster.models import Holiday, Incident, IncidentUpdate, LeaveReport, PostKind
from exports import services as export_services
from exports.models import ExportJob, JobStatus
from tests.duty_roster.factories import DutyPostFactory, ShiftFactory, at
from tests.exports.conftest import (
    AUDIT_RECORD_QUERIES,
    FORMULA_LIKE,
    data_rows,
    formula_cells,
    header,
    workbook_of,
)
from tests.factories import InstitutionStaffFactory, TownshipStaffFactory

COUNTY = "duty_roster:county_roster_xlsx"
FEBRUARY = {"start": "2027-02-10", "end": "2027-02-12"}
WALL_HEADER_ROW = 5  # title, filter, who and when, the sheet's township, then the header
GARBAGE = ["²", "٣", "-1", "9" * 30, "1e9999", "1\x00", "<script>", "💥", "' OR 1=1 --", ""]


def wall_header(sheet):
    return [cell.value for cell in sheet[WALL_HEADER_ROW]]


def wall_rows(sheet):
    return list(sheet.iter_rows(min_row=WALL_HEADER_ROW + 1, values_only=True))


def column(headers, name):
    return headers.index(name)


@pytest.fixture
def people(township1, township2):
    def person(name, phone, township=township1):
        return TownshipStaffFactory(full_name=name, phone=phone, township=township)

    return {
        "lead1": person("李带班", "13903960001"),
        "duty1": person("张值班", "13903960002"),
        "duty1b": person("王值班", ""),
        "lead2": person("赵带班", "13903960003", township2),
        "duty2": person("钱值班", "13903960004", township2),
    }


@pytest.fixture
def wall(township1, township2, institution1, people, officer):
    """Shifts of 2027-02-10 to 02-12: 羊册镇's centre (a day and a night shift on the 10th,
    24 hours on the 11th), its nursing home, 马谷田镇's centre and the county duty room."""
    centre1 = DutyPostFactory(name="羊册镇值班室", township=township1, phone="0396-7921001")
    home1 = DutyPostFactory(
        name="羊册镇敬老院值班",
        kind=PostKind.INSTITUTION,
        institution=institution1,
        township=township1,
    )
    centre2 = DutyPostFactory(name="马谷田镇值班室", township=township2)
    room = DutyPostFactory(name="县局值班室", kind=PostKind.COUNTY_DUTY_ROOM, township=None)
    return [
        ShiftFactory(
            post=centre1,
            starts_at=at(10, 8),
            ends_at=at(10, 20),
            leader=people["lead1"],
            officers=[people["duty1"], people["duty1b"]],
        ),
        ShiftFactory(
            post=centre1,
            starts_at=at(10, 20),
            ends_at=at(11, 8),
            leader=people["duty1"],
            officers=[people["duty1b"]],
        ),
        ShiftFactory(
            post=centre1,
            starts_at=at(11, 8, 30),
            ends_at=at(12, 8, 30),
            leader=people["lead1"],
            officers=[people["duty1"]],
        ),
        ShiftFactory(
            post=home1, starts_at=at(10, 8, 30), ends_at=at(11, 8, 30), leader=people["duty1b"]
        ),
        ShiftFactory(
            post=centre2,
            starts_at=at(10, 8, 30),
            ends_at=at(11, 8, 30),
            leader=people["lead2"],
            officers=[people["duty2"]],
        ),
        ShiftFactory(post=room, starts_at=at(12, 8, 30), ends_at=at(13, 8, 30), leader=officer),
        # Outside the period: the day after it.
        ShiftFactory(post=centre2, starts_at=at(13, 8, 30), ends_at=at(14, 8, 30), leader=officer),
    ]


def county_book(client, **params):
    return workbook_of(client.get(reverse(COUNTY), {**FEBRUARY, **params}))


# --- The county 值班表 --------------------------------------------------------


def test_the_wall_roster_has_a_sheet_per_township_headed_by_title_filter_and_township(
    client_for, officer, wall
):
    book = county_book(client_for(officer))
    assert book.sheetnames == ["县局", "羊册镇", "马谷田镇"]
    sheet = book["羊册镇"]
    assert sheet["A1"].value == "泌阳县民政系统值班表"
    assert "值班日期：2027-02-10 – 2027-02-12" in sheet["A2"].value
    assert "按乡镇（街道）分表" in sheet["A2"].value
    assert officer.display_name in sheet["A3"].value
    assert sheet["A4"].value == "乡镇（街道）：羊册镇"
    assert wall_header(sheet) == [
        "序号",
        "日期",
        "星期",
        "值班点",
        "时段",
        "带班领导",
        "带班领导电话",
        "值班人员",
        "值班人员电话",
        "值班电话",
    ]
    assert sheet.freeze_panes == "A6"
    assert book["县局"]["A4"].value == "县局值班点"


def test_a_day_at_a_post_is_one_row_with_its_shifts_side_by_side(client_for, officer, wall):
    sheet = county_book(client_for(officer))["羊册镇"]
    assert sheet.cell(row=WALL_HEADER_ROW + 1, column=2).number_format == "yyyy-mm-dd"
    rows = wall_rows(sheet)
    assert [(row[0], row[1].date(), row[3]) for row in rows] == [
        (1, datetime.date(2027, 2, 10), "羊册镇值班室"),  # the township's centre first
        (2, datetime.date(2027, 2, 10), "羊册镇敬老院值班"),
        (3, datetime.date(2027, 2, 11), "羊册镇值班室"),
    ]
    day_and_night = rows[0]
    assert day_and_night[2] == "星期三"
    assert day_and_night[4] == "08:00–20:00；20:00–次日08:00"
    assert day_and_night[5:] == (
        "李带班；张值班",
        "13903960001；13903960002",
        "张值班、王值班；王值班",  # officers in name order, a shift's after a shift's
        "13903960002",  # 王值班 has no phone
        "0396-7921001",
    )
    assert rows[2][4] == "08:30–次日08:30"


def test_a_public_holiday_is_named_beside_its_weekday(client_for, officer, wall):
    Holiday.objects.create(date=datetime.date(2027, 2, 11), kind="holiday", name="春节")
    rows = wall_rows(county_book(client_for(officer))["羊册镇"])
    assert rows[2][2] == "星期四（春节）"


def test_one_sheet_for_all_has_a_township_column_and_goes_by_date(client_for, officer, wall):
    book = workbook_of(client_for(officer).get(reverse(COUNTY), {**FEBRUARY, "layout": "all"}))
    assert len(book.sheetnames) == 1
    sheet = book.active
    assert "全部合为一表" in sheet["A2"].value
    assert header(sheet)[3] == "乡镇（街道）"
    assert [(row[1].date().day, row[3], row[4]) for row in data_rows(sheet)] == [
        (10, "羊册镇", "羊册镇值班室"),
        (10, "羊册镇", "羊册镇敬老院值班"),
        (10, "马谷田镇", "马谷田镇值班室"),
        (11, "羊册镇", "羊册镇值班室"),
        (12, "县局", "县局值班室"),
    ]


def test_a_clerk_gets_only_their_townships_posts(client_for, town1, wall):
    book = county_book(client_for(town1))
    assert book.sheetnames == ["羊册镇"]  # not the county duty room, not 马谷田镇
    assert {row[3] for row in wall_rows(book.active)} == {"羊册镇值班室", "羊册镇敬老院值班"}


def test_institution_staff_get_their_institutions_posts(client_for, inst1, wall):
    book = county_book(client_for(inst1))
    assert [row[3] for row in wall_rows(book.active)] == ["羊册镇敬老院值班"]


def test_a_township_without_shifts_gets_an_empty_sheet(client_for, officer, wall, db):
    from tests.factories import TownshipFactory

    TownshipFactory(name="象河乡", code="411726199")
    book = county_book(client_for(officer))
    assert "象河乡" in book.sheetnames
    assert wall_header(book["象河乡"])[1] == "日期" and wall_rows(book["象河乡"]) == []


def test_a_chosen_township_is_the_only_sheet(client_for, officer, wall, township2):
    book = county_book(client_for(officer), township=township2.pk)
    assert book.sheetnames == ["马谷田镇"]
    assert "乡镇（街道）：马谷田镇" in book.active["A2"].value


def test_every_row_is_a_day_at_a_post_counted_and_recorded(client_for, officer, wall):
    book = county_book(client_for(officer))
    written = sum(len(wall_rows(sheet)) for sheet in book.worksheets)
    job = ExportJob.objects.get()
    assert job.kind == "duty_roster_county" and job.requester == officer
    assert job.params == {"start": ["2027-02-10"], "end": ["2027-02-12"]}
    assert job.row_count == job.rows_written == written == 5
    assert job.status == JobStatus.DONE
    assert "值班日期" in job.filter_text


def test_the_wall_roster_prints_landscape_with_grid_lines_and_the_header_on_every_page(
    client_for, officer, wall
):
    sheet = county_book(client_for(officer))["羊册镇"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_options.gridLines
    assert sheet.print_title_rows == "$1:$5"


def test_names_like_formulas_come_back_as_text(client_for, officer, township1):
    post = DutyPostFactory(name="+值班点", township=township1)
    for day, text in enumerate(FORMULA_LIKE, start=10):
        leader = TownshipStaffFactory(full_name=text, township=township1)
        ShiftFactory(post=post, starts_at=at(day, 8), ends_at=at(day, 20), leader=leader)
    client = client_for(officer)
    book = workbook_of(client.get(reverse(COUNTY), {"start": "2027-02-10", "end": "2027-02-20"}))
    rows = wall_rows(book["羊册镇"])
    assert [row[5] for row in rows] == ["'" + text for text in FORMULA_LIKE]
    assert rows[0][3] == "'+值班点"
    assert formula_cells(book) == []


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"start": "2027-13-45"}, "start", "有效的日期"),
        ({"end": "x"}, "end", "有效的日期"),
        ({"start": "9999-12-31"}, "start", "2000"),
        ({"start": "2027-02-12", "end": "2027-02-10"}, "end", "截止日期早于起始日期"),
        ({"start": "2027-02-01", "end": "2027-06-01"}, "end", "最长 62 天"),
        ({"layout": "sideways"}, "layout", "选择一个有效的选项"),
    ],
)
def test_a_bad_choice_is_shown_beside_its_field_on_the_posts_page(
    client_for, officer, wall, params, field, message
):
    response = client_for(officer).get(reverse(COUNTY), params)
    assert response.status_code == 200
    assert response.templates[0].name == "duty_roster/posts.html"
    form = response.context["roster_form"]
    assert message in " ".join(form.errors[field])
    assert f'id="roster-{field}_error"' in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_posts_page_offers_the_wall_roster_for_the_coming_festival(client_for, officer, wall):
    for day, name in [(5, "春节（除夕）"), (6, "春节"), (7, "春节"), (8, "春节")]:
        Holiday.objects.create(date=datetime.date(2027, 2, day), kind="holiday", name=name)
    with time_machine.travel(at(1, 9)):  # Monday 1 February 2027
        page = client_for(officer).get(reverse("duty_roster:posts"))
        html = page.content.decode()
        assert reverse(COUNTY) in html and "下载Excel" in html
        assert 'name="start" value="2027-02-05"' in html
        assert 'name="end" value="2027-02-08"' in html
        book = workbook_of(client_for(officer).get(reverse(COUNTY)))
    assert book.active["A1"].value == "泌阳县民政系统春节值班表"
    assert "2027-02-05 – 2027-02-08（春节）" in book.active["A2"].value


def test_the_festival_takes_in_the_weekend_before_its_holiday(db):
    Holiday.objects.create(date=datetime.date(2027, 4, 5), kind="holiday", name="清明节")
    festival = periods.coming_festival(datetime.date(2027, 3, 20))
    assert (festival.first, festival.last, festival.festival) == (
        datetime.date(2027, 4, 3),  # Saturday
        datetime.date(2027, 4, 5),  # Monday, 清明
        "清明节",
    )


def test_between_festivals_the_period_is_the_next_fortnight(db):
    Holiday.objects.create(date=datetime.date(2027, 10, 1), kind="holiday", name="国庆节")
    period = periods.default_period(datetime.date(2027, 6, 20))
    assert (period.first, period.last, period.festival) == (
        datetime.date(2027, 6, 20),
        datetime.date(2027, 7, 3),
        "",
    )


# Request savepoints (4), session, user; the count, the job's insert and the session's
# save; the job running; then what each export reads (below); the job done; and the
# export's record in the audit log.
ROUND_TRIP = 11 + AUDIT_RECORD_QUERIES


def add_wall_shifts(township, count, leader):
    for n in range(count):
        ShiftFactory(
            post=DutyPostFactory(township=township),
            starts_at=at(10 + n % 3, 8),
            ends_at=at(10 + n % 3, 20),
            leader=leader,
            officers=[leader],
        )


@pytest.mark.parametrize("size", [2, 12])
def test_the_wall_rosters_queries_do_not_grow_with_the_posts_and_shifts(
    client_for, officer, township1, township2, people, size, django_assert_num_queries
):
    add_wall_shifts(township1, size, people["lead1"])
    add_wall_shifts(township2, size, people["lead2"])
    client = client_for(officer)
    client.get(reverse("home"))  # the session is loaded once before counting
    # The holidays of the period, the shifts, their officers (one chunk), the townships.
    with django_assert_num_queries(ROUND_TRIP + 4):
        book = workbook_of(client.get(reverse(COUNTY), FEBRUARY))
    assert sum(len(wall_rows(sheet)) for sheet in book.worksheets) == 2 * size


def test_a_large_wall_roster_is_built_in_the_background_with_the_same_sheets(
    client_for, officer, wall, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_ROWS = 2
    with django_capture_on_commit_callbacks():
        response = client_for(officer).get(reverse(COUNTY), FEBRUARY)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.is_async
    job = export_services.run_job(job.pk)
    assert job.status == JobStatus.DONE and job.rows_written == 5
    book = load_workbook(io.BytesIO(job.file.read()))
    assert book.sheetnames == ["县局", "羊册镇", "马谷田镇"]


# --- One post's 值班表 --------------------------------------------------------


def test_one_posts_roster_is_recorded_and_numbered(client_for, town1, wall):
    post = wall[0].post
    response = client_for(town1).get(
        reverse("duty_roster:roster_xlsx", args=[post.pk]), {"from": "2027-02-10"}
    )
    sheet = workbook_of(response).active
    assert sheet["A1"].value == "羊册镇值班室值班表"
    assert "值班日期：2027-02-10 – 2027-02-23" in sheet["A2"].value
    rows = data_rows(sheet)
    assert [row[0] for row in rows] == [1, 2, 3]
    assert rows[0][1].date() == datetime.date(2027, 2, 10) and rows[0][2] == "08:00–02-10 20:00"
    job = ExportJob.objects.get()
    assert job.kind == "duty_roster_post"
    assert job.params == {"from": ["2027-02-10"], "post": [str(post.pk)]}
    assert job.row_count == job.rows_written == 3


def test_another_townships_post_roster_is_a_404_and_not_recorded(client_for, town2, wall):
    url = reverse("duty_roster:roster_xlsx", args=[wall[0].post.pk])
    assert client_for(town2).get(url).status_code == 404
    assert not ExportJob.objects.exists()


def test_a_post_param_in_the_query_cannot_reach_another_post(client_for, town1, wall):
    mine, theirs = wall[0].post, wall[4].post
    response = client_for(town1).get(
        reverse("duty_roster:roster_xlsx", args=[mine.pk]),
        {"from": "2027-02-10", "post": theirs.pk},
    )
    assert workbook_of(response).active["A1"].value == "羊册镇值班室值班表"


@pytest.mark.parametrize("size", [2, 12])
def test_one_posts_roster_runs_the_same_queries_however_many_shifts(
    client_for, officer, people, size, django_assert_num_queries
):
    post = DutyPostFactory(township=people["lead1"].township)
    for hour in range(size):
        ShiftFactory(
            post=post,
            starts_at=at(10, 0) + datetime.timedelta(hours=hour),
            ends_at=at(10, 1) + datetime.timedelta(hours=hour),
            leader=people["lead1"],
            officers=[people["duty1"]],
        )
    client = client_for(officer)
    client.get(reverse("home"))
    url = reverse("duty_roster:roster_xlsx", args=[post.pk])
    # The post (its scope), the shifts and their officers (one chunk).
    with django_assert_num_queries(ROUND_TRIP + 3):
        rows = data_rows(workbook_of(client.get(url, {"from": "2027-02-10"})).active)
    assert len(rows) == size


# --- The incident log ---------------------------------------------------------


def incident(township, reporter, *, summary="冒烟", minutes=20, **fields):
    occurred = at(10, 9)
    return Incident.objects.create(
        occurred_at=occurred,
        township=township,
        place="1号楼",
        category="fire",
        severity="ordinary",
        summary=summary,
        actions_taken="已扑灭",
        who_was_told="镇值班室",
        reported_by=reporter,
        reported_at=occurred + datetime.timedelta(minutes=minutes),
        **fields,
    )


def test_the_incident_log_is_the_pages_whole_list(client_for, officer, town1, township1, township2):
    first = incident(township1, town1, minutes=90)
    for n in range(3):
        IncidentUpdate.objects.create(incident=first, kind="follow_up", author=town1, text=f"{n}")
    incident(township1, town1, acknowledged_by=officer, acknowledged_at=at(10, 10))
    incident(township2, officer)
    sheet = workbook_of(client_for(officer).get(reverse("duty_roster:incidents_xlsx"))).active
    assert sheet["A1"].value == "突发事件台账"
    headers = header(sheet)
    assert headers[:7] == ["序号", "发生时间", "乡镇（街道）", "机构", "地点", "类别", "事件等级"]
    rows = data_rows(sheet)
    assert len(rows) == listed_incidents(officer).count() == 3
    by_late = {row[column(headers, "首报用时（分钟）")]: row for row in rows}
    late = by_late[90]
    assert late[column(headers, "迟报")] == "是"
    assert late[column(headers, "续报次数")] == 3
    assert late[column(headers, "类别")] == "火灾"
    (acknowledged,) = [row for row in rows if row[column(headers, "确认人")]]
    assert acknowledged[column(headers, "确认人")] == officer.display_name
    assert acknowledged[column(headers, "接报确认时间")] == datetime.datetime(2027, 2, 10, 10, 0)
    assert sheet.cell(row=5, column=2).number_format == "yyyy-mm-dd hh:mm"
    job = ExportJob.objects.get()
    assert job.kind == "duty_incident_log" and job.row_count == job.rows_written == 3


def test_a_clerk_exports_only_their_townships_incidents(
    client_for, town1, officer, township1, township2
):
    incident(township1, town1, summary="本镇")
    incident(township2, officer, summary="别的乡镇")
    sheet = workbook_of(client_for(town1).get(reverse("duty_roster:incidents_xlsx"))).active
    headers = header(sheet)
    assert [row[column(headers, "事件经过")] for row in data_rows(sheet)] == ["本镇"]


def test_incident_text_like_a_formula_comes_back_as_text(client_for, officer, township1, town1):
    for text in FORMULA_LIKE:
        incident(township1, town1, summary=text)
    book = workbook_of(client_for(officer).get(reverse("duty_roster:incidents_xlsx")))
    headers = header(book.active)
    summaries = {row[column(headers, "事件经过")] for row in data_rows(book.active)}
    assert summaries == {"'" + text for text in FORMULA_LIKE}
    assert formula_cells(book) == []


@pytest.mark.parametrize("size", [2, 12])
def test_the_incident_logs_queries_do_not_grow_with_the_incidents(
    client_for, officer, town1, township1, size, django_assert_num_queries
):
    for _ in range(size):
        made = incident(township1, town1)
        IncidentUpdate.objects.create(incident=made, kind="follow_up", author=town1)
    client = client_for(officer)
    client.get(reverse("home"))
    # The incidents, and their follow-up reports counted (one chunk).
    with django_assert_num_queries(ROUND_TRIP + 2):
        rows = data_rows(workbook_of(client.get(reverse("duty_roster:incidents_xlsx"))).active)
    assert len(rows) == size


# --- Leave reports ------------------------------------------------------------


def leave(person, approver, *, reason="探亲", status="pending", day=10):
    return LeaveReport.objects.create(
        person=person,
        destination="驻马店",
        starts_at=at(day, 8),
        ends_at=at(day, 18),
        reason=reason,
        contact="13903960009",
        approver=approver,
        status=status,
    )


def test_leave_reports_are_the_pages_whole_list(client_for, officer, town1, town2):
    leave(town1, officer, status="approved", day=10)
    leave(town2, officer, day=11)
    sheet = workbook_of(client_for(officer).get(reverse("duty_roster:leave_xlsx"))).active
    assert sheet["A1"].value == "外出报备"
    headers = header(sheet)
    assert headers[:5] == ["序号", "外出人员", "乡镇（街道）", "机构", "去向"]
    rows = data_rows(sheet)
    assert len(rows) == listed_leave(officer).count() == 2
    latest = rows[0]  # the latest leave first, as on the page
    assert latest[column(headers, "乡镇（街道）")] == "马谷田镇"
    assert latest[column(headers, "开始时间")] == datetime.datetime(2027, 2, 11, 8, 0)
    assert rows[1][column(headers, "状态")] == "已同意"
    job = ExportJob.objects.get()
    assert job.kind == "duty_leave_reports" and job.row_count == job.rows_written == 2


def test_a_clerk_exports_their_own_leave_and_what_they_approve(
    client_for, officer, town1, township1
):
    colleague = TownshipStaffFactory(township=township1, full_name="同事")
    leave(town1, officer, reason="我的")
    leave(colleague, town1, reason="我审批的")
    leave(colleague, officer, reason="别人的")
    sheet = workbook_of(client_for(town1).get(reverse("duty_roster:leave_xlsx"))).active
    reasons = {row[column(header(sheet), "事由")] for row in data_rows(sheet)}
    assert reasons == {"我的", "我审批的"}


def test_a_leave_reason_like_a_formula_comes_back_as_text(client_for, officer, town1):
    for text in FORMULA_LIKE:
        leave(town1, officer, reason=text)
    book = workbook_of(client_for(officer).get(reverse("duty_roster:leave_xlsx")))
    reasons = {row[column(header(book.active), "事由")] for row in data_rows(book.active)}
    assert reasons == {"'" + text for text in FORMULA_LIKE}
    assert formula_cells(book) == []


@pytest.mark.parametrize("size", [2, 12])
def test_the_leave_reports_queries_do_not_grow_with_the_reports(
    client_for, officer, size, django_assert_num_queries
):
    for _ in range(size):
        leave(InstitutionStaffFactory(), officer)
    client = client_for(officer)
    client.get(reverse("home"))
    # The leave reports, their people and approvers joined.
    with django_assert_num_queries(ROUND_TRIP + 1):
        rows = data_rows(workbook_of(client.get(reverse("duty_roster:leave_xlsx"))).active)
    assert len(rows) == size


def test_the_incidents_and_leave_pages_offer_their_downloads(client_for, town1):
    client = client_for(town1)
    incidents = client.get(reverse("duty_roster:incidents")).content.decode()
    leave_page = client.get(reverse("duty_roster:leave")).content.decode()
    assert reverse("duty_roster:incidents_xlsx") in incidents
    assert reverse("duty_roster:leave_xlsx") in leave_page


# --- Garbage in any parameter -------------------------------------------------


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize("name", ["start", "end", "layout", "township", "page", "q"])
def test_garbage_in_the_wall_rosters_parameters_is_never_a_500(
    client_for, officer, town1, wall, name, value
):
    for user in (officer, town1):
        response = client_for(user).get(reverse(COUNTY), {name: value})
        assert response.status_code == 200


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize(
    "url, name",
    [
        ("duty_roster:incidents_xlsx", "page"),
        ("duty_roster:incidents_xlsx", "township"),
        ("duty_roster:leave_xlsx", "status"),
        ("duty_roster:leave_xlsx", "page"),
    ],
)
def test_garbage_in_the_incident_and_leave_downloads_is_ignored(
    client_for, officer, town1, url, name, value
):
    for user in (officer, town1):
        assert client_for(user).get(reverse(url), {name: value}).status_code == 200


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize("name", ["from", "post"])
def test_garbage_in_a_posts_roster_download_is_ignored(client_for, town1, wall, name, value):
    url = reverse("duty_roster:roster_xlsx", args=[wall[0].post.pk])
    assert client_for(town1).get(url, {name: value}).status_code == 200


def test_a_post_id_too_large_for_the_database_is_a_404(client_for, officer):
    url = reverse("duty_roster:roster_xlsx", args=[int("9" * 30)])
    assert client_for(officer).get(url).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, db):
    for name in (COUNTY, "duty_roster:incidents_xlsx", "duty_roster:leave_xlsx"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response.url
    assert not ExportJob.objects.exists()
