"""Inspection results as .xlsx: every answer of the submitted inspections in scope, and a
summary per inspection; the filters, the scope and safe cells."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from exports import services as exports
from exports.models import ExportJob, JobStatus
from inspections import services
from inspections.models import Answer, InspectionStatus
from tests.exports.conftest import (
    AUDIT_RECORD_QUERIES,
    FORMULA_LIKE,
    data_rows,
    formula_cells,
    header,
    workbook_of,
)
from tests.inspections.factories import InspectionFactory, ItemFactory, SectionFactory, jpeg

URL = "inspections:results_xlsx"
GARBAGE = ["²", "٣", "-1", "9" * 30, "1e9999", "1\x00", "<script>", "💥", "' OR 1=1 --", ""]
DETAIL_HEADERS = [
    "序号",
    "乡镇（街道）",
    "机构",
    "检查表",
    "版本",
    "检查部分",
    "检查项目",
    "检查结果",
    "不合格",
    "备注",
    "照片数",
    "检查人员",
    "提交时间",
]
SUMMARY_HEADERS = [
    "序号",
    "乡镇（街道）",
    "机构",
    "检查表",
    "检查日期",
    "检查人员",
    "得分",
    "不合格项数",
    "其中重大隐患项数",
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def items(db):
    """Two sections: a general and a major pass/fail item; a yes/no and a number (次)."""
    first = SectionFactory(title="消防安全", order=1)
    second = SectionFactory(version=first.version, title="值班值守", order=2)
    return {
        "general": ItemFactory(section=first, text="灭火器在有效期内", order=1),
        "major": ItemFactory(section=first, text="疏散通道畅通", order=2, severity="major"),
        "yes_no": ItemFactory(
            section=second,
            text="夜间有人值班",
            order=1,
            answer_type="yes_no",
            failing_yes_no="no",
        ),
        "number": ItemFactory(
            section=second,
            text="本月消防演练",
            order=2,
            answer_type="number",
            unit="次",
            fail_below=1,
        ),
    }


def submitted(institution, user, answers, inspector="李春梅"):
    """An inspection of `institution` answered as given ({item: (value, note, photo)})."""
    version = next(iter(answers)).section.version
    inspection = InspectionFactory(institution=institution, version=version)
    for item, (value, note, photo) in answers.items():
        services.save_answer(
            inspection=inspection,
            item=item,
            user=user,
            value=value,
            note=note,
            photo=jpeg() if photo else None,
        )
    return services.submit_inspection(
        inspection=inspection, user=user, inspector_name=inspector, person_present="王建国"
    )


@pytest.fixture
def results(items, institution1, institution2, town1, town2):
    """Two submitted inspections (one per township) and a draft that must not show."""
    first = submitted(
        institution1,
        town1,
        {
            items["general"]: ("fail", "压力不足", False),
            items["major"]: ("fail", "堆放杂物", True),
            items["yes_no"]: ("yes", "", False),
            items["number"]: ("3", "", False),
        },
    )
    second = submitted(
        institution2,
        town2,
        {
            items["general"]: ("pass", "", False),
            items["major"]: ("na", "", False),
            items["yes_no"]: ("no", "无人值班", False),
            items["number"]: ("5", "", False),
        },
        inspector="",
    )
    draft = InspectionFactory(institution=institution1, version=items["general"].section.version)
    services.save_answer(inspection=draft, item=items["general"], user=town1, value="fail")
    return first, second


def download(client, params=None):
    response = client.get(reverse(URL), params or {})
    assert response.status_code == 200
    return workbook_of(response)


def column(sheet, name):
    return header(sheet).index(name)


def test_the_workbook_has_the_answers_and_a_summary_with_title_filter_who_and_when(
    client_for, officer, results, township1
):
    book = download(client_for(officer), {"township": township1.pk})
    assert book.sheetnames == ["检查结果明细", "汇总", "按机构汇总"]
    for sheet in book.worksheets:
        assert sheet["A1"].value == "检查结果"
        assert sheet["A2"].value == "筛选条件：乡镇（街道）：羊册镇"
        assert officer.display_name in sheet["A3"].value
        assert f"{timezone.localdate():%Y-%m-%d}" in sheet["A3"].value
        assert sheet.freeze_panes == "A5"
    assert header(book.worksheets[0]) == DETAIL_HEADERS
    assert header(book.worksheets[1]) == SUMMARY_HEADERS
    assert book.worksheets[0].column_dimensions["G"].width == 40  # the item's text


def test_one_row_per_answer_of_the_submitted_inspections_numbered_1_to_n(
    client_for, officer, results
):
    book = download(client_for(officer))
    rows = data_rows(book.worksheets[0])
    expected = Answer.objects.filter(inspection__status=InspectionStatus.SUBMITTED).count()
    assert len(rows) == expected == 8  # the draft's answer is no result
    assert [row[0] for row in rows] == list(range(1, 9))
    # In submission order, each inspection's items in the checklist's order.
    assert [row[2] for row in rows] == ["羊册镇敬老院"] * 4 + ["马谷田镇敬老院"] * 4
    assert [row[6] for row in rows[:4]] == [
        "灭火器在有效期内",
        "疏散通道畅通",
        "夜间有人值班",
        "本月消防演练",
    ]


def test_answers_are_in_words_with_their_note_photo_count_inspector_and_time(
    client_for, officer, results, items, town2
):
    first, _second = results
    sheet = download(client_for(officer)).worksheets[0]
    rows = data_rows(sheet)
    assert [row[7] for row in rows] == [
        "不合格",
        "不合格",
        "是",
        "3 次",
        "合格",
        "不适用",
        "否",
        "5 次",
    ]
    assert [row[8] for row in rows] == ["是", "是", None, None, None, None, "是", None]
    assert [row[9] for row in rows[:2]] == ["压力不足", "堆放杂物"]
    assert [row[10] for row in rows] == [0, 1, 0, 0, 0, 0, 0, 0]
    township, institution, checklist, version, section = rows[0][1:6]
    assert (township, institution, version, section) == ("羊册镇", "羊册镇敬老院", 1, "消防安全")
    assert checklist == items["general"].section.version.template.name
    assert rows[0][11] == "李春梅"
    assert rows[4][11] == town2.display_name  # no inspectors typed in: the account that submitted
    cell = sheet.cell(row=5, column=column(sheet, "提交时间") + 1)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm"
    expected = timezone.localtime(first.submitted_at).replace(tzinfo=None)
    assert abs(cell.value - expected) < datetime.timedelta(seconds=1)


def test_the_summary_has_each_inspections_date_score_fails_and_majors(
    client_for, officer, results, town2
):
    first, second = results
    sheet = download(client_for(officer)).worksheets[1]
    rows = data_rows(sheet)
    assert [row[2] for row in rows] == ["羊册镇敬老院", "马谷田镇敬老院"]
    assert [row[6:] for row in rows] == [(50, 2, 1), (66.7, 1, 0)]
    assert [row[6] for row in rows] == [float(first.score), float(second.score)]
    assert [row[5] for row in rows] == ["李春梅", town2.display_name]
    day = sheet.cell(row=5, column=5)
    assert day.is_date and day.number_format == "yyyy-mm-dd"
    assert day.value.date() == timezone.localtime(first.submitted_at).date()
    assert sheet.cell(row=5, column=7).number_format == "General"  # a score, not money


def test_a_sheet_per_institution_has_its_inspections_scores_fails_and_majors(
    client_for, officer, results, items, institution1, town1
):
    first, _second = results
    again = submitted(
        institution1,
        town1,
        {
            items["general"]: ("pass", "", False),
            items["major"]: ("pass", "", False),
            items["yes_no"]: ("yes", "", False),
            items["number"]: ("2", "", False),
        },
    )
    sheet = download(client_for(officer)).worksheets[2]
    assert sheet.title == "按机构汇总"
    assert header(sheet) == [
        "序号",
        "乡镇（街道）",
        "机构",
        "检查次数",
        "最近得分",
        "平均得分",
        "不合格项数",
        "其中重大隐患项数",
    ]
    rows = {row[2]: row[3:] for row in data_rows(sheet)}
    average = round((float(first.score) + float(again.score)) / 2, 1)
    # The latest inspection's score, the average of the two, the failures of both.
    assert rows["羊册镇敬老院"] == (2, float(again.score), average, 2, 1)
    assert rows["马谷田镇敬老院"] == (1, 66.7, 66.7, 1, 0)


def test_the_filters_narrow_both_sheets(client_for, officer, results, township2, items):
    client = client_for(officer)
    book = download(client, {"township": township2.pk})
    assert {row[2] for row in data_rows(book.worksheets[0])} == {"马谷田镇敬老院"}
    assert [row[2] for row in data_rows(book.worksheets[1])] == ["马谷田镇敬老院"]
    template = items["general"].section.version.template
    book = download(client, {"template": template.pk})
    assert len(data_rows(book.worksheets[0])) == 8
    assert f"检查表：{template.name}" in book.worksheets[0]["A2"].value
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    book = download(client, {"submitted_from": f"{tomorrow:%Y-%m-%d}"})
    assert data_rows(book.worksheets[0]) == data_rows(book.worksheets[1]) == []
    assert book.worksheets[0]["A2"].value == f"筛选条件：提交日期自：{tomorrow:%Y-%m-%d}"
    book = download(client, {"submitted_to": f"{timezone.localdate():%Y-%m-%d}"})
    assert len(data_rows(book.worksheets[1])) == 2


def test_a_clerk_gets_only_their_townships_results(client_for, town2, results, township1):
    book = download(client_for(town2), {"township": township1.pk})  # not theirs: ignored
    assert {row[1] for row in data_rows(book.worksheets[0])} == {"马谷田镇"}
    assert [row[1] for row in data_rows(book.worksheets[1])] == ["马谷田镇"]


def test_institution_staff_get_only_their_institutions_results(client_for, inst1, results):
    book = download(client_for(inst1))
    assert {row[2] for row in data_rows(book.worksheets[0])} == {"羊册镇敬老院"}


def test_notes_like_formulas_come_back_as_text_and_no_cell_is_a_formula(
    client_for, officer, items, institution1, town1
):
    version = items["general"].section.version
    for text in FORMULA_LIKE:
        inspection = InspectionFactory(institution=institution1, version=version)
        for item in items.values():
            value = {"yes_no": "yes", "number": "2"}.get(item.answer_type, "pass")
            services.save_answer(
                inspection=inspection, item=item, user=town1, value=value, note=text
            )
        services.submit_inspection(
            inspection=inspection, user=town1, inspector_name=text, person_present="乙"
        )
    book = download(client_for(officer))
    notes = {row[9] for row in data_rows(book.worksheets[0])}
    assert notes == {"'" + text for text in FORMULA_LIKE}
    assert {row[5] for row in data_rows(book.worksheets[1])} == notes  # the inspectors
    assert formula_cells(book) == []


def test_every_download_is_recorded_with_its_filter_and_rows(
    client_for, officer, results, township2
):
    workbook_of(client_for(officer).get(reverse(URL), {"township": township2.pk, "page": "3"}))
    job = ExportJob.objects.get()
    assert job.requester == officer and job.kind == "inspection_results"
    assert job.params == {"township": [str(township2.pk)]}
    assert job.filter_text == "乡镇（街道）：马谷田镇"
    assert job.row_count == job.rows_written == 4  # the answers; the summary is not counted
    assert job.status == JobStatus.DONE


def test_a_large_export_is_written_by_the_task_with_both_sheets(
    client_for, officer, results, settings
):
    settings.EXPORT_ASYNC_ROWS = 5
    response = client_for(officer).get(reverse(URL))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.is_async and job.row_count == 8
    job = exports.run_job(job.pk)
    assert job.status == JobStatus.DONE and job.rows_written == 8
    book = workbook_of(client_for(officer).get(reverse("exports:download", args=[job.pk])))
    assert [len(data_rows(sheet)) for sheet in book.worksheets] == [8, 2, 2]


@pytest.mark.parametrize("inspections", [1, 4])
def test_the_query_count_does_not_grow_with_the_rows(
    client_for, officer, items, institution1, town1, inspections, django_assert_num_queries
):
    for _n in range(inspections):
        submitted(
            institution1,
            town1,
            {
                items["general"]: ("fail", "", True),
                items["major"]: ("pass", "", False),
                items["yes_no"]: ("yes", "", False),
                items["number"]: ("2", "", False),
            },
        )
    client = client_for(officer)
    client.get(reverse("home"))  # the session is loaded once before counting
    # A savepoint, session, user, the count, the job's insert and the session's save
    # (each in a savepoint pair), the job running, the answers, the summary, the two of
    # the institutions' sheet, the job done: the same for 4 answers as for 16.
    with django_assert_num_queries(15 + AUDIT_RECORD_QUERIES):
        workbook_of(client.get(reverse(URL)))


def test_the_inspections_page_offers_the_download(client_for, town1, results):
    page = client_for(town1).get(reverse("inspections:index")).content.decode()
    assert f'action="{reverse(URL)}"' in page
    assert 'name="submitted_from"' in page and "下载Excel" in page
    # A clerk's township goes without saying; the checklist can be chosen.
    assert 'name="template"' in page and 'name="township"' not in page


def test_an_officer_chooses_the_township_on_the_page(client_for, officer, township1, township2):
    page = client_for(officer).get(reverse("inspections:index")).content.decode()
    assert 'name="township"' in page
    assert f'<option value="{township1.pk}">{township1.name}</option>' in page


@pytest.mark.parametrize("value", [*GARBAGE, "2025-02-30", "9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("name", ["township", "template", "submitted_from", "submitted_to", "page"])
def test_garbage_in_a_filter_is_ignored_not_a_500(client_for, officer, town1, results, name, value):
    for user in (officer, town1):
        response = client_for(user).get(reverse(URL), {name: value})
        assert response.status_code == 200
        workbook_of(response)  # the stream runs to its end


def test_the_download_needs_a_login(client, results):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "login" in response.url
