"""Incidents reach the county duty room at once; every step is timed."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from duty_roster import services
from duty_roster.models import Incident, IncidentUpdate
from tests.duty_roster.factories import at


def report(user, institution, occurred_at):
    return services.report_incident(
        user=user,
        township=institution.township,
        institution=institution,
        occurred_at=occurred_at,
        place="3号楼102室",
        category="fire",
        severity="serious",
        deaths=0,
        injuries=1,
        summary="电热毯短路起火，已扑灭",
        actions_taken="切断电源，转移老人",
        who_was_told="镇政府值班室",
    )


def test_incident_flow_records_every_step_with_its_time(inst1, institution1, officer, town1):
    with time_machine.travel(at(11, 2, 20), tick=False):
        incident = report(inst1, institution1, occurred_at=at(11, 2, 5))
    with time_machine.travel(at(11, 2, 26), tick=False):
        services.acknowledge_incident(incident=incident, user=officer)
    with time_machine.travel(at(11, 3, 0), tick=False):
        services.add_incident_report(
            incident=incident, user=town1, text="伤者送县人民医院，无生命危险"
        )
    with time_machine.travel(at(11, 9, 0), tick=False):
        services.add_incident_report(
            incident=incident, user=inst1, text="已排查全院电热毯", final=True
        )
    incident.refresh_from_db()
    assert incident.minutes_to_first_report == 15
    assert incident.minutes_to_acknowledgement == 6
    assert not incident.reported_late
    kinds = list(incident.updates.values_list("kind", flat=True))
    assert kinds == [
        IncidentUpdate.Kind.FIRST,
        IncidentUpdate.Kind.ACKNOWLEDGED,
        IncidentUpdate.Kind.FOLLOW_UP,
        IncidentUpdate.Kind.FINAL,
    ]
    assert incident.closed_at == at(11, 9, 0)


def test_written_report_after_its_limit_is_flagged_late(inst1, institution1, settings):
    settings.DUTY_INCIDENT_WRITTEN_REPORT_MINUTES = 20
    with time_machine.travel(at(11, 2, 30), tick=False):
        incident = report(inst1, institution1, occurred_at=at(11, 2, 5))
    assert incident.reported_late


def test_new_incident_is_in_the_county_queue(inst1, institution1, officer):
    report(inst1, institution1, occurred_at=at(1, 2, 5))
    assert Incident.objects.visible_to(officer).unacknowledged().count() == 1


def test_incident_cannot_be_reported_before_it_happens(inst1, institution1):
    future = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError):
        report(inst1, institution1, occurred_at=future)


def test_only_the_county_duty_room_acknowledges(inst1, institution1, town1):
    incident = report(inst1, institution1, occurred_at=at(1, 2, 5))
    with pytest.raises(PermissionDenied):
        services.acknowledge_incident(incident=incident, user=town1)


def test_nobody_reports_for_another_townships_institution(town2, institution1):
    with pytest.raises(PermissionDenied):
        report(town2, institution1, occurred_at=at(1, 2, 5))


def test_closed_incident_takes_no_more_reports(inst1, institution1):
    incident = report(inst1, institution1, occurred_at=at(1, 2, 5))
    services.add_incident_report(incident=incident, user=inst1, text="处置完毕", final=True)
    with pytest.raises(ValidationError):
        services.add_incident_report(incident=incident, user=inst1, text="补充")
