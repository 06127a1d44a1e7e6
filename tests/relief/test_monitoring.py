"""低收入人口动态监测: a person flagged with a review date; a review sets the next date or ends it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from relief import services
from relief.models import MonitoringFlag
from tests.relief.factories import PersonFactory

TODAY = timezone.localdate


def flag(user, person, days=30, **extra):
    fields = {"reason": "dibao_edge", "review_on": TODAY() + datetime.timedelta(days=days)}
    return services.flag_for_monitoring(user=user, person=person, **(fields | extra))


def test_a_review_moves_the_date_or_ends_the_monitoring(township1, town1):
    watched = flag(town1, PersonFactory(township=township1))
    later = TODAY() + datetime.timedelta(days=90)
    services.review_monitoring(user=town1, flag=watched, note="收入仍不稳定", next_review_on=later)
    watched.refresh_from_db()
    assert (watched.review_on, watched.closed_on) == (later, None)
    services.review_monitoring(user=town1, flag=watched, note="已稳定就业")
    watched.refresh_from_db()
    assert watched.closed_on == TODAY() and watched.closed_by == town1
    assert not MonitoringFlag.objects.open().exists()


def test_one_open_flag_a_person_and_messages_in_chinese(township1, town1):
    person = PersonFactory(township=township1)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        flag(town1, person, days=-1)
    assert "不能早于今天" in refused.value.message_dict["review_on"][0]
    flag(town1, person)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as again:
        flag(town1, person)
    assert "已在监测" in again.value.message_dict["reason"][0]


def test_another_township_can_neither_flag_nor_review_nor_see(township1, town1, town2, client_for):
    person = PersonFactory(township=township1, name="监测对象甲")
    with pytest.raises(PermissionDenied):
        flag(town2, person)
    watched = flag(town1, person)
    with pytest.raises(PermissionDenied):
        services.review_monitoring(user=town2, flag=watched, note="x")
    client = client_for(town2)
    assert "监测对象甲" not in client.get(reverse("relief:monitoring")).content.decode()
    assert client.get(reverse("relief:monitoring_new", args=[person.pk])).status_code == 404


def test_the_list_puts_the_overdue_first(township1, town1, officer, client_for):
    soon = flag(town1, PersonFactory(township=township1), days=3)
    overdue = flag(town1, PersonFactory(township=township1), days=1)
    MonitoringFlag.objects.filter(pk=overdue.pk).update(
        review_on=TODAY() - datetime.timedelta(days=2)
    )
    page = client_for(officer).get(reverse("relief:monitoring")).context["page"]
    assert [f.pk for f in page] == [overdue.pk, soon.pk]


@pytest.mark.parametrize("size", [1, 12])
def test_the_list_costs_the_same_at_any_size(
    size, township1, town1, client_for, django_assert_num_queries
):
    for _ in range(size):
        flag(town1, PersonFactory(township=township1))
    client = client_for(town1)
    client.get(reverse("relief:monitoring"))
    with django_assert_num_queries(10):
        assert client.get(reverse("relief:monitoring")).status_code == 200
