import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import TownshipFactory


@pytest.fixture(autouse=True)
def _township_codes_from_the_start():
    # As tests/inspections: the factory's township codes are used up within a run.
    TownshipFactory.reset_sequence()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def assert_same_queries(django_assert_num_queries):
    """assert_same_queries(client, small_url, large_url): the large page costs what the small one does."""

    def check(client, small_url, large_url):
        assert client.get(small_url).status_code == 200  # session and caches warm
        with CaptureQueriesContext(connection) as small:
            assert client.get(small_url).status_code == 200
        with django_assert_num_queries(len(small)):
            assert client.get(large_url).status_code == 200
        return len(small)

    return check
