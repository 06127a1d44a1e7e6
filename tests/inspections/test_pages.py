"""The pages a clerk uses on a phone, and what they cost in queries."""

import datetime

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import Hazard, InspectionStatus
from tests.inspections.factories import InspectionFactory, checklist, jpeg, soon


def post_answer(client, inspection, item, value, **extra):
    data = {f"item{item.pk}-value": value, f"item{item.pk}-note": extra.pop("note", "")}
    data.update(extra)
    return client.post(reverse("inspections:answer", args=[inspection.pk, item.pk]), data)


def test_township_clerk_fills_and_submits_and_hazards_reach_the_ledger(client_for, town1, sweep):
    inspection, items = sweep
    client = client_for(town1)
    assert client.get(reverse("inspections:fill", args=[inspection.pk])).status_code == 200
    for item in items:
        value = "fail" if item == items[1] else "pass"
        assert post_answer(client, inspection, item, value, note="灭火器过期").status_code == 302
    review = client.get(reverse("inspections:review", args=[inspection.pk]))
    assert "必填项均已作答" in review.content.decode()
    response = client.post(
        reverse("inspections:submit", args=[inspection.pk]),
        {"inspector_name": "李春梅、张伟", "person_present": "王建国"},
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED
    ledger = client.get(reverse("inspections:ledger")).content.decode()
    hazard = Hazard.objects.get()
    assert f"#{hazard.pk}" in ledger
    assert "灭火器过期" in ledger
    result = client.get(reverse("inspections:result", args=[inspection.pk])).content.decode()
    assert "不合格项" in result


def test_submit_without_the_people_present_is_refused(client_for, town1, sweep):
    inspection, items = sweep
    client = client_for(town1)
    for item in items:
        post_answer(client, inspection, item, "pass")
    client.post(
        reverse("inspections:submit", args=[inspection.pk]),
        {"inspector_name": "", "person_present": ""},
    )
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT


def test_photo_upload_is_saved_with_the_answer_and_served_only_in_scope(
    client_for, town1, town2, sweep
):
    inspection, items = sweep
    client = client_for(town1)
    post_answer(client, inspection, items[0], "fail", **{f"item{items[0].pk}-photo": jpeg()})
    answer = inspection.answers.get()
    assert answer.photo
    assert client.get(reverse("inspections:answer_photo", args=[answer.pk])).status_code == 200
    assert (
        client_for(town2).get(reverse("inspections:answer_photo", args=[answer.pk])).status_code
        == 404
    )


def test_fill_page_offers_the_camera_on_phones(client_for, town1, sweep):
    inspection, _items = sweep
    page = client_for(town1).get(reverse("inspections:fill", args=[inspection.pk])).content.decode()
    assert 'capture="environment"' in page
    assert 'accept="image/*"' in page


@pytest.mark.parametrize("per_section", [2, 15])
def test_fill_page_runs_the_same_queries_however_many_items(
    client_for, town1, institution1, per_section, django_assert_num_queries
):
    version, items = checklist(items_per_section=per_section, sections=3)
    inspection = InspectionFactory(institution=institution1, version=version)
    for item in items:
        services.save_answer(inspection=inspection, item=item, user=town1, value="pass")
    client = client_for(town1)
    # savepoints, session, user, township for the menu, inspection, sections, items,
    # answers, session save and its savepoints
    with django_assert_num_queries(12):
        client.get(reverse("inspections:fill", args=[inspection.pk]))


@pytest.mark.parametrize("count", [1, 12])
def test_ledger_runs_the_same_queries_however_many_hazards(
    client_for, officer, institution1, count, django_assert_num_queries
):
    for n in range(count):
        services.raise_hazard(
            institution=institution1,
            user=officer,
            category="fire",
            severity="general",
            description=f"隐患{n}",
            deadline=soon(),
        )
    client = client_for(officer)
    # No institution options until a township is chosen, so no query for them.
    with django_assert_num_queries(10):
        client.get(reverse("inspections:ledger"))


def test_ledger_filters_overdue_hazards(client_for, officer, institution1):

    import time_machine

    with time_machine.travel(datetime.date(2026, 1, 1)):
        late = services.raise_hazard(
            institution=institution1,
            user=officer,
            category="gas",
            severity="general",
            description="逾期的",
            deadline=datetime.date(2026, 1, 5),
        )
    services.raise_hazard(
        institution=institution1,
        user=officer,
        category="gas",
        severity="general",
        description="未到期",
        deadline=soon(),
    )
    response = client_for(officer).get(reverse("inspections:ledger"), {"overdue": "true"})
    assert list(response.context["page"]) == [late]


def test_hazard_page_shows_only_the_buttons_the_role_may_use(client_for, town1, inst1, sweep):
    inspection, items = sweep
    for item in items:
        services.save_answer(
            inspection=inspection,
            item=item,
            user=town1,
            value="fail" if item == items[1] else "pass",
        )
    services.submit_inspection(
        inspection=inspection, user=town1, inspector_name="甲", person_present="乙"
    )
    hazard = Hazard.objects.get()
    staff_page = client_for(inst1).get(hazard.get_absolute_url()).content.decode()
    assert "提交复核" in staff_page
    assert "复核销号" not in staff_page


def test_home_page_shows_the_inspections_panel(client_for, town1, sweep):
    page = client_for(town1).get(reverse("home")).content.decode()
    assert "检查与隐患" in page


def test_county_ledger_suggests_institutions_only_within_the_chosen_township(
    client_for, officer, institution1, institution2
):
    client = client_for(officer)
    options = reverse("inspections:institution_options")
    both = client.get(options, {"institution_name": "院"}).context["institutions"]
    assert set(both) == {institution1, institution2}
    one = client.get(options, {"institution_name": "院", "township": institution1.township_id})
    assert list(one.context["institutions"]) == [institution1]


def test_ledger_downloads_as_xlsx_with_the_same_scope(
    client_for, town1, officer, institution1, institution2
):
    import io

    from openpyxl import load_workbook

    for institution in (institution1, institution2):
        services.raise_hazard(
            institution=institution,
            user=officer,
            category="gas",
            severity="major",
            description=f'=HYPERLINK("x") {institution.name}',
            deadline=soon(),
        )
    response = client_for(town1).get(reverse("inspections:ledger_xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert [row[3] for row in rows] == [institution1.name]
    assert rows[0][6].startswith("'=")  # a formula in a description stays text
    assert rows[0][5] == "重大事故隐患"
