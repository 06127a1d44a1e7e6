"""Duty supervision (查岗) as .xlsx: the spot checks list with its page's filters and scope,
and the county's results by township; recorded, safe cells, flat query counts."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from duty_roster import services
from duty_roster.models import PostKind, SpotCheck
from exports.models import ExportJob
from tests.duty_roster.factories import DutyPostFactory, at
from tests.exports.conftest import (
    AUDIT_RECORD_QUERIES,
    FORMULA_LIKE,
    data_rows,
    formula_cells,
    header,
    workbook_of,
)
from tests.factories import InstitutionStaffFactory

pytestmark = pytest.mark.django_db

NOW = at(10, 9)  # Wednesday 10 February 2027
LIST = "duty_roster:spot_checks_xlsx"
SUMMARY = "duty_roster:spot_check_summary_xlsx"


@pytest.fixture(autouse=True)
def _spring_festival_2027():
    # Spot checks are refused in the future and years back: "now" is the tests' February.
    with time_machine.travel(NOW, tick=False):
        yield


def record(officer, post, hours_ago=1, **fields):
    values = {
        "checked_at": NOW - datetime.timedelta(hours=hours_ago),
        "method": "phone",
        "result": "failed",
        "answered_by": "门卫",
        "leader_present": False,
        "officers_present": True,
        "findings": "带班领导不在岗",
    }
    values.update(fields)
    return services.record_spot_check(user=officer, post=post, **values)


def passed(officer, post, hours_ago=1, **fields):
    return record(
        officer,
        post,
        hours_ago,
        result="passed",
        leader_present=True,
        officers_present=True,
        findings="",
        method="visit",
        **fields,
    )


@pytest.fixture
def posts(township1, township2, institution1):
    return {
        "centre1": DutyPostFactory(name="羊册镇值班室", township=township1),
        "home1": DutyPostFactory(
            name="羊册镇敬老院值班",
            kind=PostKind.INSTITUTION,
            institution=institution1,
            township=township1,
        ),
        "centre2": DutyPostFactory(name="马谷田镇值班室", township=township2),
        "room": DutyPostFactory(name="县局值班室", kind=PostKind.COUNTY_DUTY_ROOM, township=None),
    }


@pytest.fixture
def checks(officer, town1, posts):
    """A failed check of 羊册镇's centre answered and closed, a passed one of its home, a
    failed one of 马谷田镇 waiting, and a passed one of the county duty room."""
    answered = record(officer, posts["centre1"], hours_ago=5)
    services.answer_spot_check(check=answered, user=town1, response="已约谈带班领导")
    services.close_spot_check(check=answered, user=officer, closing_note="已整改")
    return {
        "closed": answered,
        "home": passed(officer, posts["home1"], hours_ago=4),
        "waiting": record(officer, posts["centre2"], hours_ago=3, findings="无人接听"),
        "room": passed(officer, posts["room"], hours_ago=2),
    }


def list_book(client, **params):
    return workbook_of(client.get(reverse(LIST), params))


# --- The list ----------------------------------------------------------------------


def test_the_list_file_has_its_title_filter_who_and_when_and_a_frozen_header(
    client_for, officer, checks
):
    sheet = list_book(client_for(officer), result="failed").active
    assert sheet["A1"].value == "查岗记录"
    assert sheet["A2"].value == "筛选条件：查岗结果：不合格"
    assert officer.display_name in sheet["A3"].value and "2027-02-10 09:00" in sheet["A3"].value
    assert header(sheet) == [
        "序号",
        "查岗时间",
        "乡镇（街道）",
        "值班点",
        "查岗人",
        "查岗方式",
        "接听/接待人",
        "带班领导在岗",
        "值班人员在岗",
        "查岗结果",
        "发现的问题",
        "整改情况",
        "销号时间",
    ]
    assert sheet.freeze_panes == "A5"


def test_the_list_file_is_the_pages_list_all_of_it_newest_first(client_for, officer, checks):
    client = client_for(officer)
    on_page = client.get(reverse("duty_roster:spot_checks")).context["page"]
    rows = data_rows(list_book(client).active)
    assert len(rows) == on_page.paginator.count == 4
    assert [row[3] for row in rows] == [check.post.name for check in on_page]
    assert [row[0] for row in rows] == [1, 2, 3, 4]


def test_a_row_has_real_times_words_for_choices_and_yes_or_no(client_for, officer, checks):
    sheet = list_book(client_for(officer)).active
    rows = {row[3]: row for row in data_rows(sheet)}
    closed = rows["羊册镇值班室"]
    assert closed[1] == datetime.datetime(2027, 2, 10, 4, 0)  # local time, naive in the file
    assert closed[2:10] == (
        "羊册镇",
        "羊册镇值班室",
        officer.display_name,
        "电话抽查",
        "门卫",
        "否",
        "是",
        "不合格",
    )
    assert closed[10:12] == ("带班领导不在岗", "已约谈带班领导")
    assert isinstance(closed[12], datetime.datetime)
    assert rows["县局值班室"][2] == "县局"
    assert rows["县局值班室"][5:10] == ("实地检查", "门卫", "是", "是", "合格")
    assert rows["马谷田镇值班室"][12] is None  # still waiting: not closed
    time_cell = sheet.cell(row=5, column=2)
    assert time_cell.is_date and time_cell.number_format == "yyyy-mm-dd hh:mm"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"follow_up": "awaiting"}, {"马谷田镇值班室"}),
        ({"result": "passed"}, {"羊册镇敬老院值班", "县局值班室"}),
        ({"township": "@township1"}, {"羊册镇值班室", "羊册镇敬老院值班"}),
        ({"date_from": "2027-02-11"}, set()),
    ],
)
def test_the_list_file_follows_the_pages_filters(
    client_for, officer, checks, township1, params, expected
):
    params = {k: (township1.pk if v == "@township1" else v) for k, v in params.items()}
    client = client_for(officer)
    on_page = client.get(reverse("duty_roster:spot_checks"), params).context["page"]
    rows = data_rows(list_book(client, **params).active)
    assert {row[3] for row in rows} == expected == {check.post.name for check in on_page}


def test_the_filter_line_names_the_township_and_dates(client_for, officer, checks, township1):
    sheet = list_book(
        client_for(officer), township=township1.pk, date_from="2027-02-01", date_to="2027-02-10"
    ).active
    assert sheet["A2"].value == (
        "筛选条件：乡镇（街道）：羊册镇；开始时间：2027-02-01；结束时间：2027-02-10"
    )


def test_filters_that_do_not_validate_are_ignored_as_the_page_ignores_them(
    client_for, officer, checks
):
    rows = data_rows(list_book(client_for(officer), date_from="2027-02-30", result="x\x00").active)
    assert len(rows) == 4


def test_a_clerk_gets_only_their_townships_checks(client_for, town1, town2, checks):
    assert {row[3] for row in data_rows(list_book(client_for(town1)).active)} == {
        "羊册镇值班室",
        "羊册镇敬老院值班",
    }
    assert [row[3] for row in data_rows(list_book(client_for(town2)).active)] == ["马谷田镇值班室"]


def test_a_clerk_naming_another_township_gets_nothing_of_it(client_for, town2, checks, township1):
    rows = data_rows(list_book(client_for(town2), township=township1.pk).active)
    assert "羊册镇值班室" not in {row[3] for row in rows}


def test_institution_staff_get_their_institutions_post_only(client_for, institution1, checks):
    staff = InstitutionStaffFactory(username="inst9", institution=institution1)
    rows = data_rows(list_book(client_for(staff)).active)
    assert [row[3] for row in rows] == ["羊册镇敬老院值班"]


def test_findings_like_formulas_come_back_as_text_and_no_cell_is_a_formula(
    client_for, officer, posts
):
    # Written as they are (the form strips what it is sent; an import or the admin may not).
    for n, text in enumerate(FORMULA_LIKE):
        SpotCheck.objects.create(
            post=posts["centre1"],
            checked_at=NOW - datetime.timedelta(hours=n + 1),
            method="phone",
            result="failed",
            answered_by=text,
            findings=text,
            checked_by=officer,
        )
    book = list_book(client_for(officer))
    rows = data_rows(book.active)
    assert len(rows) == len(FORMULA_LIKE)
    assert all(row[10].startswith("'") and row[6].startswith("'") for row in rows)
    assert "'=1+1" in {row[10] for row in rows}
    assert formula_cells(book) == []


def test_every_list_download_is_recorded(client_for, officer, checks):
    list_book(client_for(officer), result="failed")
    job = ExportJob.objects.get()
    assert job.kind == "duty_spot_checks" and job.requester == officer
    assert job.row_count == job.rows_written == 2
    assert job.params == {"result": ["failed"]}


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_files_query_count_does_not_grow(
    client_for, officer, township1, township2, django_assert_num_queries, size
):
    posts = [DutyPostFactory(township=t) for t in (township1, township2)]
    for n in range(size):
        record(officer, posts[n % 2], hours_ago=n + 1)
    client = client_for(officer)
    client.get(reverse("home"))
    # session, user, the filter's township, the count, the job's insert and the session's
    # save (each in a savepoint pair), the job running, the rows, the job done
    with django_assert_num_queries(13 + AUDIT_RECORD_QUERIES):
        book = workbook_of(client.get(reverse(LIST), {"township": township1.pk}))
    assert len(data_rows(book.active)) == size // 2


def test_the_list_page_links_its_download_with_its_filter(client_for, officer, checks):
    page = client_for(officer).get(reverse("duty_roster:spot_checks"), {"result": "failed"})
    assert f'href="{reverse(LIST)}?result=failed"' in page.content.decode()


def test_a_clerks_list_page_offers_the_download_too(client_for, town1, checks):
    page = client_for(town1).get(reverse("duty_roster:spot_checks"))
    assert f'href="{reverse(LIST)}"' in page.content.decode()


# --- The results by township -----------------------------------------------------------


def test_the_results_file_is_the_pages_table_with_its_totals(client_for, officer, checks, posts):
    with time_machine.travel(NOW - datetime.timedelta(days=20), tick=False):
        # 21 January: this quarter, not this month
        record(officer, posts["centre1"], hours_ago=20 * 24 + 1)
    client = client_for(officer)
    page = client.get(reverse("duty_roster:spot_check_summary")).context
    sheet = workbook_of(client.get(reverse(SUMMARY))).active
    assert sheet["A1"].value == "各乡镇（街道）查岗结果"
    assert sheet["A2"].value == "筛选条件：本月自2027-02-01起；本季度自2027-01-01起"
    assert header(sheet) == [
        "序号",
        "乡镇（街道）",
        "本月合格",
        "本月不合格",
        "本季度合格",
        "本季度不合格",
    ]
    assert sheet.freeze_panes == "A5"
    rows = data_rows(sheet)
    *townships, total = rows
    assert len(townships) == len(page["rows"]) == 3
    assert {row[1]: row[2:] for row in townships} == {
        "县局": (1, 0, 1, 0),
        "羊册镇": (1, 1, 1, 2),
        "马谷田镇": (0, 1, 0, 1),
    }
    assert total == ("全县合计", None, 2, 2, 2, 3)
    assert [page["totals"][name] for name in ("month_passed", "month_failed")] == [2, 2]
    assert all(isinstance(value, int) for row in townships for value in row[2:])


@pytest.mark.parametrize("role", ["town1", "inst1"])
def test_only_the_county_downloads_the_results(request, client_for, role, checks):
    user = request.getfixturevalue(role)
    assert client_for(user).get(reverse(SUMMARY)).status_code == 403
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("size", [2, 12])
def test_the_results_files_query_count_does_not_grow(
    client_for, officer, township1, township2, django_assert_num_queries, size
):
    posts = [DutyPostFactory(township=t) for t in (township1, township2)]
    for n in range(size):
        record(officer, posts[n % 2], hours_ago=n + 1)
    client = client_for(officer)
    client.get(reverse("home"))
    # session, user, the grouped counts (once: counted, then written), the job's insert and
    # the session's save (each in a savepoint pair), the job running, the job done
    with django_assert_num_queries(11 + AUDIT_RECORD_QUERIES):
        workbook_of(client.get(reverse(SUMMARY)))
    assert ExportJob.objects.get().kind == "duty_spot_check_results"


def test_the_results_page_links_its_download(client_for, officer, checks):
    page = client_for(officer).get(reverse("duty_roster:spot_check_summary"))
    assert f'href="{reverse(SUMMARY)}"' in page.content.decode()
