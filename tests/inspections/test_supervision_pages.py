"""挂牌督办 on the pages: the hazard, the ledger and its download, the home panel, the demo."""

import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from inspections import services
from inspections.models import Hazard, HazardEvent
from tests.inspections.factories import HazardFactory

TODAY = datetime.date(2027, 3, 10)
NOW = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def supervised(institution1):
    hazard = HazardFactory(
        institution=institution1,
        description="燃气报警器失灵",
        deadline=TODAY - datetime.timedelta(days=5),
    )
    services.place_under_supervision()
    hazard.refresh_from_db()
    return hazard


@pytest.fixture
def on_time(institution1):
    return HazardFactory(institution=institution1, description="疏散指示灯不亮")


def page(client, hazard):
    return client.get(hazard.get_absolute_url()).content.decode()


def supervise_url(hazard):
    return reverse("inspections:hazard_action", args=[hazard.pk, "supervise"])


# --- The hazard page --------------------------------------------------------


def test_the_hazard_page_shows_the_supervision_with_its_red_badge(client_for, supervised, town1):
    html = page(client_for(town1), supervised)
    assert re.search(
        r'<span class="badge text-bg-danger[^"]*" id="supervision-badge">挂牌督办<', html
    )
    card = html[html.index('id="supervision"') :]
    assert "2027-03-10 09:00" in card  # since when
    assert "待指定" in card  # no officer yet
    assert "2027-03-17" in card  # the bureau's deadline
    assert "逾期3天以上" in card  # the reason


def test_the_hazard_page_names_the_supervising_officer(client_for, supervised, officer, town1):
    officer.full_name = "赵卫东"
    officer.save()
    services.take_over_supervision(hazard=supervised, user=officer)
    html = page(client_for(town1), supervised)
    assert "赵卫东" in html[html.index('id="supervision"') :]
    assert "待指定" not in html


def test_a_hazard_not_under_supervision_shows_no_supervision(client_for, on_time, officer):
    html = page(client_for(officer), on_time)
    assert 'id="supervision' not in html
    assert supervise_url(on_time) not in html


def test_bureau_roles_are_offered_to_supervise_it_and_others_are_not(
    client_for, supervised, officer, admin_user, town1, inst1
):
    assert supervise_url(supervised) in page(client_for(officer), supervised)
    assert supervise_url(supervised) in page(client_for(admin_user), supervised)
    assert supervise_url(supervised) not in page(client_for(town1), supervised)
    assert supervise_url(supervised) not in page(client_for(inst1), supervised)


def test_the_officer_who_supervises_it_is_not_offered_to_take_it_over_again(
    client_for, supervised, officer
):
    services.take_over_supervision(hazard=supervised, user=officer)
    assert supervise_url(supervised) not in page(client_for(officer), supervised)


def test_only_an_admin_is_offered_to_choose_the_officer(
    client_for, supervised, officer, admin_user
):
    assign = reverse("inspections:hazard_action", args=[supervised.pk, "assign-supervisor"])
    admin_page = page(client_for(admin_user), supervised)
    assert assign in admin_page
    assert f'<option value="{officer.pk}"' in admin_page
    assert assign not in page(client_for(officer), supervised)


def test_the_timeline_shows_the_scan_as_the_system(client_for, supervised, town1):
    timeline = page(client_for(town1), supervised).split("处理经过")[1]
    assert "县局挂牌督办" in timeline
    assert "系统" in timeline


# --- The ledger ---------------------------------------------------------------


def ledger(client, **query):
    return client.get(reverse("inspections:ledger"), query).content.decode()


def test_the_ledger_filters_supervised_hazards(client_for, supervised, on_time, officer):
    client = client_for(officer)
    only_supervised = ledger(client, supervised="true")
    assert "燃气报警器失灵" in only_supervised
    assert "疏散指示灯不亮" not in only_supervised
    not_supervised = ledger(client, supervised="false")
    assert "燃气报警器失灵" not in not_supervised
    assert "疏散指示灯不亮" in not_supervised


def test_the_ledger_filter_offers_yes_and_no(client_for, officer):
    html = ledger(client_for(officer))
    select = re.search(r'<select name="supervised".*?</select>', html, re.S).group(0)
    assert ">挂牌督办<" in select
    assert ">未挂牌督办<" in select


def test_the_ledger_row_shows_the_supervision_badge(client_for, supervised, on_time, officer):
    rows = ledger(client_for(officer)).split('<li class="list-group-item')
    supervised_row = next(row for row in rows if "燃气报警器失灵" in row)
    other_row = next(row for row in rows if "疏散指示灯不亮" in row)
    assert ">挂牌督办<" in supervised_row
    assert ">挂牌督办<" not in other_row


@pytest.mark.parametrize("count", [1, 12])
def test_the_supervised_ledger_runs_the_same_queries_however_many_hazards(
    client_for, officer, institution1, count, django_assert_num_queries
):
    HazardFactory.create_batch(
        count, institution=institution1, found_by=officer, deadline=TODAY - datetime.timedelta(5)
    )
    services.place_under_supervision()
    client = client_for(officer)
    with django_assert_num_queries(10):  # as the unfiltered ledger
        client.get(reverse("inspections:ledger"), {"supervised": "true"})


def test_the_ledger_download_has_a_supervision_column_with_its_date(
    client_for, supervised, on_time, officer
):
    response = client_for(officer).get(reverse("inspections:ledger_xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[4]]  # below the title, filter and author
    column = header.index("挂牌督办")
    rows = {row[1]: row[column] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows[supervised.pk].date() == TODAY
    assert rows[on_time.pk] in (None, "")


# --- The home panel ---------------------------------------------------------


def test_the_home_panel_counts_supervised_hazards_for_county_roles(
    client_for, supervised, on_time, officer
):
    html = client_for(officer).get(reverse("home")).content.decode()
    assert re.search(r'id="home-supervised">1<', html)


def test_the_home_panel_leaves_the_count_out_for_township_staff(client_for, supervised, town1):
    html = client_for(town1).get(reverse("home")).content.decode()
    assert 'id="home-supervised"' not in html


# --- The demo -------------------------------------------------------------------


def test_the_demo_county_has_a_supervised_hazard_taken_over_and_one_waiting(db):
    call_command("seed_demo", stdout=io.StringIO())
    supervised = list(Hazard.objects.supervised().select_related("supervised_by"))
    assert {h.supervised_by.username if h.supervised_by else None for h in supervised} >= {
        "officer",
        None,
    }


def test_seeding_the_demo_again_places_nothing_twice(db):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Hazard.objects.count(), HazardEvent.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Hazard.objects.count(), HazardEvent.objects.count()) == counts
