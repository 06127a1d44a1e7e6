"""County-wide figures on the home page and the township list: counted once a minute per
scope (config.counts), again at once after an institution changes, never shared
between scopes."""

from django.urls import reverse

from config.counts import cached_figure, invalidate
from tests.factories import InstitutionFactory


def test_a_figure_is_computed_once_per_scope_until_its_topic_changes(officer, town1, town2):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_figure("demo", "n", officer, compute) == 1
    assert cached_figure("demo", "n", officer, compute) == 1
    assert cached_figure("demo", "n", town1, compute) == 2  # another scope
    assert cached_figure("demo", "n", town2, compute) == 3
    invalidate("demo")
    assert cached_figure("demo", "n", officer, compute) == 4


def test_the_township_list_reads_its_totals_from_the_cache_on_the_second_view(
    client_for, officer, institution1, django_assert_num_queries
):
    client = client_for(officer)
    client.get(reverse("institutions:townships"))
    # savepoints, session, user, menu township, session save and its savepoints: no aggregate
    with django_assert_num_queries(7):
        response = client.get(reverse("institutions:townships"))
    assert response.context["townships"][0].institution_count == 1


def test_a_new_institution_is_counted_at_once(client_for, officer, institution1, township1):
    client = client_for(officer)
    assert client.get(reverse("home")).context["totals"]["count"] == 1
    InstitutionFactory(township=township1, residents=7, residents_aged_80_plus=0)
    home = client.get(reverse("home")).context
    assert home["totals"]["count"] == 2
    assert home["totals"]["residents"] == institution1.residents + 7
    townships = client.get(reverse("institutions:townships")).context["townships"]
    assert townships[0].institution_count == 2


def test_a_township_clerk_never_sees_the_countys_cached_totals(
    client_for, officer, town1, institution1, institution2
):
    assert client_for(officer).get(reverse("home")).context["totals"]["count"] == 2
    assert client_for(town1).get(reverse("home")).context["totals"]["count"] == 1
    assert list(client_for(town1).get(reverse("institutions:townships")).context["townships"]) == [
        institution1.township
    ]


def test_a_clerks_institution_list_is_in_name_order(client_for, town1, township1):
    for name in ["丙敬老院", "甲敬老院", "乙敬老院"]:
        InstitutionFactory(name=name, township=township1)
    page = client_for(town1).get(reverse("institutions:list")).context["page"]
    assert [i.name for i in page] == sorted(i.name for i in page)


def test_the_county_list_is_in_township_code_order(client_for, officer, township1, township2):
    later = InstitutionFactory(name="甲", township=township2)  # 411726103
    earlier = InstitutionFactory(name="乙", township=township1)  # 411726102
    page = client_for(officer).get(reverse("institutions:list")).context["page"]
    assert list(page) == [earlier, later]
