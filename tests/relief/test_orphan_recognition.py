"""孤儿 and 事实无人抚养儿童: found, checked by the township, decided by the county; recognised,
the allowance is paid in full from the decision month."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from relief import services
from relief.models import BatchStatus, ChildRecognition, PersonCategory, RecognitionStatus
from tests.factories import TownshipStaffFactory
from tests.relief.factories import PersonFactory, ProgrammeFactory, id_number

TODAY = timezone.localdate


def child(township, n=1, **extra):
    born = TODAY() - datetime.timedelta(days=365 * 8 + n)
    return PersonFactory(township=township, id_number=id_number(n, born=born), **extra)


def report(user, person, **extra):
    fields = {
        "kind": "unsupported_child",
        "reporter_name": "村委会委员刘芳",
        "found_on": TODAY() - datetime.timedelta(days=5),
        "circumstances": "父亲服刑，母亲失联一年",
    } | extra
    return services.report_child(user=user, person=person, **fields)


@pytest.fixture
def checker(township1):
    return TownshipStaffFactory(township=township1)


def checked(town1, checker, person, **extra):
    recognition = report(town1, person, **extra)
    return services.check_recognition(
        recognition=recognition, user=checker, confirmed=True, note="入户核实属实"
    )


def test_recognised_child_is_paid_in_full_from_the_decision_month(
    township1, town1, checker, officer
):
    programme = ProgrammeFactory(amount=Decimal("1000.00"), amount_in_institution=None)
    recognition = checked(town1, checker, child(township1))
    services.decide_recognition(recognition=recognition, user=officer, approve=True)
    recognition.refresh_from_db()
    month_start = TODAY().replace(day=1)
    assert recognition.status == RecognitionStatus.APPROVED
    assert recognition.category.start_date == month_start
    assert recognition.category.category == "unsupported_child"
    batch = services.generate_batch(programme=programme, period=f"{TODAY():%Y-%m}", user=officer)
    line = batch.lines.get()
    assert (line.person_id, line.amount, line.excluded) == (
        recognition.person_id,
        Decimal("1000.00"),
        False,
    )
    previous = month_start - datetime.timedelta(days=1)
    earlier = services.generate_batch(programme=programme, period=f"{previous:%Y-%m}", user=officer)
    assert not earlier.lines.exists()  # nothing before the decision month


def test_a_draft_batch_of_the_month_gets_the_child_and_an_approved_one_a_top_up(
    township1, town1, checker, officer, admin_user
):
    programme = ProgrammeFactory()
    period = f"{TODAY():%Y-%m}"
    other = PersonCategory.objects.create(
        person=PersonFactory(township=township1), category="orphan", start_date=TODAY()
    )
    paid = services.generate_batch(programme=programme, period=period, user=officer)
    services.approve_batch(batch=paid, user=admin_user)
    draft = services.generate_batch(programme=programme, period=period, user=officer)
    assert not draft.lines.exists()  # everyone was paid for the month already
    recognition = checked(town1, checker, child(township1), raised_in_institution=True)
    services.decide_recognition(recognition=recognition, user=officer, approve=True)
    draft.refresh_from_db()
    assert draft.count == 1 and draft.total == Decimal("1000.00")  # the institution standard
    assert draft.lines.get().person_id == recognition.person_id
    draft = services.approve_batch(batch=draft, user=admin_user)
    assert draft.status == BatchStatus.APPROVED
    assert other.person.payments.count() == 1


def test_the_county_decides_only_after_the_township_check(township1, town1, checker, officer):
    recognition = report(town1, child(township1))
    with pytest.raises(ValidationError):
        services.decide_recognition(recognition=recognition, user=officer, approve=True)
    with pytest.raises(PermissionDenied):  # the township checks, the county decides
        services.check_recognition(recognition=recognition, user=officer, confirmed=True, note="x")
    services.check_recognition(recognition=recognition, user=checker, confirmed=True, note="属实")
    with pytest.raises(PermissionDenied):
        services.decide_recognition(recognition=recognition, user=checker, approve=True)


def test_refusals_need_a_reason_and_grant_nothing(township1, town1, checker, officer):
    recognition = checked(town1, checker, child(township1))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.decide_recognition(recognition=recognition, user=officer, approve=False)
    assert "原因" in " ".join(refused.value.messages)
    services.decide_recognition(
        recognition=recognition, user=officer, approve=False, note="母亲已返家抚养"
    )
    recognition.refresh_from_db()
    assert recognition.status == RecognitionStatus.REFUSED
    assert not PersonCategory.objects.exists()


def test_a_report_is_checked_in_chinese(township1, town1):
    adult = PersonFactory(township=township1)  # born in the 1940s
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        report(town1, adult, reporter_name=" ", found_on=TODAY() + datetime.timedelta(days=1))
    errors = refused.value.message_dict
    assert "不能晚于今天" in errors["found_on"][0]
    assert "发现人" in errors["reporter_name"][0]
    young = child(township1)
    report(town1, young)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as again:
        report(town1, young)
    assert "认定" in again.value.message_dict["kind"][0]


def test_another_township_neither_reports_nor_sees(township1, town1, town2, client_for):
    young = child(township1, name="认定儿童甲")
    with pytest.raises(PermissionDenied):
        report(town2, young)
    recognition = report(town1, young)
    client = client_for(town2)
    assert client.get(reverse("relief:recognition", args=[recognition.pk])).status_code == 404
    assert client.get(reverse("relief:recognition_new", args=[young.pk])).status_code == 404
    assert "认定儿童甲" not in client.get(reverse("relief:recognitions")).content.decode()


def test_the_county_sees_children_waiting_longest_first_with_their_days(
    township1, town1, officer, client_for
):
    late = report(town1, child(township1, 1), found_on=TODAY() - datetime.timedelta(days=3))
    early = report(town1, child(township1, 2), found_on=TODAY() - datetime.timedelta(days=40))
    response = client_for(officer).get(reverse("relief:recognitions"))
    page = list(response.context["page"])
    assert [r.pk for r in page] == [early.pk, late.pk]
    assert [r.waited for r in page] == [40, 3]


def test_the_report_form_answers_beside_the_field(township1, town1, client_for):
    young = child(township1)
    response = client_for(town1).post(
        reverse("relief:recognition_new", args=[young.pk]),
        {"kind": "orphan", "reporter_name": "", "found_on": f"{TODAY():%Y-%m-%d}"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reporter_name"]
    assert not ChildRecognition.objects.exists()


def test_the_pages_walk_the_workflow(township1, town1, checker, officer, client_for):
    recognition = report(town1, child(township1))
    client_for(checker).post(
        reverse("relief:recognition_action", args=[recognition.pk, "confirm"]), {"note": "属实"}
    )
    client_for(officer).post(
        reverse("relief:recognition_action", args=[recognition.pk, "approve"]), {"note": ""}
    )
    recognition.refresh_from_db()
    assert recognition.status == RecognitionStatus.APPROVED


@pytest.mark.parametrize("size", [1, 12])
def test_the_waiting_list_costs_the_same_at_any_size(
    size, township1, town1, officer, client_for, django_assert_num_queries
):
    for n in range(size):
        report(town1, child(township1, n))
    client = client_for(officer)
    client.get(reverse("relief:recognitions"))
    with django_assert_num_queries(10):
        assert client.get(reverse("relief:recognitions")).status_code == 200
