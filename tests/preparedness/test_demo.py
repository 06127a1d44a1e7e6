"""The demo's preparedness: something on every page, and a second run changes nothing."""

import datetime
import io

from django.utils import timezone

from preparedness import demo
from preparedness.models import Drill, Plan, Responsibility, Supply, SupplyKind, SupplyMovement
from tests.factories import InstitutionFactory, UserFactory


def test_the_demo_seeds_every_part_once(township1):
    UserFactory(username="officer")
    for _ in range(4):
        InstitutionFactory(township=township1)
    demo.seed(password="x", stdout=io.StringIO())
    seeded = (Plan, Supply, SupplyMovement, Drill, Responsibility)
    counts = [m.objects.count() for m in seeded]
    stock = sorted(Supply.objects.values_list("pk", "quantity"))
    demo.seed(password="x", stdout=io.StringIO())
    assert [m.objects.count() for m in seeded] == counts
    assert sorted(Supply.objects.values_list("pk", "quantity")) == stock
    assert all(counts)
    assert Plan.objects.exclude(document="").exists()


def test_the_demos_antigen_kits_moved_this_week_and_not_in_the_future(township1):
    UserFactory(username="officer")
    for _ in range(4):
        InstitutionFactory(township=township1)
    demo.seed(password="x", stdout=io.StringIO())
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    moved = SupplyMovement.objects.filter(supply__kind=SupplyKind.ANTIGEN_KITS)
    assert moved.filter(moved_on__gte=monday, moved_on__lte=today).exists()
    assert not moved.filter(moved_on__gt=today).exists()
