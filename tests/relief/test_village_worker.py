"""Village workers (村级工作人员): below the township, they see the people of their own
village, record home visits and report children and people found there; the township
answers what they report."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

import audit
from audit.models import AuditEvent
from institutions.models import Role
from relief import services
from relief.models import ChildRecognition, FoundReport, FoundStatus, HomeVisit, Person
from tests.factories import UserFactory
from tests.relief.factories import ApplicationFactory, PersonFactory, id_number

TODAY = timezone.localdate


@pytest.fixture
def worker(township1):
    return UserFactory(
        username="village1", role=Role.VILLAGE_WORKER, township=township1, village="王庄村"
    )


@pytest.fixture
def people(township1, township2):
    """Two of 王庄村 (羊册镇), one of 李湾村 next door, one of a 王庄村 in another township."""
    return {
        "own": PersonFactory(township=township1, village="王庄村", name="本村甲"),
        "own2": PersonFactory(township=township1, village="王庄村", name="本村乙"),
        "next_door": PersonFactory(township=township1, village="李湾村", name="邻村丙"),
        "same_name": PersonFactory(township=township2, village="王庄村", name="外镇丁"),
    }


def _signed_in(client, user):
    client.force_login(user)
    return client


# --- The account ----------------------------------------------------------------------


def test_a_village_worker_needs_a_township_and_a_village(township1):
    user = UserFactory.build(username="v", role=Role.VILLAGE_WORKER, township=township1)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        user.clean()
    assert "村" in refused.value.message_dict["village"][0]
    user = UserFactory.build(username="v2", role=Role.VILLAGE_WORKER, village="王庄村")
    with pytest.raises(ValidationError) as refused:
        user.clean()
    assert "township" in refused.value.message_dict
    # And the database says so too, for a row written around the form.
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="v3", role=Role.VILLAGE_WORKER, township=township1, village="")


def test_another_role_keeps_no_village(township1):
    user = UserFactory(username="v", role=Role.VILLAGE_WORKER, township=township1, village="王庄村")
    user.role = Role.TOWNSHIP_STAFF
    user.save()
    user.refresh_from_db()
    assert user.village == ""


# --- What they see ----------------------------------------------------------------------


def test_they_see_the_people_of_their_village_only(worker, people):
    assert set(Person.objects.visible_to(worker)) == {people["own"], people["own2"]}


def test_the_people_list_is_their_village_and_costs_the_same_at_any_size(
    worker, people, township1, client, django_assert_max_num_queries
):
    _signed_in(client, worker)
    page = client.get(reverse("relief:people")).content.decode()
    assert "本村甲" in page and "本村乙" in page
    assert "邻村丙" not in page and "外镇丁" not in page
    cache.clear()  # the page's count, counted again on both sides
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("relief:people"))
    for n in range(20):
        PersonFactory(township=township1, village="王庄村", id_number=id_number(500 + n))
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("relief:people"))


def test_a_person_page_shows_masked_numbers_and_no_payments_or_applications(worker, people, client):
    person = people["own"]
    ApplicationFactory(person=person, reason="冬季取暖困难申请")
    _signed_in(client, worker)
    page = client.get(person.get_absolute_url()).content.decode()
    assert person.masked_id in page
    assert person.id_number not in page
    assert "冬季取暖困难申请" not in page
    assert reverse("relief:person_action", args=[person.pk, "visit"]) in page
    assert not AuditEvent.objects.filter(event=audit.Event.FULL_ID_SHOWN).exists()
    assert client.get(people["next_door"].get_absolute_url()).status_code == 404


def test_the_rest_of_the_system_is_closed_to_them(worker, client):
    _signed_in(client, worker)
    for name in ["institutions:list", "inspections:index", "relief:applications", "audit:list"]:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("relief:index")).url == reverse("relief:people")
    home = client.get(reverse("home"))
    assert reverse("relief:found_report_new") in home.content.decode()
    # Only their own panel: the others count what they may not open.
    assert [panel["template"] for panel in home.context["panels"]] == [
        "relief/_village_home_panel.html"
    ]


# --- Visits and children ------------------------------------------------------------------


def test_they_record_a_visit_in_their_village(worker, people, client, town1):
    _signed_in(client, worker)
    person = people["own"]
    url = reverse("relief:person_action", args=[person.pk, "visit"])
    response = client.post(
        url,
        {
            "visited_on": TODAY().isoformat(),
            "findings": "屋顶漏雨，需修缮",
            "needs": ["supplies"],
            "follow_up": "报乡镇安排修缮",
            "follow_up_owner": town1.pk,
        },
    )
    assert response.status_code == 302
    visit = HomeVisit.objects.get()
    assert (visit.visitor, visit.follow_up_owner) == (worker, town1)
    person.refresh_from_db()
    assert person.last_visited_on == TODAY()
    assert list(HomeVisit.objects.visible_to(worker)) == [visit]


def test_a_visit_outside_their_village_or_another_action_is_refused(worker, people, client):
    _signed_in(client, worker)
    data = {"visited_on": TODAY().isoformat(), "findings": "x"}
    next_door = reverse("relief:person_action", args=[people["next_door"].pk, "visit"])
    assert client.post(next_door, data).status_code == 404
    own = people["own"].pk
    category = {"category": "dibao", "start_date": TODAY().isoformat()}
    assert (
        client.post(reverse("relief:person_action", args=[own, "category"]), category).status_code
        == 403
    )
    assert not HomeVisit.objects.exists()
    assert not people["own"].categories.exists()
    with pytest.raises(PermissionDenied):
        services.record_visit(
            person=people["same_name"], user=worker, visited_on=TODAY(), findings="x", needs=[]
        )


def test_a_bad_visit_is_answered_beside_the_field_and_nothing_is_saved(worker, people, client):
    _signed_in(client, worker)
    url = reverse("relief:person_action", args=[people["own"].pk, "visit"])
    response = client.post(url, {"visited_on": TODAY().isoformat(), "findings": ""})
    assert response.status_code == 200
    assert "findings" in response.context["visit_form"].errors
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"visited_on": tomorrow, "findings": "x"})
    assert response.status_code == 200
    assert "visited_on" in response.context["visit_form"].errors
    assert not HomeVisit.objects.exists()


def test_they_report_a_child_of_their_village(worker, township1, client):
    born = TODAY().replace(year=TODAY().year - 8, day=1)
    child = PersonFactory(township=township1, village="王庄村", id_number=id_number(900, born=born))
    _signed_in(client, worker)
    response = client.post(
        reverse("relief:recognition_new", args=[child.pk]),
        {
            "kind": "unsupported_child",
            "reporter_name": "村妇女主任 李桂芝",
            "found_on": TODAY().isoformat(),
            "circumstances": "父亲服刑，母亲失联",
        },
    )
    recognition = ChildRecognition.objects.get()
    assert response.url == recognition.get_absolute_url()
    assert recognition.recorded_by == worker
    page = client.get(recognition.get_absolute_url()).content.decode()
    assert "父亲服刑" in page
    assert "confirm" not in page  # the township checks, not the village


# --- People found -----------------------------------------------------------------------


def _found(user, **extra):
    fields = {
        "name": "马老汉",
        "found_on": TODAY(),
        "situation": "独居，家中无取暖设备",
        "needs": ["supplies"],
        "is_urgent": True,
    } | extra
    return services.report_found(user=user, **fields)


def test_a_village_worker_reports_in_their_own_village_whatever_is_posted(worker, client):
    _signed_in(client, worker)
    response = client.post(
        reverse("relief:found_report_new"),
        {
            "name": "马老汉",
            "village": "李湾村",  # not a field for them: ignored
            "found_on": TODAY().isoformat(),
            "situation": "独居，家中无取暖设备",
            "needs": ["supplies", "care"],
            "is_urgent": "on",
        },
    )
    report = FoundReport.objects.get()
    assert response.url == report.get_absolute_url()
    assert (report.township, report.village) == (worker.township, "王庄村")
    assert report.needs == ["supplies", "care"] and report.is_urgent
    assert report.status == FoundStatus.OPEN


def test_a_bad_report_is_answered_beside_each_field_and_nothing_is_saved(worker, client):
    _signed_in(client, worker)
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("relief:found_report_new"),
        {"name": " ", "found_on": tomorrow, "situation": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "found_on", "situation"} <= set(errors)
    assert errors["found_on"] == ["日期不能晚于今天。"]
    assert not FoundReport.objects.exists()


def test_the_township_answers_a_report_naming_the_person_registered(worker, town1, town2, people):
    report = _found(worker)
    with pytest.raises(PermissionDenied):
        services.handle_found(report=report, user=worker, outcome="no_need", note="x")
    with pytest.raises(PermissionDenied):
        services.handle_found(report=report, user=town2, outcome="no_need", note="x")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.handle_found(
            report=report,
            user=town1,
            outcome="registered",
            note="已登记",
            id_number=people["same_name"].id_number,  # another township's person
        )
    assert "登记" in refused.value.message_dict["id_number"][0]
    report.refresh_from_db()
    assert report.is_open
    services.handle_found(
        report=report,
        user=town1,
        outcome="registered",
        note="已纳入低保",
        id_number=people["own"].id_number,
    )
    report.refresh_from_db()
    assert (report.status, report.person, report.handled_by) == ("registered", people["own"], town1)
    with pytest.raises(ValidationError):
        services.handle_found(report=report, user=town1, outcome="no_need", note="again")


def test_the_answer_page_asks_for_an_outcome_and_a_note(worker, town1, client):
    report = _found(worker)
    _signed_in(client, town1)
    url = reverse("relief:found_report_handle", args=[report.pk])
    response = client.post(url, {"outcome": "", "note": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert {"outcome", "note"} <= set(response.context["form"].errors)
    response = client.post(url, {"outcome": "no_need", "note": "子女已接回照顾"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == FoundStatus.NO_NEED and report.handling_note == "子女已接回照顾"


def test_the_found_list_is_scoped_and_costs_the_same_at_any_size(
    worker, town1, town2, client, django_assert_max_num_queries
):
    mine = _found(worker)
    neighbour = _found(town1, village="李湾村", name="邻村老人")
    assert set(FoundReport.objects.visible_to(worker)) == {mine}
    assert set(FoundReport.objects.visible_to(town1)) == {mine, neighbour}
    assert not FoundReport.objects.visible_to(town2).exists()
    _signed_in(client, worker)
    with django_assert_max_num_queries(12) as few:
        page = client.get(reverse("relief:found_reports")).content.decode()
    assert "马老汉" in page and "邻村老人" not in page
    for n in range(20):
        _found(worker, name=f"老人{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("relief:found_reports"))
