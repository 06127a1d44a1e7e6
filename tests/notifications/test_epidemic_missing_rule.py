"""epidemic-report-missing: by Monday 12:00, the care homes expected to report that have not
filed last ISO week's report: their township's staff once a week with the homes' names, and
the bureau once a week with a count per township. Frozen time, February 2027."""

import datetime

import pytest
import time_machine

from institutions.models import InstitutionKind
from notifications import rules
from notifications.models import Notification
from tests.epidemic.factories import WEEK, WeeklyReportFactory
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

CODE = "epidemic-report-missing"
# A scan of this rule alone, however many homes (see the last test).
SCAN_QUERIES = 16
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
MONDAY_AFTER = WEEK + datetime.timedelta(weeks=1)  # 15 February 2027, week 2027-W07


def scan(day=MONDAY_AFTER, hour=12, minute=5):
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        return rules.run(frequent=False, codes=[CODE]).get(CODE, 0)


def notes(username):
    return list(Notification.objects.filter(rule=CODE, recipient__username=username).order_by("pk"))


@pytest.fixture
def homes(institution1, institution2, officer):
    """羊册镇: its 敬老院 filed week 6, 羊册镇福利院 did not; 马谷田镇's 敬老院 did not. Not
    expected: a closed home and a funeral home of 羊册镇."""
    township1 = institution1.township
    WeeklyReportFactory(institution=institution1, submitted_by=officer)
    late = InstitutionFactory(
        name="羊册镇福利院", kind=InstitutionKind.SOCIAL_WELFARE, township=township1
    )
    InstitutionFactory(name="羊册镇旧敬老院", township=township1, is_active=False)
    InstitutionFactory(
        name="羊册镇殡仪馆", kind=InstitutionKind.FUNERAL_SERVICE, township=township1
    )
    return {"late": late, "other": institution2}


def test_nothing_is_said_before_monday_noon(homes, town1, town2, officer):
    assert scan(hour=11, minute=55) == 0


def test_each_township_hears_of_its_own_homes_missing_and_the_bureau_a_count(
    homes, town1, town2, officer, admin_user
):
    assert scan() > 0
    (mine,) = notes("town1")
    assert mine.title == "1家养老机构未填报2027-W06疫情防控周报"
    assert mine.body == "羊册镇福利院"  # not the home that filed, not the closed or funeral one
    assert mine.url == "/epidemic/week/2027-W06/?missing=1"
    (theirs,) = notes("town2")
    assert theirs.body == "马谷田镇敬老院"
    assert "羊册镇" not in theirs.title + theirs.body
    for user in ("officer", "admin"):
        (count,) = notes(user)
        assert count.title == "2027-W06：2家养老机构未填报疫情防控周报"
        assert count.body == "羊册镇：1\n马谷田镇：1"
        assert count.url == "/epidemic/county/2027-W06/"


def test_every_message_lands_once_a_week(homes, town1, town2, officer):
    first = scan()
    assert first == 3
    assert scan(hour=15) == 0
    assert scan(day=MONDAY_AFTER + datetime.timedelta(days=2)) == 0


def test_a_township_whose_homes_all_filed_is_not_told(homes, town1, town2, officer):
    WeeklyReportFactory(institution=homes["late"], submitted_by=officer)
    scan()
    assert notes("town1") == []
    assert [n.body for n in notes("officer")] == ["马谷田镇：1"]


def test_nobody_is_told_when_every_home_filed(homes, town1, town2, officer):
    WeeklyReportFactory(institution=homes["late"], submitted_by=officer)
    WeeklyReportFactory(institution=homes["other"], submitted_by=officer)
    assert scan() == 0


def test_next_week_is_a_new_week(homes, town1, officer):
    scan()
    scan(day=MONDAY_AFTER + datetime.timedelta(weeks=1))
    titles = [n.title for n in notes("town1")]
    assert titles == [
        "1家养老机构未填报2027-W06疫情防控周报",
        "2家养老机构未填报2027-W07疫情防控周报",
    ]


def test_an_admin_moves_the_cut_off(homes, town1, officer):
    rule = rules.ensure_rules()[CODE]
    rule.after_minutes = 9 * 60  # Monday 09:00
    rule.save()
    assert scan(hour=9, minute=1) > 0


@pytest.mark.parametrize("size", [2, 15])
def test_a_scan_takes_the_same_queries_for_few_and_many_homes(
    township1, township2, town1, town2, officer, size, django_assert_num_queries
):
    for n in range(size):
        InstitutionFactory(township=township1 if n % 2 else township2)
    rules.ensure_rules()
    # The rule rows (2), who works where and who is on duty (3), the townships' homes, the
    # bureau's message landed or not, the counts per township, and the landing.
    with django_assert_num_queries(SCAN_QUERIES):
        scan()
    assert len(notes("town1")) == len(notes("town2")) == len(notes("officer")) == 1
    assert notes("officer")[0].title == f"2027-W06：{size}家养老机构未填报疫情防控周报"
