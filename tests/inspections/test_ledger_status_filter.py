"""The ledger's status filter: "not yet closed" is what the 未销号隐患 count means."""

from django.http import QueryDict
from django.urls import reverse

from inspections.filters import HazardFilter
from inspections.models import Hazard, HazardStatus
from tests.inspections.factories import HazardFactory


def _statuses(user, query):
    hazards = HazardFilter(QueryDict(query), queryset=Hazard.objects.visible_to(user), user=user)
    return sorted(hazard.status for hazard in hazards.qs)


def test_not_yet_closed_is_open_rectifying_and_awaiting_verification(officer, institution1):
    for status in HazardStatus.values:
        HazardFactory(institution=institution1, status=status)
    assert _statuses(officer, "status=unresolved") == sorted(
        [HazardStatus.OPEN, HazardStatus.RECTIFYING, HazardStatus.SUBMITTED]
    )
    assert _statuses(officer, "status=closed") == [HazardStatus.CLOSED]


def test_the_home_count_links_to_every_hazard_it_counts(client_for, town1, institution1):
    HazardFactory(institution=institution1, status=HazardStatus.RECTIFYING)
    client = client_for(town1)
    page = client.get(reverse("inspections:index")).content.decode()
    assert "?status=unresolved" in page
    ledger = client.get(reverse("inspections:ledger"), {"status": "unresolved"})
    assert ledger.context["page"].paginator.count == 1
