import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # Dashboard figures live in the cache for a minute; each test counts its own rows.
    cache.clear()
    yield
    cache.clear()
