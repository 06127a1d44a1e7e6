"""The home page's preparedness card."""

import datetime

from django.urls import reverse
from django.utils import timezone

from preparedness.models import PlanKind
from tests.preparedness.factories import PlanFactory, SupplyFactory


def test_the_card_counts_overdue_plans_and_flagged_supplies_in_scope(
    client_for, town1, institution1, institution2
):
    today = timezone.localdate()
    PlanFactory(
        institution=institution1,
        kind=PlanKind.FIRE,
        approved_on=today - datetime.timedelta(days=400),
        review_on=today - datetime.timedelta(days=1),
    )
    SupplyFactory(institution=institution1, quantity=1, minimum_quantity=5)
    SupplyFactory(institution=institution2, quantity=1, minimum_quantity=5)  # not theirs
    panels = client_for(town1).get(reverse("home")).context["panels"]
    [card] = [p for p in panels if p["template"] == "preparedness/_home_panel.html"]
    assert (card["plans_overdue"], card["supplies_flagged"]) == (1, 1)


def test_a_new_supply_line_is_counted_at_once(client_for, officer, institution1):
    client = client_for(officer)
    client.get(reverse("home"))
    SupplyFactory(institution=institution1, quantity=0, minimum_quantity=1)
    panels = client.get(reverse("home")).context["panels"]
    [card] = [p for p in panels if p["template"] == "preparedness/_home_panel.html"]
    assert card["supplies_flagged"] == 1


def test_the_three_administrators_get_no_card(client_for, sysadmin):
    panels = client_for(sysadmin).get(reverse("home")).context["panels"]
    assert not [p for p in panels if p["template"] == "preparedness/_home_panel.html"]
