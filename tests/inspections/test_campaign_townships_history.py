"""A campaign's townships and hand-picked institutions are in its change history (issue
13): each change is a version with its user and client address, and the campaign's
变更记录 says which townships it covered before and after."""

import datetime

import pytest
from django.urls import reverse

from inspections.campaign_history import campaign_history
from inspections.models import Campaign, Level, Recurrence
from tests.factories import TownshipFactory
from tests.inspections.factories import TemplateVersionFactory


@pytest.fixture
def campaign(db):
    version = TemplateVersionFactory()
    return Campaign.objects.create(
        name="春节消防安全排查",
        template=version.template,
        level=Level.TOWNSHIP,
        starts_on=datetime.date(2027, 2, 1),
        ends_on=datetime.date(2027, 2, 28),
        due_on=datetime.date(2027, 2, 20),
        recurrence=Recurrence.ONCE,
    )


def _form(campaign, townships):
    return {
        "name": campaign.name,
        "template": campaign.template_id,
        "level": campaign.level,
        "townships": [t.pk for t in townships],
        "starts_on": "2027-02-01",
        "ends_on": "2027-02-28",
        "due_on": "2027-02-20",
        "recurrence": Recurrence.ONCE,
        "is_active": "on",
    }


def test_changing_the_townships_on_the_form_keeps_who_where_and_which(
    client_for, officer, campaign, township1, township2
):
    campaign.townships.set([township1])
    client = client_for(officer)

    response = client.post(
        reverse("inspections:campaign_edit", args=[campaign.pk]),
        _form(campaign, [township2]),
        REMOTE_ADDR="10.20.30.40",
    )

    assert response.status_code == 302
    latest = campaign.history.order_by("-history_date", "-history_id").first()
    assert list(latest.townships.values_list("township_id", flat=True)) == [township2.pk]
    assert latest.history_user == officer
    assert latest.ip_address == "10.20.30.40"
    earlier = [
        sorted(version.townships.values_list("township_id", flat=True))
        for version in campaign.history.order_by("history_date", "history_id")
    ]
    assert [township1.pk] in earlier


def test_the_campaign_page_shows_the_change_of_townships_as_one_line(
    client_for, officer, campaign, township1, township2
):
    campaign.townships.set([township1])
    client = client_for(officer)
    url = reverse("inspections:campaign_edit", args=[campaign.pk])
    client.post(url, _form(campaign, [township1, township2]))

    history = client.get(url).context["history"]

    # The officer's one save (fields, then the set removed and added) is one line; the
    # campaign's creation, with the township set up after it, is the other.
    changed = [v for v in history.versions if any(c.label == "乡镇（街道）" for c in v.changes)]
    assert [v.who for v in changed] == [officer, None]
    saved, created = changed
    (change,) = [c for c in saved.changes if c.label == "乡镇（街道）"]
    assert (change.old, change.new) == ("羊册镇", "羊册镇、马谷田镇")
    assert created.kind == "+"
    assert [(c.old, c.new) for c in created.changes] == [(None, "羊册镇")]


def test_hand_picked_institutions_are_kept_too(officer, campaign, institution1):
    campaign.institutions.add(institution1)

    history = campaign_history(officer, campaign)

    (version,) = [v for v in history.versions if v.changes]
    assert [(str(c.label), c.old, c.new) for c in version.changes] == [
        ("指定机构", None, "羊册镇敬老院")
    ]


def test_township_staff_see_no_change_history(town1, campaign, township1):
    campaign.townships.add(township1)

    assert campaign_history(town1, campaign) is None


def test_the_history_costs_the_same_queries_however_many_changes(
    django_assert_num_queries, officer, campaign, township1
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campaign.townships.add(township1)
    with CaptureQueriesContext(connection) as small:
        campaign_history(officer, campaign)
    for n in range(8):
        campaign.townships.add(TownshipFactory(name=f"第{n}镇"))
        campaign.name = f"春节消防安全排查{n}"
        campaign.save()

    with django_assert_num_queries(len(small)):
        history = campaign_history(officer, campaign)
    assert len(history.versions) > 8
