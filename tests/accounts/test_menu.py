"""The menu follows the role: the three administrators get no business menus, and the
security administrator finds the locked sign-ins."""

from django.urls import reverse


def _menu(client):
    page = client.get(reverse("password_change")).content.decode()
    return page[page.index('id="main-nav"') : page.index("</nav>")]


def test_the_security_administrator_finds_the_locked_sign_ins(client_for, secadmin):
    menu = _menu(client_for(secadmin))
    assert reverse("lockouts") in menu
    assert reverse("inspections:index") not in menu and reverse("relief:index") not in menu


def test_the_audit_administrator_has_no_business_menu(client_for, auditor):
    menu = _menu(client_for(auditor))
    assert reverse("institutions:list") not in menu and reverse("lockouts") not in menu


def test_an_officer_keeps_the_business_menus_and_no_lockouts(client_for, officer):
    menu = _menu(client_for(officer))
    assert reverse("inspections:index") in menu and reverse("lockouts") not in menu
