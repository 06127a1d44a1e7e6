"""Each page costs the same number of queries whatever the size of the county.

The demo county is seeded and every page of the benchmark is requested as the bureau
officer, a township clerk and an institution's staff; then the county grows by a sliver
of the benchmark's data (scripts/bench_data.py) and they are requested again. A page whose query count differs between the two has a query per
row somewhere (an N+1): the benchmark's timings would grow with the data.

Everything is built in one transaction rolled back at the end of the module, so the
other tests never see it. PostgreSQL only, as the data is built in SQL.
"""

import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from scripts import bench, bench_data

# The demo county, then the demo and a sliver of 1×: 4 institutions, 40 hazards (more than
# the ledger's page), 20 inspections, 22 shifts, 20 people... Lists go from part of a page
# to a full one, so a query per row shows.
STEP = 0.002

CASES = [(page.label, role) for role in bench.ROLES for page in bench.PAGES if role in page.roles]

# Pages whose query count grows with the data today: (page, role) -> reason.
GROWS = {}

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the benchmark's data is built with PostgreSQL SQL",
    ),
    # Also makes pytest-django set the test database up before the module's fixture.
    pytest.mark.django_db,
]


def _counts():
    from institutions.models import User

    found = {}
    for role in bench.ROLES:
        client = Client()
        client.force_login(User.objects.get(username=role))
        for page, url in bench.page_urls(role):
            if url is None:
                continue
            cache.clear()  # cached county-wide counts must not hide a size's queries
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, f"{url} as {role}: {response.status_code}"
            found[(page.label, role)] = len(captured)
    return found


@pytest.fixture(scope="module")
def counts_at_two_sizes(django_db_setup, django_db_blocker):
    from inspections.models import Hazard, Inspection, InspectionStatus, Level
    from institutions.demo import DEMO_INSTITUTION

    # As the autouse fixtures of tests/conftest.py, which are per test.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with (
        django_db_blocker.unblock(),
        override_settings(
            STORAGES={**settings.STORAGES, "staticfiles": static},
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        assert connection.settings_dict["NAME"].startswith("test_")
        call_command("seed_demo", stdout=io.StringIO())
        # The demo leaves 羊册镇敬老院's inspections to fill: one submitted gives the
        # result page an object at both sizes.
        Inspection.objects.filter(institution__name=DEMO_INSTITUTION, level=Level.TOWNSHIP).update(
            status=InspectionStatus.SUBMITTED, submitted_at=timezone.now()
        )
        smaller = _counts()
        hazards = Hazard.objects.count()
        bench_data.grow(STEP)
        assert Hazard.objects.count() >= hazards + 40
        larger = _counts()
        transaction.set_rollback(True)
    return smaller, larger


@pytest.mark.parametrize(
    ("page", "role"),
    [
        pytest.param(*case, marks=pytest.mark.xfail(reason=GROWS[case], strict=True))
        if case in GROWS
        else case
        for case in CASES
    ],
)
def test_page_costs_the_same_queries_at_two_sizes(counts_at_two_sizes, page, role):
    smaller, larger = counts_at_two_sizes
    if (page, role) not in smaller:
        pytest.skip(f"{page} has no URL or no object in this database")
    assert larger[(page, role)] == smaller[(page, role)]
