"""Filing a daily report: a form, a one-tap 零报告, corrections as new versions, late flags."""

import pytest
from django.urls import reverse

from daily_reports.models import DailyReport
from institutions.models import InstitutionKind
from tests.daily_reports.conftest import DAY, at
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

FORM = {
    "safety_situation": "消防设施完好",
    "hazards_found": "2",
    "hazards_fixed": "1",
    "fever_cases": "3",
    "positive_tests": "1",
    "sent_to_hospital": "1",
    "incidents": "0",
    "incident_notes": "",
    "duty_in_place": "yes",
    "for_the_bureau": "抗原试剂不足",
}


def file_url(kind, pk, day=DAY):
    return reverse("daily_reports:file", args=[kind, pk, day.isoformat()])


def zero_url(kind, pk, day=DAY):
    return reverse("daily_reports:zero", args=[kind, pk, day.isoformat()])


def test_institution_staff_file_their_report_with_the_form(clock, period, inst1, client_for):
    response = client_for(inst1).post(file_url("i", inst1.institution_id), FORM)
    report = DailyReport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("daily_reports:report", args=[report.pk])
    assert (report.institution, report.township) == (inst1.institution, inst1.township)
    assert (report.version, report.fever_cases, report.is_zero, report.is_late) == (
        1,
        3,
        False,
        False,
    )
    assert report.submitted_by == inst1
    assert report.for_the_bureau == "抗原试剂不足"


def test_nothing_to_report_is_one_post_and_is_a_report(clock, period, town1, client_for):
    response = client_for(town1).post(zero_url("t", town1.township_id))
    report = DailyReport.objects.get()
    assert response.status_code == 302
    assert report.is_zero and report.institution is None and report.township == town1.township
    assert report.duty_in_place
    assert all(getattr(report, name) == 0 for name in DailyReport.COUNT_FIELDS)


def test_a_zero_report_is_refused_once_the_day_has_a_report(clock, period, town1, client_for):
    client = client_for(town1)
    client.post(zero_url("t", town1.township_id))
    response = client.post(zero_url("t", town1.township_id), follow=True)
    assert DailyReport.objects.count() == 1
    assert "这一天已报送日报" in response.content.decode()


def test_a_correction_is_a_new_version_and_keeps_the_old_one(clock, period, town1, client_for):
    client = client_for(town1)
    client.post(zero_url("t", town1.township_id))
    refused = client.post(file_url("t", town1.township_id), FORM)
    assert refused.status_code == 200  # a correction needs its reason
    assert "请说明更正原因" in refused.content.decode()
    client.post(file_url("t", town1.township_id), {**FORM, "correction_reason": "漏报发热人员"})
    first, second = DailyReport.objects.order_by("version")
    assert (first.version, first.is_zero, first.fever_cases) == (1, True, 0)
    assert (second.version, second.is_zero, second.fever_cases) == (2, False, 3)
    assert list(DailyReport.objects.current()) == [second]


@pytest.mark.parametrize(
    ("hour", "minute", "late"), [(15, 59, False), (16, 0, False), (16, 1, True), (23, 59, True)]
)
def test_late_means_after_the_cut_off_in_beijing_time(
    clock, period, town1, client_for, hour, minute, late
):
    clock.move_to(at(hour, minute))
    client_for(town1).post(zero_url("t", town1.township_id))
    assert DailyReport.objects.get().is_late is late


def test_yesterdays_report_filed_today_is_late_and_tomorrows_is_refused(
    clock, period, town1, client_for
):
    client = client_for(town1)
    client.post(zero_url("t", town1.township_id, DAY.replace(day=9)))
    assert DailyReport.objects.get().is_late
    response = client.post(zero_url("t", town1.township_id, DAY.replace(day=11)), follow=True)
    assert DailyReport.objects.count() == 1
    assert "尚未到来" in response.content.decode()


def test_a_day_outside_every_period_is_refused(clock, period, town1, client_for):
    response = client_for(town1).post(
        zero_url("t", town1.township_id, DAY.replace(month=1)), follow=True
    )
    assert not DailyReport.objects.exists()
    assert "没有覆盖这一天的报送期" in response.content.decode()


def test_bad_numbers_are_answered_in_chinese_beside_the_field(clock, period, town1, client_for):
    response = client_for(town1).post(
        file_url("t", town1.township_id),
        {**FORM, "fever_cases": "-1", "hazards_found": "abc", "incidents": "2"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert not DailyReport.objects.exists()
    assert "请输入0或更大的整数" in page  # abc
    assert "确保该值大于或等于0" in page  # -1
    assert "请简要说明发生了什么" in page  # incidents without a note


def test_township_staff_file_for_their_own_institution(
    clock, period, town1, institution1, client_for
):
    response = client_for(town1).post(zero_url("i", institution1.pk))
    assert response.status_code == 302
    assert DailyReport.objects.get().institution == institution1


def test_township_staff_cannot_file_for_another_townships_institution(
    clock, period, town1, institution2, client_for
):
    client = client_for(town1)
    assert client.post(zero_url("i", institution2.pk)).status_code == 404
    assert client.post(file_url("i", institution2.pk), FORM).status_code == 404
    assert client.post(zero_url("t", institution2.township_id)).status_code == 404
    assert not DailyReport.objects.exists()


def test_institution_staff_cannot_file_for_another_institution_or_their_township(
    clock, period, inst1, institution1, client_for
):
    neighbour = InstitutionFactory(township=institution1.township)
    client = client_for(inst1)
    assert client.post(zero_url("i", neighbour.pk)).status_code == 404
    assert client.post(zero_url("t", institution1.township_id)).status_code == 403
    assert not DailyReport.objects.exists()


def test_officers_read_every_report_but_file_for_no_unit(
    clock, period, officer, institution1, client_for
):
    client = client_for(officer)
    assert client.post(zero_url("i", institution1.pk)).status_code == 403
    assert client.post(zero_url("t", institution1.township_id)).status_code == 403
    assert client.get(file_url("t", institution1.township_id)).status_code == 403
    assert not DailyReport.objects.exists()


def test_an_institution_of_a_kind_that_does_not_report_is_refused(
    clock, period, town1, township1, client_for
):
    registry = InstitutionFactory(township=township1, kind=InstitutionKind.MARRIAGE_REGISTRY)
    response = client_for(town1).post(zero_url("i", registry.pk), follow=True)
    assert not DailyReport.objects.exists()
    assert "本报送期不报送日报" in response.content.decode()


def test_a_report_page_shows_every_version(clock, period, town1, officer, client_for):
    client = client_for(town1)
    client.post(zero_url("t", town1.township_id))
    client.post(file_url("t", town1.township_id), {**FORM, "correction_reason": "漏报"})
    current = DailyReport.objects.get(version=2)
    page = client_for(officer).get(reverse("daily_reports:report", args=[current.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "第1版" in text and "第2版" in text and "更正原因: 漏报" in text


def test_another_townships_report_is_not_found(clock, period, town1, town2, client_for):
    client_for(town1).post(zero_url("t", town1.township_id))
    report = DailyReport.objects.get()
    assert (
        client_for(town2).get(reverse("daily_reports:report", args=[report.pk])).status_code == 404
    )
