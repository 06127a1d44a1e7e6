"""The three levels compared (自查 → 排查 → 督导检查): one institution's latest inspection
of each level in a period, item by item, matched by item key; self-inspection items the
township or the bureau failed are flagged 自查不实, on the page and in the one query the
league table and its drill-down count with."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import levels
from inspections.models import (
    Answer,
    AnswerType,
    Campaign,
    Inspection,
    InspectionStatus,
    Level,
    Recurrence,
)
from institutions.models import Role
from tests.factories import InstitutionFactory, UserFactory
from tests.inspections.factories import (
    ChecklistTemplateFactory,
    InspectionFactory,
    ItemFactory,
    SectionFactory,
    TemplateVersionFactory,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2027, 2, 10, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()
DAY = datetime.timedelta(days=1)
KEYS = ("extinguishers", "exits-unlocked", "night-patrols")


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def version_with(keys, *, template=None, number=1, **options):
    """A published version of `template` with a pass/fail item for each key."""
    template = template or ChecklistTemplateFactory()
    version = TemplateVersionFactory(template=template, number=number)
    section = SectionFactory(version=version, title="消防安全")
    items = {
        key: ItemFactory(section=section, key=key, text=f"{key} 的检查", **options) for key in keys
    }
    return version, items


def submitted(institution, version, level, values, *, due_on=TODAY, hours_ago=1):
    """A submitted inspection with these answers ({item: value})."""
    inspection = InspectionFactory(
        institution=institution,
        version=version,
        level=level,
        due_on=due_on,
        status=InspectionStatus.SUBMITTED,
        submitted_at=NOW - datetime.timedelta(hours=hours_ago),
    )
    for item, value in values.items():
        Answer.objects.create(
            inspection=inspection, item=item, value=value, is_failure=item.is_failure(value)
        )
    return inspection


def states(comparison):
    return {row.key: [cell.state for cell in row.cells] for row in comparison.rows}


def flagged(comparison):
    return sorted(row.key for row in comparison.rows if row.not_credible)


def counted(date_from=TODAY - 10 * DAY, date_to=TODAY + 10 * DAY):
    """{institution id: items not credible} from the league table's query."""
    answers = levels.not_credible_answers(Inspection.objects.all(), date_from, date_to)
    found = {}
    for answer in answers.select_related("inspection"):
        found[answer.inspection.institution_id] = found.get(answer.inspection.institution_id, 0) + 1
    return found


# --- The comparison -------------------------------------------------------------


def test_items_the_institution_passed_and_the_township_failed_are_not_credible(institution1):
    version, items = version_with(KEYS)
    submitted(institution1, version, Level.SELF, dict.fromkeys(items.values(), "pass"))
    submitted(
        institution1,
        version,
        Level.TOWNSHIP,
        {
            items["extinguishers"]: "fail",
            items["exits-unlocked"]: "pass",
            items["night-patrols"]: "na",
        },
    )

    comparison = levels.compare(institution1, TODAY - DAY, TODAY)

    assert states(comparison) == {
        "extinguishers": ["pass", "fail", "none"],
        "exits-unlocked": ["pass", "pass", "none"],
        "night-patrols": ["pass", "na", "none"],
    }
    assert flagged(comparison) == ["extinguishers"]
    assert counted() == {institution1.pk: 1}


def test_an_item_the_institution_failed_itself_is_credible(institution1):
    version, items = version_with(KEYS[:1])
    item = items["extinguishers"]
    submitted(institution1, version, Level.SELF, {item: "fail"})
    submitted(institution1, version, Level.SUPERVISORY, {item: "fail"})

    comparison = levels.compare(institution1, TODAY, TODAY)

    assert states(comparison) == {"extinguishers": ["fail", "none", "fail"]}
    assert flagged(comparison) == []
    assert counted() == {}


def test_an_item_failed_by_both_township_and_bureau_counts_once(institution1):
    version, items = version_with(KEYS[:1])
    item = items["extinguishers"]
    submitted(institution1, version, Level.SELF, {item: "pass"})
    submitted(institution1, version, Level.TOWNSHIP, {item: "fail"})
    submitted(institution1, version, Level.SUPERVISORY, {item: "fail"})

    comparison = levels.compare(institution1, TODAY, TODAY)

    assert states(comparison) == {"extinguishers": ["pass", "fail", "fail"]}
    assert comparison.not_credible_count == 1
    assert counted() == {institution1.pk: 1}


def test_items_are_matched_by_key_across_versions_and_templates(institution1):
    """The institution answered version 1 of the sweep, the township version 2 (new items,
    new ids), the bureau its own checklist sharing one key."""
    template = ChecklistTemplateFactory(name="节日消防排查")
    first, first_items = version_with(KEYS[:2], template=template, number=1)
    second, second_items = version_with([*KEYS[:2], "kitchen-gas"], template=template, number=2)
    bureau, bureau_items = version_with(["exits-unlocked"])
    submitted(institution1, first, Level.SELF, dict.fromkeys(first_items.values(), "pass"))
    submitted(
        institution1,
        second,
        Level.TOWNSHIP,
        {
            second_items["extinguishers"]: "pass",
            second_items["exits-unlocked"]: "pass",
            second_items["kitchen-gas"]: "fail",
        },
    )
    submitted(institution1, bureau, Level.SUPERVISORY, {bureau_items["exits-unlocked"]: "fail"})

    comparison = levels.compare(institution1, TODAY, TODAY)

    assert [row.key for row in comparison.rows] == [
        "extinguishers",
        "exits-unlocked",
        "kitchen-gas",
    ]
    assert states(comparison) == {
        "extinguishers": ["pass", "pass", "none"],
        "exits-unlocked": ["pass", "pass", "fail"],
        "kitchen-gas": ["none", "fail", "none"],
    }
    assert flagged(comparison) == ["exits-unlocked"]
    assert counted() == {institution1.pk: 1}


def test_the_latest_inspection_of_a_level_in_the_period_is_the_one_compared(institution1):
    """The township failed the item, came back and passed it: the later visit counts."""
    version, items = version_with(KEYS[:1])
    item = items["extinguishers"]
    submitted(institution1, version, Level.SELF, {item: "pass"})
    submitted(
        institution1, version, Level.TOWNSHIP, {item: "fail"}, due_on=TODAY - DAY, hours_ago=30
    )
    later = submitted(institution1, version, Level.TOWNSHIP, {item: "pass"}, hours_ago=2)

    comparison = levels.compare(institution1, TODAY - DAY, TODAY)

    assert comparison.inspections[1] == later
    assert flagged(comparison) == []
    assert counted() == {}


def test_inspections_outside_the_period_drafts_and_other_institutions_are_left_out(
    institution1, institution2
):
    version, items = version_with(KEYS[:1])
    item = items["extinguishers"]
    submitted(institution1, version, Level.SELF, {item: "pass"})
    submitted(institution1, version, Level.TOWNSHIP, {item: "fail"}, due_on=TODAY - 40 * DAY)
    InspectionFactory(
        institution=institution1, version=version, level=Level.SUPERVISORY, due_on=TODAY
    )
    submitted(institution2, version, Level.TOWNSHIP, {item: "fail"})

    comparison = levels.compare(institution1, TODAY - 30 * DAY, TODAY)

    assert comparison.inspections[1:] == [None, None]
    assert states(comparison) == {"extinguishers": ["pass", "none", "none"]}
    assert counted(TODAY - 30 * DAY, TODAY) == {}


def test_an_unanswered_item_is_not_inspected_and_a_kind_it_skips_is_not_applicable(
    institution1,
):
    version, items = version_with(KEYS[:2])
    skipped = ItemFactory(
        section=items["extinguishers"].section,
        key="child-only",
        institution_kinds=["child_welfare"],
    )
    submitted(institution1, version, Level.SELF, {items["extinguishers"]: "pass"})

    comparison = levels.compare(institution1, TODAY, TODAY)

    assert states(comparison) == {
        "extinguishers": ["pass", "none", "none"],
        "exits-unlocked": ["none", "none", "none"],
        "child-only": ["na", "none", "none"],
    }
    assert skipped.key in states(comparison)


def test_answers_that_cannot_fail_are_recorded_not_passed(institution1):
    version, items = version_with(["hospital"], answer_type=AnswerType.TEXT)
    submitted(institution1, version, Level.SELF, {items["hospital"]: "泌阳县人民医院"})

    (row,) = levels.compare(institution1, TODAY, TODAY).rows

    assert row.cells[0].state == "recorded"
    assert row.cells[0].shown == "泌阳县人民医院"


# --- The period -------------------------------------------------------------------


def test_the_default_period_is_the_festival_seasons_else_the_month(db):
    assert levels.default_period(TODAY) == (datetime.date(2027, 2, 1), datetime.date(2027, 2, 28))
    version, _items = version_with(KEYS[:1])
    Campaign.objects.create(
        name="春节消防安全排查",
        template=version.template,
        level=Level.TOWNSHIP,
        starts_on=datetime.date(2027, 1, 25),
        ends_on=datetime.date(2027, 3, 5),
        due_on=datetime.date(2027, 2, 20),
        recurrence=Recurrence.ONCE,
    )

    assert levels.default_period(TODAY) == (datetime.date(2027, 1, 25), datetime.date(2027, 3, 5))


def test_a_period_ending_before_it_starts_is_refused_beside_the_field(
    client_for, officer, institution1
):
    response = client_for(officer).get(
        reverse("inspections:levels", args=[institution1.pk]),
        {"date_from": "2027-02-10", "date_to": "2027-02-01"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["date_to"] == ["结束日期不能早于开始日期。"]
    # The default period is compared instead.
    assert response.context["comparison"].date_from == datetime.date(2027, 2, 1)


# --- The page, its links and who sees it ------------------------------------------


@pytest.fixture
def flagged_institution1(institution1):
    version, items = version_with(KEYS)
    submitted(institution1, version, Level.SELF, dict.fromkeys(items.values(), "pass"))
    township = submitted(institution1, version, Level.TOWNSHIP, {items["extinguishers"]: "fail"})
    return township


def test_the_page_flags_the_item_and_links_each_levels_result(
    client_for, officer, flagged_institution1
):
    response = client_for(officer).get(
        reverse("inspections:levels", args=[flagged_institution1.institution_id])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "自查不实" in page
    assert 'data-key="extinguishers"' in page
    assert reverse("inspections:result", args=[flagged_institution1.pk]) in page
    assert "1 项自查合格的检查项被乡镇或民政局判为不合格" in page


def test_an_inspection_result_links_to_the_levels_of_its_period(
    client_for, officer, flagged_institution1
):
    response = client_for(officer).get(
        reverse("inspections:result", args=[flagged_institution1.pk])
    )

    url = reverse("inspections:levels", args=[flagged_institution1.institution_id])
    assert f"{url}?date_from=2027-02-01&amp;date_to=2027-02-28" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("inst1", 200),
        ("town1", 200),
        ("officer", 200),
        ("town2", 404),
        ("inst2", 404),
        ("sysadmin", 404),
    ],
)
def test_who_sees_an_institutions_comparison(
    request, client_for, flagged_institution1, institution2, town1, town2, inst1, role, status
):
    users = {
        "inst1": inst1,
        "town1": town1,
        "town2": town2,
        "officer": UserFactory(role=Role.BUREAU_OFFICER),
        "inst2": UserFactory(role=Role.INSTITUTION_STAFF, institution=institution2),
        "sysadmin": UserFactory(role=Role.SYSTEM_ADMIN),
    }

    response = client_for(users[role]).get(
        reverse("inspections:levels", args=[flagged_institution1.institution_id])
    )

    assert response.status_code == status


def _listed(response):
    return [row["institution_name"] for row in response.context["page"]]


def test_the_list_of_institutions_not_credible_is_scoped(
    client_for, flagged_institution1, institution2, town1, town2, inst1
):
    version, items = version_with(["exits-unlocked"])
    item = items["exits-unlocked"]
    submitted(institution2, version, Level.SELF, {item: "pass"})
    submitted(institution2, version, Level.SUPERVISORY, {item: "fail"})
    url = reverse("inspections:not_credible")

    assert _listed(client_for(UserFactory(role=Role.BUREAU_OFFICER)).get(url)) == [
        "羊册镇敬老院",
        "马谷田镇敬老院",
    ]
    assert _listed(client_for(town1).get(url)) == ["羊册镇敬老院"]
    assert _listed(client_for(town2).get(url)) == ["马谷田镇敬老院"]
    assert _listed(client_for(inst1).get(url)) == ["羊册镇敬老院"]
    assert client_for(UserFactory(role=Role.AUDIT_ADMIN)).get(url).status_code == 403


def test_a_county_role_narrows_the_list_to_a_township(
    client_for, officer, flagged_institution1, township2
):
    url = reverse("inspections:not_credible")

    assert _listed(client_for(officer).get(url, {"township": township2.pk})) == []
    assert _listed(
        client_for(officer).get(url, {"township": flagged_institution1.institution.township_id})
    ) == ["羊册镇敬老院"]


def grow(township, n, version, items):
    """n institutions with all three levels, each with one item not credible."""
    for _ in range(n):
        institution = InstitutionFactory(township=township)
        submitted(institution, version, Level.SELF, dict.fromkeys(items.values(), "pass"))
        submitted(institution, version, Level.TOWNSHIP, {items["extinguishers"]: "fail"})
        submitted(institution, version, Level.SUPERVISORY, {items["exits-unlocked"]: "pass"})


def test_the_list_costs_the_same_queries_at_two_sizes(
    client_for, django_assert_num_queries, officer, township1
):
    version, items = version_with(KEYS)
    client = client_for(officer)
    url = reverse("inspections:not_credible")
    grow(township1, 1, version, items)
    with CaptureQueriesContext(connection) as small:
        client.get(url)

    grow(township1, 30, version, items)

    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 31
    assert len(response.context["page"]) == 25


def test_the_comparison_costs_the_same_queries_whatever_the_checklists_length(
    client_for, django_assert_num_queries, officer, institution1
):
    client = client_for(officer)
    short_version, short_items = version_with(KEYS[:1])
    submitted(institution1, short_version, Level.SELF, dict.fromkeys(short_items.values(), "pass"))
    url = reverse("inspections:levels", args=[institution1.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)

    keys = [f"item-{n}" for n in range(40)]
    version, items = version_with(keys)
    for level in (Level.SELF, Level.TOWNSHIP, Level.SUPERVISORY):
        submitted(institution1, version, level, dict.fromkeys(items.values(), "fail"), hours_ago=0)

    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["comparison"].rows) == 40


# --- The list's rows, a dashboard figure ------------------------------------------


def _names(user, **filters):
    rows = levels.not_credible_institutions(user, TODAY - 10 * DAY, TODAY + 10 * DAY, **filters)
    return [(row["institution_name"], row["items"]) for row in rows]


def test_the_list_is_compared_once_a_minute_and_afresh_after_an_inspection(
    django_assert_num_queries, officer, flagged_institution1, institution2
):
    assert _names(officer) == [("羊册镇敬老院", 1)]
    with django_assert_num_queries(0):
        assert _names(officer) == [("羊册镇敬老院", 1)]

    version, items = version_with(["exits-unlocked"])
    item = items["exits-unlocked"]
    submitted(institution2, version, Level.TOWNSHIP, {item: "fail"})
    submitted(institution2, version, Level.SELF, {item: "pass"})

    assert _names(officer) == [("羊册镇敬老院", 1), ("马谷田镇敬老院", 1)]


def test_the_list_kept_for_the_county_is_not_shown_to_a_township(
    officer, town2, flagged_institution1, institution2
):
    assert _names(officer) == [("羊册镇敬老院", 1)]
    assert _names(town2) == []
    assert _names(officer, township=institution2.township) == []


def test_a_list_longer_than_the_cap_pages_to_the_cap_and_says_there_are_more():
    capped = levels.CappedRowsPaginator(list(range(7)), 2, cap=6)
    assert (capped.count, capped.count_is_capped, capped.num_pages) == (6, True, 3)
    exact = levels.CappedRowsPaginator(list(range(6)), 2, cap=6)
    assert (exact.count, exact.count_is_capped) == (6, False)
