"""Who sees the dashboard and what: the county, one township, or nothing."""

from tests.inspections.factories import HazardFactory


def test_anonymous_visitors_are_asked_to_log_in(client, db):
    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_institution_staff_are_sent_home_with_a_word_why(page, inst1):
    response = page(inst1)

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_menu_links_to_the_dashboard(page, officer):
    assert 'href="/dashboard/"' in page(officer).content.decode()


def test_township_staff_see_only_their_townships_figures(
    page, town1, festival, institution1, institution2
):
    HazardFactory(institution=institution1)
    HazardFactory.create_batch(3, institution=institution2)

    response = page(town1)

    assert response.context["hazards"]["total"] == 1
    assert [row["name"] for row in response.context["league"]] == ["羊册镇"]
    assert "马谷田镇" not in response.content.decode()
    assert "township" not in response.context["form"].fields


def test_township_staff_cannot_ask_for_another_township(
    page, town1, township2, festival, institution1, institution2
):
    HazardFactory(institution=institution1)
    HazardFactory.create_batch(3, institution=institution2)

    response = page(town1, township=township2.pk)

    assert response.status_code == 200
    assert response.context["filters"].township_id == town1.township_id
    assert response.context["hazards"]["total"] == 1
    assert "马谷田镇" not in response.content.decode()


def test_a_township_clerks_figures_are_not_served_to_the_county_from_the_cache(
    page, officer, town1, festival, institution1, institution2
):
    HazardFactory(institution=institution1)
    HazardFactory.create_batch(3, institution=institution2)

    assert page(town1).context["hazards"]["total"] == 1
    assert page(officer).context["hazards"]["total"] == 4


def test_an_officer_narrows_the_page_to_one_township(
    page, officer, township2, festival, institution1, institution2
):
    HazardFactory(institution=institution1)
    HazardFactory.create_batch(3, institution=institution2)

    response = page(officer, township=township2.pk)

    assert response.context["hazards"]["total"] == 3
    assert [row["name"] for row in response.context["league"]] == ["马谷田镇"]


def test_the_institution_kind_narrows_hazards(page, officer, festival, institution1, township1):
    from institutions.models import InstitutionKind
    from tests.factories import InstitutionFactory

    station = InstitutionFactory(township=township1, kind=InstitutionKind.RESCUE_STATION)
    HazardFactory(institution=institution1)
    HazardFactory.create_batch(2, institution=station)

    response = page(officer, kind=InstitutionKind.RESCUE_STATION)

    assert response.context["hazards"]["total"] == 2
    assert "kind=rescue_station" in response.context["hazards"]["overdue_link"]
