"""The demo's preparedness: something on every page, and a second run changes nothing."""

import io

from preparedness import demo
from preparedness.models import Drill, Plan, Responsibility, Supply
from tests.factories import InstitutionFactory, UserFactory


def test_the_demo_seeds_every_part_once(township1):
    UserFactory(username="officer")
    for _ in range(4):
        InstitutionFactory(township=township1)
    demo.seed(password="x", stdout=io.StringIO())
    counts = [m.objects.count() for m in (Plan, Supply, Drill, Responsibility)]
    demo.seed(password="x", stdout=io.StringIO())
    assert [m.objects.count() for m in (Plan, Supply, Drill, Responsibility)] == counts
    assert all(counts)
    assert Plan.objects.exclude(document="").exists()
