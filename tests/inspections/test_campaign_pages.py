"""Officers and admins organise campaigns in the app; township staff follow theirs."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections import forms as inspection_forms
from inspections.campaigns import campaigns_visible_to
from inspections.models import Campaign, Inspection, InspectionStatus, Recurrence
from institutions.models import InstitutionKind
from tests.factories import InstitutionFactory, TownshipFactory
from tests.inspections.factories import InspectionFactory, TemplateVersionFactory, checklist


def today():
    return timezone.localdate()


def make_campaign(template=None, *, townships=(), institutions=(), **fields):
    if template is None:
        template = checklist()[0].template
    defaults = {
        "name": "春节排查",
        "template": template,
        "level": "township",
        "starts_on": today(),
        "ends_on": today() + datetime.timedelta(days=30),
        "due_on": today() + datetime.timedelta(days=3),
    }
    campaign = Campaign.objects.create(**{**defaults, **fields})
    campaign.townships.set(townships)
    campaign.institutions.set(institutions)
    return campaign


def campaign_post(template, **overrides):
    data = {
        "name": "元宵节消防排查",
        "template": str(template.pk),
        "level": "township",
        "recurrence": Recurrence.ONCE,
        "starts_on": today().isoformat(),
        "due_on": (today() + datetime.timedelta(days=2)).isoformat(),
        "ends_on": (today() + datetime.timedelta(days=20)).isoformat(),
        "is_active": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def template(db):
    return checklist()[0].template


# --- Who may do what --------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "admin_user", "town1"])
def test_officers_admins_and_township_staff_see_the_campaign_list(request, client_for, who):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("inspections:campaigns")).status_code == 200


@pytest.mark.parametrize("who", ["officer", "admin_user"])
def test_officers_and_admins_create_a_campaign(request, client_for, who, template, township1):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("inspections:campaign_new")).status_code == 200
    response = client.post(
        reverse("inspections:campaign_new"),
        campaign_post(template, townships=[str(township1.pk)], institution_kinds=["elderly_care"]),
    )
    assert response.status_code == 302, response.context["form"].errors
    campaign = Campaign.objects.get()
    assert list(campaign.townships.all()) == [township1]
    assert campaign.institution_kinds == ["elderly_care"]


def test_institution_staff_are_refused_every_campaign_page(client_for, inst1, template):
    campaign = make_campaign(template)
    client = client_for(inst1)
    for url in (
        reverse("inspections:campaigns"),
        reverse("inspections:campaign_new"),
        reverse("inspections:campaign_edit", args=[campaign.pk]),
        reverse("inspections:campaign_options") + "?field=townships&q=镇",
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("inspections:campaign_new"), campaign_post(template)).status_code == 403
    )
    launch = reverse("inspections:campaign_launch", args=[campaign.pk])
    assert client.post(launch).status_code == 403
    assert Campaign.objects.count() == 1
    assert not Inspection.objects.exists()


def test_township_staff_may_not_create_change_or_launch_campaigns(
    client_for, town1, template, township1, institution1
):
    campaign = make_campaign(template, townships=[township1])
    client = client_for(town1)
    assert client.get(reverse("inspections:campaign_new")).status_code == 403
    response = client.post(
        reverse("inspections:campaign_new"),
        campaign_post(template, townships=[str(township1.pk)]),
    )
    assert response.status_code == 403
    edit = reverse("inspections:campaign_edit", args=[campaign.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, campaign_post(template, name="改名")).status_code == 403
    assert (
        client.post(reverse("inspections:campaign_launch", args=[campaign.pk])).status_code == 403
    )
    campaign.refresh_from_db()
    assert campaign.name == "春节排查"
    assert Campaign.objects.count() == 1
    assert not Inspection.objects.exists()


def test_township_list_shows_only_campaigns_reaching_the_township(
    client_for, town1, template, township1, township2, institution1, institution2
):
    ours = make_campaign(template, name="本镇排查", townships=[township1])
    county = make_campaign(template, name="全县排查")
    picked_here = make_campaign(template, name="指定本镇机构", institutions=[institution1])
    make_campaign(template, name="他镇排查", townships=[township2])
    make_campaign(template, name="指定他镇机构", townships=[township1], institutions=[institution2])
    assert set(campaigns_visible_to(town1)) == {ours, county, picked_here}
    page = client_for(town1).get(reverse("inspections:campaigns")).content.decode()
    assert "本镇排查" in page and "全县排查" in page and "指定本镇机构" in page
    assert "他镇排查" not in page and "指定他镇机构" not in page
    # Read-only: no link to change it, no launch button.
    assert reverse("inspections:campaign_edit", args=[ours.pk]) not in page
    assert reverse("inspections:campaign_launch", args=[ours.pk]) not in page


def test_township_progress_counts_only_the_townships_inspections(
    client_for, town1, officer, template, institution1, institution2
):
    campaign = make_campaign(template)
    version = template.current_version()
    yesterday = today() - datetime.timedelta(days=1)
    for institution in (institution1, institution2):
        InspectionFactory(
            institution=institution, version=version, campaign=campaign, due_on=yesterday
        )
    InspectionFactory(institution=institution2, version=version, campaign=campaign, due_on=today())
    rows = client_for(town1).get(reverse("inspections:campaigns")).context["rows"]
    assert rows == [(campaign, {"done": 0, "due": 0, "overdue": 1})]
    rows = client_for(officer).get(reverse("inspections:campaigns")).context["rows"]
    assert rows == [(campaign, {"done": 0, "due": 1, "overdue": 2})]


# --- Launching --------------------------------------------------------------


def test_launch_creates_the_inspections_once(client_for, officer, template, township1, township2):
    targets = InstitutionFactory.create_batch(3, township=township1)
    InstitutionFactory(township=township2)
    InstitutionFactory(township=township1, kind=InstitutionKind.MARRIAGE_REGISTRY)
    client = client_for(officer)
    response = client.post(
        reverse("inspections:campaign_new"),
        campaign_post(
            template,
            townships=[str(township1.pk)],
            institution_kinds=["elderly_care"],
            launch="1",
        ),
        follow=True,
    )
    campaign = Campaign.objects.get()
    created = Inspection.objects.filter(campaign=campaign)
    assert sorted(created.values_list("institution", flat=True)) == sorted(t.pk for t in targets)
    assert {i.version for i in created} == {template.current_version()}
    assert "已创建 3 项检查" in response.content.decode()
    # Launching again, from the list or the form, makes nothing twice.
    client.post(reverse("inspections:campaign_launch", args=[campaign.pk]))
    client.post(
        reverse("inspections:campaign_edit", args=[campaign.pk]),
        campaign_post(
            template, townships=[str(township1.pk)], institution_kinds=["elderly_care"], launch="1"
        ),
    )
    assert Inspection.objects.count() == 3


def test_saving_without_launching_creates_no_inspection(
    client_for, officer, template, institution1
):
    response = client_for(officer).post(
        reverse("inspections:campaign_new"), campaign_post(template)
    )
    assert response.status_code == 302
    assert Campaign.objects.count() == 1
    assert not Inspection.objects.exists()


def test_a_recurring_campaign_launches_its_due_days_of_the_coming_week(
    client_for, officer, template, institution1
):
    client_for(officer).post(
        reverse("inspections:campaign_new"),
        campaign_post(template, recurrence=Recurrence.TWICE_WEEKLY, due_on="", launch="1"),
    )
    campaign = Campaign.objects.get()
    assert campaign.due_on is None
    due = list(Inspection.objects.values_list("due_on", flat=True))
    assert len(due) == 2 and {d.weekday() for d in due} == {1, 4}


def test_an_inactive_campaign_is_not_launched(client_for, officer, template, institution1):
    response = client_for(officer).post(
        reverse("inspections:campaign_new"), campaign_post(template, is_active=None, launch="1")
    )
    assert response.status_code == 200
    assert "只有启用的检查任务才能下发" in response.content.decode()
    assert not Campaign.objects.exists()
    assert not Inspection.objects.exists()


# --- Form errors, in Chinese beside the field ---------------------------------


def _errors(response):
    return response.context["form"].errors


def test_end_before_start_is_refused_beside_the_end_date(client_for, officer, template):
    response = client_for(officer).post(
        reverse("inspections:campaign_new"),
        campaign_post(
            template,
            due_on="",
            recurrence=Recurrence.WEEKLY,
            ends_on=(today() - datetime.timedelta(days=1)).isoformat(),
        ),
    )
    assert _errors(response)["ends_on"] == ["检查任务的结束日期不能早于开始日期。"]
    assert "检查任务的结束日期不能早于开始日期。" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_checklist_without_a_published_version_is_refused(client_for, officer):
    draft = TemplateVersionFactory(is_published=False).template
    response = client_for(officer).post(reverse("inspections:campaign_new"), campaign_post(draft))
    assert _errors(response)["template"] == ["该检查表还没有发布的版本：请先在后台发布一个版本。"]
    assert not Campaign.objects.exists()


def test_a_one_off_campaign_needs_its_due_date(client_for, officer, template):
    response = client_for(officer).post(
        reverse("inspections:campaign_new"), campaign_post(template, due_on="")
    )
    assert _errors(response)["due_on"] == ["一次性检查任务必须填写截止日期。"]


def test_a_due_date_outside_the_campaign_is_refused(client_for, officer, template):
    response = client_for(officer).post(
        reverse("inspections:campaign_new"),
        campaign_post(template, due_on=(today() + datetime.timedelta(days=90)).isoformat()),
    )
    assert "due_on" in _errors(response)
    assert not Campaign.objects.exists()


def test_editing_keeps_what_was_chosen_and_saves_changes(client_for, officer, template, township1):
    campaign = make_campaign(template, townships=[township1])
    client = client_for(officer)
    page = client.get(reverse("inspections:campaign_edit", args=[campaign.pk])).content.decode()
    assert f'value="{township1.pk}"' in page and "checked" in page
    response = client.post(
        reverse("inspections:campaign_edit", args=[campaign.pk]),
        campaign_post(template, name="改过的名字"),
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "改过的名字"
    assert not campaign.townships.exists()


# --- Pickers that stay small ---------------------------------------------------


def test_a_county_of_many_townships_gets_a_search_box_not_every_checkbox(
    client_for, officer, template, monkeypatch
):
    monkeypatch.setattr(inspection_forms, "PICKER_LIMIT", 3)
    townships = [TownshipFactory(name=f"测试乡{n}") for n in range(5)]
    campaign = make_campaign(template, townships=[townships[4]])
    page = client_for(officer).get(reverse("inspections:campaign_edit", args=[campaign.pk]))
    html = page.content.decode()
    assert "测试乡4" in html and "测试乡0" not in html
    assert reverse("inspections:campaign_options") in html


def test_picker_search_finds_names_less_those_ticked(client_for, officer):
    first, second = TownshipFactory(name="象河乡"), TownshipFactory(name="象山镇")
    TownshipFactory(name="铜山乡")
    url = reverse("inspections:campaign_options")
    response = client_for(officer).get(
        url, {"field": "townships", "q": "象", "townships": [first.pk]}
    )
    assert [t.pk for t in response.context["options"]] == [second.pk]
    response = client_for(officer).get(
        url, {"field": "townships", "q": "象", "townships": ["9" * 30]}
    )
    assert response.status_code == 200


def test_a_forged_or_impossible_township_id_is_a_field_error(client_for, officer, template):
    response = client_for(officer).post(
        reverse("inspections:campaign_new"), campaign_post(template, townships=["99999", "9" * 30])
    )
    assert response.status_code == 200
    assert "townships" in _errors(response)
    assert not Campaign.objects.exists()


# --- Size ----------------------------------------------------------------------


def _list_queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("inspections:campaigns")).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["officer", "town1"])
def test_campaign_list_queries_do_not_grow_with_campaigns_or_inspections(
    request, client_for, who, template, township1, institution1, institution2
):
    from django.core.cache import cache

    client = client_for(request.getfixturevalue(who))
    version = template.current_version()
    make_campaign(template, townships=[township1])
    cache.clear()
    few = _list_queries(client)
    for n in range(30):  # more than a page
        campaign = make_campaign(template, name=f"检查任务{n}", townships=[township1])
        for institution in (institution1, institution2):
            InspectionFactory(
                institution=institution,
                version=version,
                campaign=campaign,
                due_on=today(),
                status=InspectionStatus.SUBMITTED if n % 2 else InspectionStatus.DRAFT,
            )
    cache.clear()
    assert _list_queries(client) == few


def test_campaign_list_pages_with_the_capped_paginator(client_for, officer, template):
    for n in range(27):
        make_campaign(template, name=f"检查任务{n}")
    client = client_for(officer)
    first = client.get(reverse("inspections:campaigns"))
    assert len(first.context["rows"]) == 25 and first.context["page"].has_next()
    second = client.get(reverse("inspections:campaigns"), {"page": "2"})
    assert len(second.context["rows"]) == 2
    assert client.get(reverse("inspections:campaigns"), {"page": "²"}).status_code == 200
