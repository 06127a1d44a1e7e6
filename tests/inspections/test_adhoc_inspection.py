"""An officer or a township clerk starts an inspection outside any campaign (or a drill
record) from the app, and lands on its fill-in form."""

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.models import ChecklistTemplate, Inspection, Level
from inspections.seeding import seed_checklists
from tests.factories import InstitutionFactory
from tests.inspections.factories import TemplateVersionFactory, checklist

URL = "/inspections/new/"


@pytest.fixture
def template(db):
    return checklist()[0].template


def test_the_url_is_the_named_one():
    assert reverse("inspections:adhoc_new") == URL


def test_officer_starts_an_inspection_anywhere_and_lands_on_its_form(
    client_for, officer, template, institution2
):
    response = client_for(officer).post(
        URL, {"institution": institution2.pk, "institution_name": "x", "template": template.pk}
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("inspections:fill", args=[inspection.pk])
    assert inspection.institution == institution2
    assert inspection.version == template.current_version()
    assert inspection.campaign is None
    assert inspection.due_on == timezone.localdate()
    assert inspection.level == Level.SUPERVISORY
    assert inspection.status == "draft"
    assert inspection.history.count() == 1


def test_township_clerk_starts_one_in_their_township_and_can_fill_it(
    client_for, town1, template, institution1
):
    client = client_for(town1)
    response = client.post(URL, {"institution": institution1.pk, "template": template.pk})
    inspection = Inspection.objects.get()
    assert inspection.level == Level.TOWNSHIP
    assert response.url == reverse("inspections:fill", args=[inspection.pk])
    assert client.get(response.url).status_code == 200


def test_township_clerk_cannot_target_another_townships_institution_by_forging_its_id(
    client_for, town1, template, institution2
):
    response = client_for(town1).post(
        URL,
        {
            "institution": institution2.pk,
            "institution_name": "马谷田镇敬老院",
            "template": template.pk,
        },
    )
    assert response.status_code == 200
    assert "请输入名称后从出现的列表中选择机构。" in response.content.decode()
    assert not Inspection.objects.exists()


def test_institution_suggestions_stay_in_the_clerks_township(
    client_for, town1, institution1, institution2
):
    response = client_for(town1).get(
        reverse("inspections:institution_options"), {"institution_name": "敬老院"}
    )
    assert list(response.context["institutions"]) == [institution1]


@pytest.mark.parametrize("method", ["get", "post"])
def test_institution_staff_are_refused(client_for, inst1, template, institution1, method):
    client = client_for(inst1)
    data = {"institution": institution1.pk, "template": template.pk}
    response = client.get(URL) if method == "get" else client.post(URL, data)
    assert response.status_code == 403
    assert not Inspection.objects.exists()


def test_an_inactive_institution_cannot_be_chosen(client_for, officer, template, township1):
    closed = InstitutionFactory(township=township1, is_active=False)
    client_for(officer).post(URL, {"institution": closed.pk, "template": template.pk})
    assert not Inspection.objects.exists()


def test_a_checklist_without_a_published_version_is_not_offered(client_for, officer, institution1):
    draft = TemplateVersionFactory(is_published=False).template
    response = client_for(officer).post(URL, {"institution": institution1.pk, "template": draft.pk})
    assert response.status_code == 200
    assert "template" in response.context["form"].errors
    assert not Inspection.objects.exists()


def test_sending_the_form_twice_makes_one_inspection(client_for, officer, template, institution1):
    client = client_for(officer)
    data = {"institution": institution1.pk, "template": template.pk}
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert first.url == second.url
    assert Inspection.objects.count() == 1


def test_impossible_ids_are_form_errors(client_for, officer, template):
    response = client_for(officer).post(URL, {"institution": "9" * 30, "template": "²"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"institution", "template"}


def test_a_drill_is_recorded_with_the_seeded_drill_checklist(client_for, town1, institution1):
    seed_checklists()
    drill = ChecklistTemplate.objects.get(code="fire-drill-record")
    client = client_for(town1)
    page = client.get(URL, {"drill": "1"})
    assert page.context["form"]["template"].value() == drill.pk
    response = client.post(URL, {"institution": institution1.pk, "template": drill.pk})
    inspection = Inspection.objects.get()
    assert inspection.version == drill.current_version()
    fill = client.get(response.url).content.decode()
    assert "本次活动类型" in fill  # the drill record's first question


@pytest.mark.parametrize(("who", "shown"), [("officer", True), ("town1", True), ("inst1", False)])
def test_index_links_to_campaigns_and_ad_hoc_inspections_for_those_allowed(
    request, client_for, who, shown
):
    page = client_for(request.getfixturevalue(who)).get(reverse("inspections:index"))
    html = page.content.decode()
    assert (reverse("inspections:campaigns") in html) is shown
    assert (URL in html) is shown
