"""The institution search's fragments are answered from trigram indexes on PostgreSQL."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import InstitutionFactory


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
@pytest.mark.django_db
def test_each_searched_column_has_a_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'institutions_institution' AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        found = dict(cursor.fetchall())
    assert set(found) == {
        "institution_name_trgm",
        "institution_address_trgm",
        "institution_safety_officer_trgm",
        "institution_legal_representative_trgm",
    }
    assert "upper" in found["institution_name_trgm"].lower()


def test_the_search_finds_a_fragment_in_the_middle_of_a_name(client_for, officer, township1):
    home = InstitutionFactory(name="泌阳县羊册镇中心敬老院", township=township1)
    InstitutionFactory(name="泌阳县婚姻登记处", township=township1)
    page = client_for(officer).get(reverse("institutions:list"), {"q": "中心敬老"}).context["page"]
    assert list(page) == [home]
