"""The weekly report's antigen kits start from the home's supply records: what its antigen
kit lines received and gave out from Monday to Sunday of the week, which the clerk may
still correct; a report already filed keeps its own figures."""

import datetime

import pytest
from django.urls import reverse

from epidemic.models import WeeklyReport
from preparedness import services
from preparedness.models import MovementKind, SupplyKind, antigen_kits_of_week
from tests.epidemic.factories import WEEK, WeeklyReportFactory
from tests.epidemic.test_filing import FORM, file_url
from tests.preparedness.factories import SupplyFactory

pytestmark = pytest.mark.django_db

RECEIVED, GIVEN = MovementKind.RECEIVED, MovementKind.GIVEN
SOURCE_LINE = 'id="antigen-kits-source"'


def day(n):
    """WEEK's Monday + n days (-1: the Sunday before, 6: its Sunday, 7: the next Monday)."""
    return WEEK + datetime.timedelta(days=n)


def move(supply, user, kind, quantity, on):
    services.record_movement(supply=supply, user=user, kind=kind, quantity=quantity, moved_on=on)


def kits_line(institution, user, quantity=0):
    return SupplyFactory(
        institution=institution,
        kind=SupplyKind.ANTIGEN_KITS,
        quantity=quantity,
        unit="人份",
        updated_by=user,
    )


@pytest.fixture
def movements(town1, town2, officer, institution1, institution2):
    """institution1's two antigen kit lines: 100 + 40 received and 30 + 5 + 2 given in the
    week, and movements the day before and the day after it; its masks moved in the week;
    institution2's kits moved in the week."""
    kits = kits_line(institution1, town1, quantity=10)
    spare = kits_line(institution1, town1)
    move(kits, town1, RECEIVED, 500, day(-1))  # the Sunday before: last week's
    move(kits, town1, RECEIVED, 100, day(0))
    move(kits, town1, GIVEN, 30, day(1))
    move(spare, town1, RECEIVED, 40, day(2))
    move(spare, town1, GIVEN, 5, day(6))  # Sunday: still this week
    move(kits, town1, GIVEN, 2, day(6))
    move(kits, town1, GIVEN, 7, day(7))  # the next Monday
    masks = SupplyFactory(institution=institution1, kind=SupplyKind.MASKS, updated_by=town1)
    move(masks, town1, GIVEN, 50, day(3))
    move(kits_line(institution2, town2), town2, RECEIVED, 999, day(3))
    return kits


def test_the_weeks_figures_are_the_sum_of_the_homes_antigen_kit_movements(
    clock, movements, institution1
):
    assert antigen_kits_of_week(institution1, WEEK) == {
        "received": 140,
        "given": 37,
        "movements": 5,
    }
    last_week = antigen_kits_of_week(institution1, day(-7))
    assert (last_week["received"], last_week["given"]) == (500, 0)


def test_a_new_report_starts_from_the_supply_records_and_says_so(
    clock, movements, inst1, client_for
):
    response = client_for(inst1).get(file_url(inst1.institution))
    form = response.context["form"]
    assert form["antigen_kits_received"].value() == 140
    assert form["antigen_kits_given"].value() == 37
    page = response.content.decode()
    assert 'name="antigen_kits_received" value="140"' in page
    assert SOURCE_LINE in page
    assert "以上抗原试剂数取自本院本周应急物资入库与发放记录（入库140，发放37）" in page
    assert "如有出入可直接修改" in page


def test_the_clerk_may_correct_the_prefilled_figures(clock, movements, inst1, client_for):
    data = {**FORM, "antigen_kits_received": "150", "antigen_kits_given": "37"}
    assert client_for(inst1).post(file_url(inst1.institution), data).status_code == 302
    report = WeeklyReport.objects.get()
    assert (report.antigen_kits_received, report.antigen_kits_given) == (150, 37)


def test_a_filed_report_keeps_its_own_figures_beside_the_records(
    clock, movements, institution1, town1, client_for
):
    WeeklyReportFactory(institution=institution1, antigen_kits_received=120, antigen_kits_given=30)
    response = client_for(town1).get(file_url(institution1))
    form = response.context["form"]
    assert (form["antigen_kits_received"].value(), form["antigen_kits_given"].value()) == (120, 30)
    page = response.content.decode()
    assert "本院应急物资记录本周：抗原试剂入库140，发放37。" in page
    assert "以上抗原试剂数取自" not in page


def test_another_week_starts_from_that_weeks_records(clock, movements, inst1, client_for):
    form = client_for(inst1).get(file_url(inst1.institution, "2027-W05")).context["form"]
    assert (form["antigen_kits_received"].value(), form["antigen_kits_given"].value()) == (500, 0)


def test_without_movements_the_form_starts_at_zero_and_says_nothing_of_supplies(
    clock, inst1, client_for, town1
):
    kits_line(inst1.institution, town1, quantity=200)  # a line in stock, nothing moved
    response = client_for(inst1).get(file_url(inst1.institution))
    form = response.context["form"]
    assert (form["antigen_kits_received"].value(), form["antigen_kits_given"].value()) == (0, 0)
    assert SOURCE_LINE not in response.content.decode()


def test_another_townships_clerk_gets_no_form_and_no_figures(
    clock, movements, institution1, town2, client_for
):
    response = client_for(town2).get(file_url(institution1))
    assert response.status_code == 404
    assert "140" not in response.content.decode()


@pytest.mark.parametrize("size", [1, 12])
def test_the_form_costs_the_same_queries_however_many_movements(
    clock, inst1, town1, client_for, django_assert_num_queries, size
):
    kits = kits_line(inst1.institution, town1)
    for n in range(size):
        move(kits, town1, RECEIVED, 10, day(n % 7))
    client = client_for(inst1)
    client.get(reverse("home"))
    # The session, the user, the institution, the report (none), the week's antigen kits
    # (one query), the township (the menu), the session's save, two savepoint pairs.
    with django_assert_num_queries(11):
        response = client.get(file_url(inst1.institution))
    assert response.context["form"]["antigen_kits_received"].value() == 10 * size
