"""Who sees which institution: every role against another township's institution."""

import pytest
from django.urls import reverse

from institutions.models import Institution, Township
from tests.factories import InstitutionFactory, UserFactory


@pytest.fixture
def both_institutions(institution1, institution2):
    return institution1, institution2


def test_bureau_officer_sees_every_township(officer, both_institutions):
    assert set(Institution.objects.visible_to(officer)) == set(both_institutions)


def test_admin_sees_every_township(admin_user, both_institutions):
    assert set(Institution.objects.visible_to(admin_user)) == set(both_institutions)


def test_township_staff_see_only_their_township(town1, institution1, institution2):
    assert list(Institution.objects.visible_to(town1)) == [institution1]


def test_institution_staff_see_only_their_institution(inst1, institution1, institution2):
    InstitutionFactory(township=institution1.township)  # a neighbour in the same township
    assert list(Institution.objects.visible_to(inst1)) == [institution1]


def test_inactive_account_sees_nothing(town1, institution1):
    town1.is_active = False
    town1.save()
    assert not Institution.objects.visible_to(town1).exists()


def test_township_list_is_scoped_to_own_township(town1, inst1, officer, township1, township2):
    assert list(Township.objects.visible_to(town1)) == [township1]
    assert list(Township.objects.visible_to(inst1)) == [township1]
    assert set(Township.objects.visible_to(officer)) == {township1, township2}


@pytest.mark.parametrize("username", ["town1", "inst1"])
def test_other_townships_institution_is_not_listed(request, client_for, username, institution2):
    client = client_for(request.getfixturevalue(username))
    response = client.get(reverse("institutions:list"))
    assert response.status_code == 200
    assert institution2.name not in response.content.decode()


@pytest.mark.parametrize("username", ["town1", "inst1"])
@pytest.mark.parametrize("page", ["institutions:detail", "institutions:edit"])
def test_other_townships_institution_is_a_404(request, client_for, username, page, institution2):
    client = client_for(request.getfixturevalue(username))
    assert client.get(reverse(page, args=[institution2.pk])).status_code == 404


@pytest.mark.parametrize("username", ["town1", "inst1"])
def test_posting_an_edit_to_another_townships_institution_changes_nothing(
    request, client_for, username, institution2
):
    client = client_for(request.getfixturevalue(username))
    response = client.post(
        reverse("institutions:edit", args=[institution2.pk]), {"name": "被篡改", "residents": 1}
    )
    assert response.status_code == 404
    institution2.refresh_from_db()
    assert institution2.name == "马谷田镇敬老院"


@pytest.mark.parametrize("username", ["officer", "admin_user"])
@pytest.mark.parametrize("page", ["institutions:list", "institutions:detail", "institutions:edit"])
def test_county_wide_roles_open_any_townships_institution(
    request, client_for, username, page, institution2
):
    client = client_for(request.getfixturevalue(username))
    args = [] if page == "institutions:list" else [institution2.pk]
    response = client.get(reverse(page, args=args))
    assert response.status_code == 200
    assert institution2.name in response.content.decode()


def test_own_township_institution_opens_for_township_staff(client_for, town1, institution1):
    response = client_for(town1).get(reverse("institutions:detail", args=[institution1.pk]))
    assert response.status_code == 200
    assert institution1.safety_officer in response.content.decode()


def test_institution_staff_cannot_register_an_institution(client_for, inst1):
    assert client_for(inst1).get(reverse("institutions:create")).status_code == 403


def test_pages_need_a_login(client, institution1):
    response = client.get(reverse("institutions:detail", args=[institution1.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_scope_follows_role(township1, institution1):
    staff = UserFactory(role="institution_staff", institution=institution1)
    assert staff.township == township1
    officer = UserFactory(role="bureau_officer", township=township1)
    assert officer.township is None


def test_user_list_is_scoped_like_institutions(town1, town2, inst1, officer):
    assert set(type(town1).objects.visible_to(town1)) == {town1, inst1}
    assert set(type(town1).objects.visible_to(inst1)) == {inst1}
    assert {town1, town2, inst1, officer} <= set(type(town1).objects.visible_to(officer))
