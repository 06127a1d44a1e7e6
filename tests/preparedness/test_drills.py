"""Drills and training (演练/培训): the record, a hazard raised from its problems, and the
institutions that have not drilled this season."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.models import Hazard
from preparedness.models import DEFAULT_DRILL_SEASON_DAYS, Drill, DrillKind
from tests.factories import InstitutionFactory
from tests.preparedness.conftest import errors_of
from tests.preparedness.factories import DrillFactory


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def drill_data(**overrides):
    data = {
        "held_on": days(-1).isoformat(),
        "kind": DrillKind.FIRE_EVACUATION,
        "scenario": "夜间厨房起火",
        "staff_count": "6",
        "residents_count": "25",
        "evacuation_minutes": "3",
        "evacuation_extra_seconds": "20",
        "problems": "",
        "token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def new_drill(client, institution, **overrides):
    return client.post(
        reverse("preparedness:drill_new", args=[institution.pk]), drill_data(**overrides)
    )


def test_institution_staff_record_a_drill_with_its_evacuation_time(client_for, inst1, institution1):
    response = new_drill(client_for(inst1), institution1)
    drill = Drill.objects.get()
    assert response.status_code == 302
    assert (drill.evacuation_seconds, drill.evacuation_time) == (200, (3, 20))
    assert drill.recorded_by == inst1 and drill.hazard is None


def test_township_staff_record_a_drill_without_raising_a_hazard(client_for, town1, institution1):
    response = new_drill(client_for(town1), institution1, problems="门锁开启慢")
    assert response.status_code == 302
    assert Drill.objects.get().hazard is None and not Hazard.objects.exists()


def test_a_drill_cannot_be_dated_in_the_future(client_for, inst1, institution1):
    response = new_drill(client_for(inst1), institution1, held_on=days(1).isoformat())
    assert "演练日期不能晚于今天" in errors_of(response)
    assert not Drill.objects.exists()


@pytest.mark.parametrize("who", ["inst2", "town2", "sysadmin"])
def test_nobody_outside_the_scope_may_record_a_drill(request, client_for, institution1, who):
    response = new_drill(client_for(request.getfixturevalue(who)), institution1)
    assert response.status_code == 404
    assert not Drill.objects.exists()


def test_township_staff_raise_a_hazard_from_the_problems_found(client_for, town1, institution1):
    response = new_drill(
        client_for(town1),
        institution1,
        problems="二楼安全出口门锁开启慢",
        raise_hazard="on",
        hazard_category="evacuation",
        hazard_severity="general",
        hazard_deadline=days(10).isoformat(),
    )
    drill = Drill.objects.get()
    assert response.status_code == 302
    assert drill.hazard == Hazard.objects.get()
    assert drill.hazard.description == "二楼安全出口门锁开启慢"
    assert (drill.hazard.institution, drill.hazard.found_by) == (institution1, town1)


def test_a_hazard_needs_problems_and_a_deadline_and_nothing_is_half_saved(
    client_for, town1, institution1
):
    response = new_drill(
        client_for(town1),
        institution1,
        raise_hazard="on",
        hazard_category="fire",
        hazard_severity="general",
        hazard_deadline=days(-1).isoformat(),
    )
    shown = errors_of(response)
    assert "登记隐患前，请先填写发现的问题" in shown
    assert "不能" in shown  # the deadline in the past, in inspections' words
    assert not Drill.objects.exists() and not Hazard.objects.exists()


def test_institution_staff_are_not_offered_to_raise_a_hazard(client_for, inst1, institution1):
    page = client_for(inst1).get(reverse("preparedness:drill_new", args=[institution1.pk]))
    assert "raise_hazard" not in page.context["form"].fields
    # Sent anyway, the field is ignored: the drill is recorded, no hazard.
    new_drill(
        client_for(inst1),
        institution1,
        problems="门锁慢",
        raise_hazard="on",
        hazard_category="fire",
        hazard_severity="general",
        hazard_deadline=days(5).isoformat(),
    )
    assert Drill.objects.count() == 1 and not Hazard.objects.exists()


def test_the_bureau_sees_who_has_not_drilled_this_season(
    client_for, officer, institution1, institution2
):
    DrillFactory(institution=institution1, held_on=days(-10))
    DrillFactory(institution=institution2, held_on=days(-DEFAULT_DRILL_SEASON_DAYS - 1))
    client = client_for(officer)
    default = client.get(reverse("preparedness:not_drilled"))
    longer = client.get(
        reverse("preparedness:not_drilled"),
        {"since": days(-DEFAULT_DRILL_SEASON_DAYS - 5).isoformat()},
    )
    assert list(default.context["page"]) == [institution2]
    assert list(longer.context["page"]) == []


def test_a_season_start_that_is_not_a_date_falls_back_to_the_default(client_for, officer):
    response = client_for(officer).get(reverse("preparedness:not_drilled"), {"since": "2026-13-45"})
    assert response.context["since"] == days(-DEFAULT_DRILL_SEASON_DAYS)


def test_township_staff_see_only_their_townships_drills(
    client_for, town2, institution1, institution2
):
    DrillFactory(institution=institution1)
    theirs = DrillFactory(institution=institution2)
    response = client_for(town2).get(reverse("preparedness:drills"))
    assert list(response.context["page"]) == [theirs]


@pytest.mark.parametrize("count", [2, 12])
def test_the_drill_lists_cost_the_same_queries_at_any_size(
    client_for, officer, township1, count, django_assert_num_queries
):
    for i in range(count):
        place = InstitutionFactory(township=township1)
        if i % 2:
            DrillFactory(institution=place)
    client = client_for(officer)
    with django_assert_num_queries(10):
        drills = client.get(reverse("preparedness:drills"))
    with django_assert_num_queries(10):
        missing = client.get(reverse("preparedness:not_drilled"))
    assert len(drills.context["page"]) == count // 2
    assert len(missing.context["page"]) == count - count // 2


def test_the_same_form_sent_twice_records_one_drill_and_one_hazard(client_for, town1, institution1):
    client = client_for(town1)
    data = drill_data(
        problems="消防通道堆放杂物",
        raise_hazard="on",
        hazard_category="evacuation",
        hazard_severity="general",
        hazard_deadline=days(7).isoformat(),
    )
    url = reverse("preparedness:drill_new", args=[institution1.pk])
    first = client.post(url, data)
    again = client.post(url, data)
    drill = Drill.objects.get()
    assert first.url == again.url == drill.get_absolute_url()
    assert Hazard.objects.count() == 1


def test_another_persons_form_token_is_not_reused(client_for, town1, officer, institution1):
    data = drill_data()
    url = reverse("preparedness:drill_new", args=[institution1.pk])
    client_for(town1).post(url, data)
    response = client_for(officer).post(url, data)
    assert response.status_code == 200
    assert Drill.objects.count() == 1
