"""Accountability cases (问责): opened by the county for a failed duty, an overdue major
hazard, a late incident report or another fact; seen by the county alone."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accountability import services
from accountability.models import Case, CaseDocument, Decision, Ground
from tests.accountability.conftest import incident, pdf, spot_check
from tests.inspections.factories import HazardFactory


def case_data(**fields):
    data = {
        "ground": Ground.FAILED_DUTY,
        "person_name": "刘建国",
        "person_position": "中心主任",
        "fact": "查岗时带班领导不在岗",
        "decision": Decision.TALK,
        "decided_on": f"{timezone.localdate():%Y-%m-%d}",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


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


# --- Opening a case --------------------------------------------------------------------


def test_officer_opens_a_case_for_a_failed_spot_check_with_its_decision(
    client_for, officer, failed_check, township1
):
    response = client_for(officer).post(
        reverse("accountability:new"),
        case_data(spot_check=failed_check.pk, document_title="约谈记录", document=pdf()),
    )
    case = Case.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert case.spot_check == failed_check
    assert case.township == township1  # the post's, when none is named
    assert case.opened_by == officer
    assert [d.title for d in case.documents.all()] == ["约谈记录"]


def test_the_form_opens_on_the_record_it_came_from(client_for, officer, failed_check):
    page = client_for(officer).get(reverse("accountability:new"), {"spot_check": failed_check.pk})
    form = page.context["form"]
    assert form["spot_check"].value() == str(failed_check.pk)
    assert form["ground"].value() == Ground.FAILED_DUTY


def test_a_passed_spot_check_grounds_no_case(client_for, officer, township1):
    passed = spot_check(officer, township1, result="passed")
    response = client_for(officer).post(
        reverse("accountability:new"), case_data(spot_check=passed.pk)
    )
    # Not among the failed checks the field takes.
    assert "spot_check" in response.context["form"].errors
    with pytest.raises(ValidationError) as refused:
        open_case(officer, ground=Ground.FAILED_DUTY, source=passed)
    assert refused.value.message_dict["spot_check"] == ["只有不合格的查岗才能发起问责。"]
    assert not Case.objects.exists()


def test_an_overdue_major_hazard_grounds_a_case_and_a_general_one_does_not(officer, institution1):
    late = timezone.localdate() - datetime.timedelta(days=3)
    major = HazardFactory(institution=institution1, severity="major", deadline=late)
    case = open_case(officer, ground=Ground.OVERDUE_HAZARD, source=major)
    assert case.institution == institution1 and case.township == institution1.township
    general = HazardFactory(institution=institution1, severity="general", deadline=late)
    with pytest.raises(ValidationError) as refused:
        open_case(officer, ground=Ground.OVERDUE_HAZARD, source=general)
    assert refused.value.message_dict["hazard"] == ["只有重大事故隐患才能发起问责。"]
    in_time = HazardFactory(institution=institution1, severity="major")
    with pytest.raises(ValidationError) as refused:
        open_case(officer, ground=Ground.OVERDUE_HAZARD, source=in_time)
    assert refused.value.message_dict["hazard"] == ["该隐患尚未超过整改期限。"]


def test_a_late_incident_report_grounds_a_case_and_a_timely_one_does_not(
    officer, inst1, institution1
):
    late = incident(inst1, institution1, minutes_late=180)
    assert open_case(officer, ground=Ground.LATE_REPORT, source=late).incident == late
    timely = incident(inst1, institution1, minutes_late=10)
    with pytest.raises(ValidationError) as refused:
        open_case(officer, ground=Ground.LATE_REPORT, source=timely)
    assert refused.value.message_dict["incident"] == ["该突发事件按时报告，不能以迟报问责。"]


def test_a_case_on_other_grounds_names_its_unit(client_for, officer):
    response = client_for(officer).post(reverse("accountability:new"), case_data(ground="other"))
    assert response.context["form"].errors["township"] == ["请填写被问责的乡镇（街道）或机构。"]
    assert not Case.objects.exists()


def test_an_other_decision_says_what_it_was(client_for, officer, township1):
    response = client_for(officer).post(
        reverse("accountability:new"),
        case_data(ground="other", township=township1.pk, decision="other"),
    )
    assert response.context["form"].errors["decision_other"] == ["请写明问责决定。"]
    assert not Case.objects.exists()


def test_a_decision_dated_in_the_future_is_refused_beside_its_date(client_for, officer, township1):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(officer).post(
        reverse("accountability:new"),
        case_data(ground="other", township=township1.pk, decided_on=f"{tomorrow:%Y-%m-%d}"),
    )
    assert response.context["form"].errors["decided_on"] == ["问责决定日期不能晚于今天。"]


def test_a_document_that_is_not_a_pdf_or_photo_saves_nothing(client_for, officer, failed_check):
    page = SimpleUploadedFile("决定书.html", b"<script>alert(1)</script>", content_type="text/html")
    response = client_for(officer).post(
        reverse("accountability:new"),
        case_data(spot_check=failed_check.pk, document_title="决定书", document=page),
    )
    assert response.context["form"].errors["document"] == [
        "请上传PDF文件，或文书各页的照片（JPEG或PNG）。"
    ]
    assert not Case.objects.exists() and not CaseDocument.objects.exists()


# --- Documents --------------------------------------------------------------------


def test_a_document_is_served_to_the_county_as_a_download_never_cached(
    client_for, officer, township1
):
    case = open_case(officer, township=township1, documents=[("决定书", pdf())])
    document = case.documents.get()
    response = client_for(officer).get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_officer_adds_a_document_to_a_case(client_for, officer, township1):
    case = open_case(officer, township=township1)
    client_for(officer).post(
        reverse("accountability:add_document", args=[case.pk]), {"title": "通报", "file": pdf()}
    )
    assert [d.title for d in case.documents.all()] == ["通报"]


def test_a_document_without_a_title_is_refused_beside_it(client_for, officer, township1):
    case = open_case(officer, township=township1)
    response = client_for(officer).post(
        reverse("accountability:add_document", args=[case.pk]), {"title": "", "file": pdf()}
    )
    assert response.context["document_form"].errors["title"] == ["这个字段是必填项。"]
    assert not case.documents.exists()


# --- Only the county -------------------------------------------------------------------


@pytest.fixture
def outsiders(request, inst1, town1, town2, security_roles):
    return [inst1, town1, town2, *security_roles.values()]


def test_no_one_outside_the_county_reaches_a_case_or_writes_one(
    client_for, officer, township1, failed_check, outsiders
):
    case = open_case(officer, township=township1, documents=[("决定书", pdf())])
    document = case.documents.get()
    for user in outsiders:
        client = client_for(user)
        for url in (
            reverse("accountability:list"),
            reverse("accountability:new"),
            case.get_absolute_url(),
            document.get_absolute_url(),
        ):
            assert client.get(url).status_code == 403, (user.username, url)
        assert (
            client.post(
                reverse("accountability:new"), case_data(spot_check=failed_check.pk)
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("accountability:add_document", args=[case.pk]),
                {"title": "伪造", "file": pdf()},
            ).status_code
            == 403
        )
        with pytest.raises(PermissionDenied):
            open_case(user, township=township1)
        with pytest.raises(PermissionDenied):
            services.add_document(case=case, user=user, title="伪造", file=pdf())
        assert not Case.objects.visible_to(user).exists()
    assert Case.objects.count() == 1 and CaseDocument.objects.count() == 1


def test_the_admin_role_opens_cases_too(client_for, admin_user, township1):
    case = open_case(admin_user, township=township1)
    assert client_for(admin_user).get(case.get_absolute_url()).status_code == 200


def test_the_case_page_shows_its_change_history(client_for, officer, township1):
    case = open_case(officer, township=township1, documents=[("决定书", pdf())])
    page = client_for(officer).get(case.get_absolute_url())
    kinds = {(v.model_label, v.kind) for v in page.context["history"].versions}
    assert ("", "+") in kinds
    assert any(label and kind == "+" for label, kind in kinds)  # the document's


# --- Query counts -----------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_costs_the_same_queries_at_any_size(
    client_for, officer, township1, institution1, inst1, count, django_assert_num_queries
):
    late = timezone.localdate() - datetime.timedelta(days=3)
    for n in range(count):
        kind = n % 3
        if kind == 0:
            source = spot_check(officer, township1)
            open_case(officer, ground=Ground.FAILED_DUTY, source=source)
        elif kind == 1:
            hazard = HazardFactory(institution=institution1, severity="major", deadline=late)
            open_case(officer, ground=Ground.OVERDUE_HAZARD, source=hazard)
        else:
            report = incident(inst1, institution1, minutes_late=200)
            open_case(officer, ground=Ground.LATE_REPORT, source=report)
    client = client_for(officer)
    client.get(reverse("accountability:list"))
    # The same at any size: the capped count and the page with its units and sources
    # (one join), besides the session's work.
    with django_assert_num_queries(9):
        page = client.get(reverse("accountability:list"))
    assert len(page.context["page"].object_list) == count


def test_the_same_form_sent_twice_opens_one_case(client_for, officer, failed_check):
    client = client_for(officer)
    data = case_data(
        spot_check=failed_check.pk, submission_token="7f1b6c1e-3f4a-4b43-9a55-1d2e3f4a5b6c"
    )
    first = client.post(reverse("accountability:new"), data)
    again = client.post(reverse("accountability:new"), data)
    assert Case.objects.count() == 1
    assert again["Location"] == first["Location"]
