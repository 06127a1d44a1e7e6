"""Duty tests live in the Spring Festival of 2027 (see factories.at)."""

import pytest
import time_machine

from tests.duty_roster.factories import LeaveApproverFactory, at


@pytest.fixture(autouse=True)
def _spring_festival_2027():
    # Forms and services accept dates near today only (a roster within a year, an
    # incident not years back), so the tests' February 2027 must stay "near today".
    with time_machine.travel(at(1, 9), tick=True):
        yield


@pytest.fixture
def county_approver(officer):
    """The bureau officer on the leave approver list, for everyone's leave."""
    LeaveApproverFactory(user=officer)
    return officer
