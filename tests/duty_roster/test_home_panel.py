"""The home page's duty card: its county-wide counts come from the cache for a minute,
and a write (an incident acknowledged, a check-in) has them recounted."""

from duty_roster import services
from duty_roster.home import panels
from tests.duty_roster.factories import at
from tests.duty_roster.test_incidents import report


def test_the_counts_are_counted_once_a_minute_per_scope(
    inst1, institution1, officer, django_assert_num_queries
):
    report(inst1, institution1, at(1, 8))
    with django_assert_num_queries(4):  # next shift, incidents, absences, spot checks
        assert panels(officer)[0]["unacknowledged"] == 1
    with django_assert_num_queries(2):  # next shift and the spot checks, counted live
        assert panels(officer)[0]["unacknowledged"] == 1


def test_acknowledging_an_incident_has_the_count_recounted(inst1, institution1, officer):
    incident = report(inst1, institution1, at(1, 8))
    assert panels(officer)[0]["unacknowledged"] == 1
    services.acknowledge_incident(incident=incident, user=officer)
    assert panels(officer)[0]["unacknowledged"] == 0
